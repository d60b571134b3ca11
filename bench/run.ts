/**
 * `npm run bench [-- <name> ...]`: runs the benchmarks, prints a table and merges the figures into
 * bench/results.json. Speed and size targets live here, never in timed tests.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { runChainBenchmark } from './chain.ts';
import { runGasBenchmark } from './gas.ts';
import { runLedgerBenchmark, runLoadBenchmark } from './ledger.ts';
import { runQuoteBenchmark } from './quote.ts';
import { runScaleBenchmark } from './scale.ts';
import { runStartBenchmark } from './start.ts';
import { runWebBenchmark } from './web.ts';
import { formatTable, mergeResults, type Metric, type Results } from './metrics.ts';

const RESULTS = 'bench/results.json';

const benchmarks: Record<string, () => Metric[] | Promise<Metric[]>> = {
  gas: runGasBenchmark,
  start: runStartBenchmark,
  quote: runQuoteBenchmark,
  ledger: runLedgerBenchmark,
  load: runLoadBenchmark,
  web: runWebBenchmark,
  chain: runChainBenchmark,
  scale: runScaleBenchmark,
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}

const metrics: Metric[] = [];
for (const name of requested.length > 0 ? requested : Object.keys(benchmarks)) {
  metrics.push(...(await benchmarks[name]()));
}
const previous: Results = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {};
writeFileSync(RESULTS, `${JSON.stringify(mergeResults(previous, metrics), null, 2)}\n`);
console.log(`\n${formatTable(metrics)}\n\nwritten to ${RESULTS}`);
