#!/usr/bin/env node
// `forge test`, failing whenever a suite failed. forge 1.7 can exit 0 after a failed invariant campaign (seen on CI:
// an `afterInvariant` coverage check failed, "Suite result: FAILED", exit status 0), which would let a red run land.
// So the exit status is forge's, or 1 if its output reports any failure.
import { spawn } from 'node:child_process';

const child = spawn('forge', ['test', ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'inherit'] });
const FAILURE = /Suite result: FAILED|^\[FAIL/m;
let failed = false;
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  // A marker may straddle two chunks: keep the end of the previous one.
  const text = tail + chunk.toString('utf8');
  if (FAILURE.test(text)) failed = true;
  tail = text.slice(-64);
});
child.on('error', (err) => {
  console.error(`forge-test: could not run forge: ${err.message}`);
  process.exit(1);
});
child.on('close', (code) => {
  if (code === 0 && failed) console.error('forge-test: forge exited 0, but its output reports a failed test: failing the run');
  process.exit(code !== 0 ? code : failed ? 1 : 0);
});
