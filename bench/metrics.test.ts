import { describe, expect, it } from 'vitest';
import { gasMetrics } from './gas.ts';
import { formatTable, meetsTarget, mergeResults } from './metrics.ts';

describe('meetsTarget', () => {
  it('reads each comparison', () => {
    expect(meetsTarget(1.03, '<= 1.03')).toBe(true);
    expect(meetsTarget(1.031, '<= 1.03')).toBe(false);
    expect(meetsTarget(10, '>= 10')).toBe(true);
    expect(meetsTarget(9.99, '>=10')).toBe(false);
    expect(meetsTarget(0, '== 0')).toBe(true);
  });

  it('has no verdict for informational metrics', () => {
    expect(meetsTarget(5, 'info')).toBeUndefined();
  });
});

describe('mergeResults', () => {
  it('replaces re-measured metrics and keeps the others', () => {
    const merged = mergeResults(
      { 'a.old': { value: 1, unit: 's', target: '<= 2' }, 'b.kept': { value: 3, unit: 's', target: 'info' } },
      [{ name: 'a.old', value: 1.5, unit: 's', target: '<= 2' }],
    );
    expect(merged).toEqual({
      'a.old': { value: 1.5, unit: 's', target: '<= 2' },
      'b.kept': { value: 3, unit: 's', target: 'info' },
    });
  });
});

describe('gasMetrics', () => {
  const snapshot = {
    swap_gated: '103000', 'swap_gated.intrinsic': '23000',
    swap_noop: '100000', 'swap_noop.intrinsic': '23000',
    sell_gated: '110000', 'sell_gated.intrinsic': '23000',
    sell_noop: '100000', 'sell_noop.intrinsic': '23000',
    swap_plain_hookless: '90000', 'swap_plain_hookless.intrinsic': '23000',
    sell_plain_hookless: '95000', 'sell_plain_hookless.intrinsic': '23000',
    mint_gated: '202000', 'mint_gated.intrinsic': '26000',
    mint_noop: '200000', 'mint_noop.intrinsic': '26000',
    remove_gated: '153000', 'remove_gated.intrinsic': '25000',
    remove_noop: '150000', 'remove_noop.intrinsic': '25000',
  };

  it('reports the worse direction of the swap, on transaction and on execution gas', () => {
    const byName = Object.fromEntries(gasMetrics(snapshot).map((m) => [m.name, m.value]));
    expect(byName['gate.swap.gas_ratio']).toBe(1.1); // the sell: 110000 / 100000
    expect(byName['gate.add.gas_ratio']).toBe(1.01);
    expect(byName['gate.remove.gas_ratio']).toBe(1.02);
    expect(byName['venue.swap.gas_ratio_vs_plain']).toBe(1.1579); // 110000 / 95000
    expect(byName['gate.swap.exec_gas_ratio']).toBe(1.1299); // 87000 / 77000
  });

  it('names a missing snapshot entry', () => {
    const { mint_noop: _, ...partial } = snapshot;
    expect(() => gasMetrics(partial)).toThrow(/no "mint_noop"/);
  });

  it('formats a table that flags misses', () => {
    const table = formatTable(gasMetrics(snapshot));
    expect(table).toMatch(/gate\.swap\.gas_ratio\s+1\.1\s+ratio\s+<= 1\.03\s+MISSED/);
    expect(table).toMatch(/gate\.add\.gas_ratio\s+1\.01\s+ratio\s+<= 1\.03\s+ok/);
  });
});
