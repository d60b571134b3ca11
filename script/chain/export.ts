/**
 * `npm run chain -- export`: every transaction the venue ever accepted, from the journal alone: block, time, sender,
 * target, the method (decoded where one of the venue's ABIs knows its selector) and status.
 */
import { keccak256, parseTransaction, toFunctionSelector, toFunctionSignature, type Abi, type AbiFunction, type Hex } from 'viem';
import * as abis from '../../sdk/abis/generated.ts';
import type { Journal } from './journal.ts';

export interface ExportRow {
  block: number;
  time: string;
  hash: Hex;
  from: string;
  to: string;
  method: string;
  status: 'success' | 'reverted';
}

/** The deterministic CREATE2 deployer forge deploys through: its calldata is a salt and init code, not a call. */
const CREATE2_DEPLOYER = '0x4e59b44847b379578588920ca78fbf26c0b4956c';

/** Selector -> "name(types)" for every function of the venue's ABIs (its own contracts and Uniswap's). */
function selectorNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const abi of Object.values(abis) as Abi[]) {
    for (const item of abi) {
      if (item.type !== 'function') continue;
      const f = item as AbiFunction;
      names.set(toFunctionSelector(f), toFunctionSignature(f));
    }
  }
  return names;
}

/** The calldata each submitted transaction carried, by hash (a raw transaction is parsed; a request names it). */
function inputOf(method: string, params: unknown[], result: unknown): [Hex, Hex] | undefined {
  if (method.startsWith('eth_sendRaw')) {
    const raw = params[0] as Hex;
    const tx = parseTransaction(raw);
    return [keccak256(raw), (tx.data ?? '0x') as Hex];
  }
  if (method.startsWith('eth_sendTransaction')) {
    const request = (params[0] ?? {}) as { data?: Hex; input?: Hex };
    const hash = typeof result === 'string' ? result : (result as { transactionHash?: Hex } | undefined)?.transactionHash;
    return hash ? [hash as Hex, request.input ?? request.data ?? '0x'] : undefined;
  }
  return undefined;
}

/** The rows, oldest first, from block `from` on. Transactions of blocks later rolled back are left out. */
export async function* exportRows(journal: Journal, from = 0): AsyncGenerator<ExportRow> {
  const names = selectorNames();
  const inputs = new Map<string, Hex>();
  // Rows wait, per block, until no permitted rewind can reach their block: a rolled-back block is never exported.
  const pending = new Map<number, ExportRow[]>();
  const flushBelow = function* (n: number) {
    for (const k of [...pending.keys()].sort((a, b) => a - b)) {
      if (k >= n) break;
      yield* pending.get(k)!;
      pending.delete(k);
    }
  };
  for await (const e of journal.entries(1)) {
    if (e.kind !== 'call') continue;
    if (!e.error) {
      const input = inputOf(e.method, e.params, e.result);
      if (input) inputs.set(input[0].toLowerCase(), input[1]);
    }
    if (e.rewind !== undefined) for (const k of [...pending.keys()]) if (k > e.rewind) pending.delete(k);
    for (const b of e.blocks) {
      if (b.number < from) continue;
      pending.set(b.number, b.txs.map((t) => {
        const data = inputs.get(t.hash.toLowerCase());
        const selector = data && data.length >= 10 ? data.slice(0, 10) : undefined;
        return {
          block: b.number,
          time: new Date(b.timestamp * 1000).toISOString(),
          hash: t.hash,
          from: t.from,
          to: t.contract ? `(created ${t.contract})` : t.to ?? '',
          method: t.to?.toLowerCase() === CREATE2_DEPLOYER ? '(CREATE2 deployment)' : selector ? names.get(selector) ?? selector : data === undefined ? '' : '(transfer)',
          status: t.status === 1 ? 'success' : 'reverted',
        };
      }));
    }
    // Blocks more than a few hundred below the head can no longer be rolled back (the front refuses), so they go out.
    yield* flushBelow(e.head.number - 512);
  }
  yield* flushBelow(Infinity);
}

const CSV_COLUMNS: (keyof ExportRow)[] = ['block', 'time', 'hash', 'from', 'to', 'method', 'status'];
const csvCell = (v: unknown) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const csvHeader = () => CSV_COLUMNS.join(',');
export const formatRow = (row: ExportRow, format: 'jsonl' | 'csv') => (format === 'jsonl' ? JSON.stringify(row) : CSV_COLUMNS.map((c) => csvCell(row[c])).join(','));
