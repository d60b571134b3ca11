/**
 * The dashboard's JavaScript, as a browser downloads it (gzip): the initial route (the entry chunk, the default
 * route's chunk — Swap — and everything they import statically) and the whole build; plus the largest dependencies
 * of the initial route. Builds into a temporary directory, so the served web/dist is left alone.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import type { Metric } from './metrics.ts';

interface ChunkReport {
  file: string;
  name: string;
  isEntry: boolean;
  imports: string[];
  packages: Record<string, number>;
}

const DEFAULT_ROUTE = 'SwapPage';

export async function runWebBenchmark(): Promise<Metric[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'accredex-web-bench-'));
  try {
    await build({ configFile: 'web/vite.config.ts', logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    const report = JSON.parse(readFileSync(join(outDir, 'bundle-report.json'), 'utf8')) as ChunkReport[];
    const byFile = new Map(report.map((c) => [c.file, c]));
    const gzipKb = (file: string) => gzipSync(readFileSync(join(outDir, file))).length / 1024;

    const initial = new Set<string>();
    const visit = (file: string) => {
      if (initial.has(file)) return;
      initial.add(file);
      for (const imported of byFile.get(file)?.imports ?? []) visit(imported);
    };
    const entry = report.find((c) => c.isEntry);
    const route = report.find((c) => c.name === DEFAULT_ROUTE);
    if (!entry || !route) throw new Error(`the build has no entry chunk or no ${DEFAULT_ROUTE} chunk`);
    visit(entry.file);
    visit(route.file);

    const initialKb = [...initial].reduce((sum, file) => sum + gzipKb(file), 0);
    const totalKb = report.reduce((sum, c) => sum + gzipKb(c.file), 0);
    const packages = new Map<string, number>();
    for (const file of initial) {
      for (const [name, bytes] of Object.entries(byFile.get(file)!.packages)) packages.set(name, (packages.get(name) ?? 0) + bytes);
    }
    const all = [...packages.values()].reduce((a, b) => a + b, 0);
    const largest = [...packages.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`\ninitial route: ${[...initial].join(', ')}`);
    console.log('largest dependencies of the initial route (share of its code, tree-shaken, before minification):');
    for (const [name, bytes] of largest) console.log(`  ${name.padEnd(24)} ${((bytes / all) * 100).toFixed(1).padStart(5)}%`);

    const round = (kb: number) => Math.round(kb * 10) / 10;
    return [
      { name: 'web.initial_js_gzip_kb', value: round(initialKb), unit: 'KB', target: '<= 200' },
      { name: 'web.total_js_gzip_kb', value: round(totalKb), unit: 'KB', target: 'info' },
      ...largest.slice(0, 5).map(([name, bytes]): Metric => ({
        name: `web.initial_share.${name.replace(/\s+/g, '_')}`, value: Math.round((bytes / all) * 1000) / 10, unit: '%', target: 'info',
      })),
    ];
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
