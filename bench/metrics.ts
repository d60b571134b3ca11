/** One benchmark figure, as written to bench/results.json. */
export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** A bound such as "<= 1.03" or ">= 10", or "info" for figures reported without a target. */
  target: string;
}

export type Results = Record<string, Omit<Metric, 'name'>>;

/** Whether `value` meets `target`; undefined when the metric has no target. */
export function meetsTarget(value: number, target: string): boolean | undefined {
  const match = /^\s*(<=|>=|<|>|==)\s*(-?[\d.]+)\s*$/.exec(target);
  if (!match) return undefined;
  const bound = Number(match[2]);
  switch (match[1]) {
    case '<=': return value <= bound;
    case '>=': return value >= bound;
    case '<': return value < bound;
    case '>': return value > bound;
    default: return value === bound;
  }
}

/** Adds this run's metrics to earlier results; a metric measured again replaces its old value. */
export function mergeResults(previous: Results, metrics: Metric[]): Results {
  const merged: Results = { ...previous };
  for (const { name, ...rest } of metrics) merged[name] = rest;
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
}

export function formatTable(metrics: Metric[]): string {
  const rows = metrics.map((m) => {
    const ok = meetsTarget(m.value, m.target);
    return [m.name, m.value.toString(), m.unit, m.target, ok === undefined ? '' : ok ? 'ok' : 'MISSED'];
  });
  const header = ['metric', 'value', 'unit', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
