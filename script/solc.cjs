#!/usr/bin/env node
// A solc command-line stand-in over solc-js (the npm `solc` package), so forge compiles offline. Forge runs
// `solc --version` and `solc [path flags] --standard-json` with the input on stdin, and parses stdout as JSON.
//
// solc-js is solc built to WebAssembly with a fixed stack, and a job that parses enough source dies with
// "memory access out of bounds" or "null function" (solidity#13966), whatever outputs it asks for. So a job is
// split: each chunk of output files is compiled in its own child process with only the sources it imports
// (its import closure), and the outputs are merged. Source ids in the merged output, and in every source map and
// AST location, are renumbered to what one whole-job compile would have assigned (sources sorted by name), which
// is what forge expects. A chunk that still crashes is halved.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const CHUNK = Number(process.env.SOLC_SHIM_CHUNK || 6);
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
  args.forEach((a, i) => {
    if (a === flag && args[i + 1]) roots.push(args[i + 1]);
  });
}
if (roots.length === 0) roots.push(process.cwd());

function findImports(importPath) {
  for (const root of [...roots, '']) {
    const candidate = path.resolve(root, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
}

// stdin is read as a stream to its end: `fs.readFileSync(0)` on a pipe can return before the writer is done (a
// child given a 1.3 MB job read part of it, and solc answered "Error parsing input JSON").
readStdin().then((raw) => {
  // Debugging aid: SOLC_SHIM_DUMP=<dir> keeps every standard-JSON input forge sends.
  if (process.env.SOLC_SHIM_DUMP) {
    fs.mkdirSync(process.env.SOLC_SHIM_DUMP, { recursive: true });
    fs.writeFileSync(path.join(process.env.SOLC_SHIM_DUMP, `input-${process.pid}.json`), raw);
  }
  if (process.env.SOLC_SHIM_CHILD) {
    process.stdout.write(solc.compile(raw, { import: findImports }));
    return;
  }
  return main(JSON.parse(raw)).then((output) => process.stdout.write(JSON.stringify(output)));
}).catch((err) => {
  process.stderr.write(`solc shim: ${err.stack || err}\n`);
  process.exit(1);
});

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

async function main(input) {
  const selection = input.settings?.outputSelection ?? {};
  const wanted = Object.keys(selection)
    .filter((file) => Object.values(selection[file]).some((outputs) => outputs.length > 0))
    .sort();
  const globalIds = new Map(Object.keys(input.sources).sort().map((name, id) => [name, id]));
  const graph = importGraph(input);
  const chunks = [];
  for (let i = 0; i < wanted.length; i += CHUNK) chunks.push(wanted.slice(i, i + CHUNK));
  const outputs = await mapLimit(chunks, os.cpus().length, (files) => compileChunk(input, files, graph, globalIds));
  const merged = merge(outputs);
  // Every source gets its whole-job id, compiled in some chunk or not.
  for (const [name, id] of globalIds) merged.sources[name] = { ...merged.sources[name], id };
  return merged;
}

/** Compiles the outputs of `files` with only their import closure, halving the chunk while a child crashes. */
async function compileChunk(input, files, graph, globalIds) {
  const closure = importClosure(files, graph);
  const sources = closure ? Object.fromEntries([...closure].map((f) => [f, input.sources[f]])) : input.sources;
  const selection = input.settings?.outputSelection ?? {};
  const outputSelection = {};
  for (const file of Object.keys(sources)) outputSelection[file] = files.includes(file) ? selection[file] : { '*': [] };
  const chunkInput = { ...input, sources, settings: { ...input.settings, outputSelection } };
  let output;
  try {
    output = JSON.parse(await runChild(JSON.stringify(chunkInput)));
  } catch (err) {
    if (files.length <= 1) throw new Error(`solc-js failed on ${files.join(', ')}: ${err.message}`);
    const half = Math.ceil(files.length / 2);
    return merge([
      await compileChunk(input, files.slice(0, half), graph, globalIds),
      await compileChunk(input, files.slice(half), graph, globalIds),
    ]);
  }
  // solc reports the id it gave each source; map those to the whole job's ids by name.
  const localToGlobal = [];
  for (const [name, { id }] of Object.entries(output.sources ?? {})) {
    if (!globalIds.has(name)) throw new Error(`solc-js compiled ${name}, which forge did not send`);
    localToGlobal[id] = globalIds.get(name);
  }
  return renumber(output, localToGlobal, globalIds.size);
}

// ---------------------------------------------------------------------------------------------- imports

/** source name -> names it imports, resolved like solc does (relative paths, then remappings). */
function importGraph(input) {
  const remappings = (input.settings?.remappings ?? []).map(parseRemapping);
  const graph = new Map();
  for (const [name, source] of Object.entries(input.sources)) {
    const code = (source.content ?? '').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
    const imports = [];
    for (const match of code.matchAll(/\bimport\s+(?:[^;"']*?\s)?["']([^"']+)["']/g)) {
      imports.push(resolveImport(name, match[1], remappings));
    }
    graph.set(name, imports);
  }
  return graph;
}

function parseRemapping(text) {
  const [lhs, target] = text.split('=');
  const [context, prefix] = lhs.includes(':') ? lhs.split(':') : ['', lhs];
  return { context, prefix, target };
}

function resolveImport(from, importPath, remappings) {
  if (importPath.startsWith('./') || importPath.startsWith('../')) {
    return path.posix.normalize(path.posix.join(path.posix.dirname(from), importPath));
  }
  let best;
  for (const r of remappings) {
    if (!from.startsWith(r.context) || !importPath.startsWith(r.prefix)) continue;
    if (!best || r.context.length > best.context.length || (r.context.length === best.context.length && r.prefix.length > best.prefix.length)) {
      best = r;
    }
  }
  return best ? best.target + importPath.slice(best.prefix.length) : importPath;
}

/** The files and everything they import, or undefined when an import cannot be found (then: all sources). */
function importClosure(files, graph) {
  const seen = new Set();
  const stack = [...files];
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    if (!graph.has(file)) return undefined;
    seen.add(file);
    stack.push(...graph.get(file));
  }
  return seen;
}

// ---------------------------------------------------------------------------------------------- outputs

/**
 * Rewrites the source indexes a chunk's compile assigned into the whole job's ids. Indexes past the user sources
 * are compiler-generated sources (Yul utilities), numbered after them: they keep their offset past the end.
 */
function renumber(output, localToGlobal, globalCount) {
  const localCount = localToGlobal.length;
  const map = (i) => (i < 0 ? i : i < localCount ? localToGlobal[i] : globalCount + (i - localCount));
  const fixLocation = (loc) => loc.replace(/^(\d+:\d+:)(-?\d+)$/, (_, head, i) => head + map(Number(i)));
  const fixSourceMap = (sm) =>
    sm
      .split(';')
      .map((entry) => {
        const fields = entry.split(':');
        if (fields.length > 2 && fields[2] !== '') fields[2] = String(map(Number(fields[2])));
        return fields.join(':');
      })
      .join(';');
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && (key === 'src' || key === 'nameLocation')) node[key] = fixLocation(value);
      else if (key === 'nameLocations' && Array.isArray(value)) node[key] = value.map(fixLocation);
      else if (key === 'sourceMap' && typeof value === 'string') node[key] = fixSourceMap(value);
      else walk(value);
    }
  };
  walk(output.contracts);
  for (const source of Object.values(output.sources ?? {})) walk(source.ast);
  return output;
}

/** Merges standard-JSON outputs: contracts by file, sources from any chunk, errors without duplicates. */
function merge(outputs) {
  const merged = { contracts: {}, sources: {}, errors: [] };
  const seen = new Set();
  for (const out of outputs) {
    for (const [file, contracts] of Object.entries(out.contracts ?? {})) {
      merged.contracts[file] = { ...merged.contracts[file], ...contracts };
    }
    for (const [file, source] of Object.entries(out.sources ?? {})) {
      merged.sources[file] = { ...source, ...merged.sources[file] };
    }
    for (const error of out.errors ?? []) {
      const id = error.formattedMessage ?? error.message;
      if (!seen.has(id)) merged.errors.push(error), seen.add(id);
    }
  }
  return merged;
}

async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function runChild(stdin) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, ...args], {
      env: { ...process.env, SOLC_SHIM_CHILD: '1', SOLC_SHIM_DUMP: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out = [];
    let err = '';
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = err.trim().split('\n').filter((l) => /Error/.test(l));
      code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(lines.pop() ?? `exit ${code}`));
    });
    child.stdin.end(stdin);
  });
}
