#!/usr/bin/env node
// A solc command-line stand-in over solc-js (the npm `solc` package), so forge can compile
// offline: it runs `solc --version` and `solc [path flags] --standard-json` with the input on stdin.
// Only the JSON output goes to stdout; forge parses it whole.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const solc = require(require.resolve('solc', { paths: [path.join(__dirname, '..')] }));

if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!args.includes('--standard-json')) {
  process.stderr.write(`solc shim: only --version and --standard-json are supported (got: ${args.join(' ')})\n`);
  process.exit(2);
}

// forge passes --base-path, --include-path and --allow-paths; imports are resolved against these roots.
const roots = [];
for (const flag of ['--base-path', '--include-path']) {
  args.forEach((a, i) => { if (a === flag && args[i + 1]) roots.push(args[i + 1]); });
}
if (roots.length === 0) roots.push(process.cwd());

function findImports(importPath) {
  for (const root of [...roots, '']) {
    const candidate = path.resolve(root, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImports }));
