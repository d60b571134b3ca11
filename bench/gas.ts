import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Metric } from './metrics.ts';

/** Transaction gas per operation and pool, from forge's `snapshots/GateGas.json`. */
export type GasSnapshot = Record<string, string>;

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * The gate's gas cost as ratios of the same UniversalRouter swap (a buy and a sell) and the same PositionManager mint
 * and removal
 * across otherwise identical pools. The named targets use transaction gas, what a receipt shows; execution gas
 * (transaction gas less the 21,000 base and calldata) is reported beside it for the curious.
 */
export function gasMetrics(snapshot: GasSnapshot): Metric[] {
  const tx = (name: string) => {
    const value = snapshot[name];
    if (value === undefined) throw new Error(`snapshots/GateGas.json has no "${name}": rerun the gas benchmark`);
    return Number(value);
  };
  const exec = (name: string) => tx(name) - tx(`${name}.intrinsic`);
  const worst = (gas: (name: string) => number, pairs: [string, string][]) =>
    round(Math.max(...pairs.map(([a, b]) => gas(a) / gas(b))));

  const swapVsNoop: [string, string][] = [['swap_gated', 'swap_noop'], ['sell_gated', 'sell_noop']];
  const mintVsNoop: [string, string][] = [['mint_gated', 'mint_noop']];
  const removeVsNoop: [string, string][] = [['remove_gated', 'remove_noop']];
  const swapVsPlain: [string, string][] = [['swap_gated', 'swap_plain_hookless'], ['sell_gated', 'sell_plain_hookless']];
  return [
    { name: 'gate.swap.gas_ratio', value: worst(tx, swapVsNoop), unit: 'ratio', target: '<= 1.03' },
    { name: 'gate.add.gas_ratio', value: worst(tx, mintVsNoop), unit: 'ratio', target: '<= 1.03' },
    { name: 'gate.remove.gas_ratio', value: worst(tx, removeVsNoop), unit: 'ratio', target: '<= 1.05' },
    { name: 'venue.swap.gas_ratio_vs_plain', value: worst(tx, swapVsPlain), unit: 'ratio', target: '<= 1.15' },
    { name: 'gate.swap.exec_gas_ratio', value: worst(exec, swapVsNoop), unit: 'ratio', target: 'info' },
    { name: 'gate.add.exec_gas_ratio', value: worst(exec, mintVsNoop), unit: 'ratio', target: 'info' },
    { name: 'gate.remove.exec_gas_ratio', value: worst(exec, removeVsNoop), unit: 'ratio', target: 'info' },
    { name: 'venue.swap.exec_gas_ratio_vs_plain', value: worst(exec, swapVsPlain), unit: 'ratio', target: 'info' },
    { name: 'gate.swap.gas', value: tx('swap_gated'), unit: 'gas', target: 'info' },
    { name: 'gate.add.gas', value: tx('mint_gated'), unit: 'gas', target: 'info' },
    { name: 'gate.remove.gas', value: tx('remove_gated'), unit: 'gas', target: 'info' },
  ];
}

/** Runs the forge gas benchmark (one forge run, every pool) and reads its snapshot. */
export function runGasBenchmark(): Metric[] {
  execFileSync('npx', ['forge', 'test', '--match-path', 'test/bench/GateGas.t.sol'], { stdio: 'inherit' });
  return gasMetrics(JSON.parse(readFileSync('snapshots/GateGas.json', 'utf8')) as GasSnapshot);
}
