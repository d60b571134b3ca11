import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalCorruptError, openFileJournal, type CallEntry, type GenesisEntry, type JournalEntry } from './journal.ts';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'accredex-journal-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const genesis: GenesisEntry = {
  seq: 0, kind: 'genesis', at: 1_000, spec: { chainId: 31337, mnemonic: 'test', genesisTimestamp: 1, gasLimit: 30_000_000, hardfork: 'cancun', stateHistory: 256 },
  genesis: { number: 0, hash: `0x${'00'.repeat(32)}`, timestamp: 1 },
};
const call = (seq: number): CallEntry => ({
  seq, kind: 'call', at: 1_000 + seq, method: 'eth_sendRawTransaction', params: [`0x${'ab'.repeat(100 + seq)}`], result: `0x${seq.toString(16).padStart(64, '0')}`,
  blocks: [{ number: seq, hash: `0x${seq.toString(16).padStart(64, '1')}`, timestamp: 10 + seq, txs: [] }],
  head: { number: seq, hash: `0x${seq.toString(16).padStart(64, '1')}`, timestamp: 10 + seq }, clock: 0,
});

async function writeEntries(dir: string, n: number) {
  const j = openFileJournal(dir);
  await Promise.all([genesis, ...Array.from({ length: n }, (_, i) => call(i + 1))].map((e) => j.append(e)));
  await j.close();
}

async function readAll(dir: string): Promise<JournalEntry[]> {
  const j = openFileJournal(dir, { readOnly: true });
  const out: JournalEntry[] = [];
  for await (const e of j.entries()) out.push(e);
  return out;
}

const segment = (dir: string) => join(dir, readdirSync(dir).find((f) => f.endsWith('.log'))!);

describe('file journal', () => {
  it('gives back every entry, in order, after a reopen', async () => {
    const dir = fresh();
    await writeEntries(dir, 50);
    const entries = await readAll(dir);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i));
    expect(entries[7]).toEqual(call(7));
    expect(openFileJournal(dir).last()).toEqual(call(50));
  });

  it('refuses an entry out of order', async () => {
    const j = openFileJournal(fresh());
    await j.append(genesis);
    await expect(j.append(call(2))).rejects.toThrow(/entry 2 out of order: expected 1/);
    await j.close();
  });

  it('cuts a torn last record (a crash mid-write) at the last complete one, with a log line, and appends after it', async () => {
    const dir = fresh();
    await writeEntries(dir, 20);
    const file = segment(dir);
    const whole = statSync(file).size;
    // The last record half written: cut it in the middle of its payload.
    truncateSync(file, whole - 40);
    const warnings: string[] = [];
    const j = openFileJournal(dir, { log: { warn: (_o, msg) => warnings.push(String(msg)) } });
    expect(j.last()?.seq).toBe(19);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cut a torn last record \(a record of \d+ bytes cut off/);
    await j.append(call(20));
    await j.close();
    expect((await readAll(dir)).map((e) => e.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i));
  });

  it('cuts a last record whose checksum fails and a header cut short', async () => {
    for (const damage of ['checksum', 'header'] as const) {
      const dir = fresh();
      await writeEntries(dir, 5);
      const file = segment(dir);
      if (damage === 'checksum') {
        const buf = readFileSync(file);
        buf[buf.length - 3] ^= 0xff;
        writeFileSync(file, buf);
      } else {
        appendFileSync(file, Buffer.from('AXJ1\x10'));
      }
      const warnings: string[] = [];
      const j = openFileJournal(dir, { log: { warn: (_o, msg) => warnings.push(String(msg)) } });
      expect(j.last()?.seq).toBe(damage === 'checksum' ? 4 : 5);
      expect(warnings[0]).toMatch(damage === 'checksum' ? /checksum does not match/ : /header cut off/);
      await j.close();
    }
  });

  it('refuses damage in the middle of the journal rather than drop the history after it', async () => {
    const dir = fresh();
    await writeEntries(dir, 20);
    const file = segment(dir);
    const buf = readFileSync(file);
    buf[200] ^= 0xff; // inside an early record
    writeFileSync(file, buf);
    expect(() => openFileJournal(dir)).toThrow(JournalCorruptError);
    expect(() => openFileJournal(dir)).toThrow(/intact records follow/);
    expect(statSync(file).size).toBe(buf.length); // nothing was cut
  });

  it('reads a journal being appended to (read-only opens never cut a tail)', async () => {
    const dir = fresh();
    await writeEntries(dir, 3);
    const file = segment(dir);
    appendFileSync(file, Buffer.from('AXJ1'));
    const ro = openFileJournal(dir, { readOnly: true });
    expect(ro.last()?.seq).toBe(3);
    await expect(ro.append(call(4))).rejects.toThrow(/read-only/);
    expect(statSync(file).size).toBe(readFileSync(file).length);
    expect((await readAll(dir)).length).toBe(4);
  });

  it('reads from any entry across many segments, and refuses a damaged segment in the middle', async () => {
    const dir = fresh();
    const j = openFileJournal(dir, { segmentBytes: 4096 });
    for (const e of [genesis, ...Array.from({ length: 600 }, (_, i) => call(i + 1))]) await j.append(e);
    await j.close();
    const files = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
    expect(files.length).toBeGreaterThan(10);
    const reader = openFileJournal(dir, { readOnly: true });
    for (const from of [0, 1, 255, 256, 257, 300, 599, 600]) {
      const seqs: number[] = [];
      for await (const e of reader.entries(from)) seqs.push(e.seq);
      expect(seqs).toEqual(Array.from({ length: 601 - from }, (_, i) => from + i));
    }
    expect(reader.last()?.seq).toBe(600);
    const middle = join(dir, files[Math.floor(files.length / 2)]);
    const buf = readFileSync(middle);
    buf[buf.length - 5] ^= 0xff;
    writeFileSync(middle, buf);
    await expect((async () => { for await (const _ of openFileJournal(dir, { readOnly: true }).entries(0)); })()).rejects.toThrow(JournalCorruptError);
  });
});
