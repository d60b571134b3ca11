#!/usr/bin/env node
// The npm registry reachable here lacks some platform builds that packages list as optional dependencies (for
// example @rollup/rollup-darwin-arm64 or @foundry-rs/forge-darwin-amd64). `npm install` skips them silently and
// leaves them out of package-lock.json, and then `npm ci` refuses the lock as "out of sync". This records each such
// dependency in the lock with its os/cpu/libc, so `npm ci` accepts the lock and, on any other platform, skips it
// exactly as it would have. Runs as the root `postinstall`, after npm has written the lock; it is idempotent.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages ?? {};

/** The platform a package name like @rollup/rollup-linux-arm64-musl or @foundry-rs/forge-win32-amd64 targets. */
function platformOf(name) {
  const os = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'win32', 'sunos', 'aix', 'netbsd'].find((o) =>
    new RegExp(`-${o}(-|$)`).test(name),
  );
  const cpus = { amd64: 'x64', x64: 'x64', arm64: 'arm64', arm: 'arm', ia32: 'ia32', loong64: 'loong64', ppc64: 'ppc64', riscv64: 'riscv64', s390x: 's390x' };
  const cpuKey = Object.keys(cpus).find((c) => new RegExp(`-${c}(-|$)`).test(name));
  if (!os || !cpuKey) return undefined;
  const platform = { os: [os], cpu: [cpus[cpuKey]] };
  if (os === 'linux') platform.libc = [/-musl/.test(name) ? 'musl' : 'glibc'];
  return platform;
}

let added = 0;
for (const [location, pkg] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(pkg.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+/.test(spec)) continue; // only exact-version platform builds
    // npm's own key order (version first, the rest alphabetical), so a later `npm install` rewrites nothing.
    const entry = { ...platform, ...(pkg.dev ? { dev: true } : {}), optional: true };
    packages[`node_modules/${name}`] = {
      version: spec,
      ...Object.fromEntries(Object.entries(entry).sort(([a], [b]) => a.localeCompare(b))),
    };
    added++;
  }
}
if (added > 0) {
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`package-lock.json: recorded ${added} optional platform package(s) this registry does not serve`);
}
