/**
 * Server-Sent Events without letting a client slow the keepers. One poller per process reads the ledger's new
 * changes once and fans them out in memory, so a stream costs no query while it is live; a stream that resumes from
 * an old cursor catches up with its own paged queries, one page at a time for the whole process. Each stream's unsent
 * bytes are bounded: a client that falls behind is dropped and resumes from its cursor (the event id). Streams are
 * capped per wallet and in total.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ledger } from '../ledger/db.ts';
import { HttpError, startStream } from './http.ts';

export interface ChangeRow {
  change_seq: string;
  [column: string]: unknown;
}

export interface StreamLimits {
  /** Streams open at once, in all. */
  total: number;
  /** Streams open at once per client (a wallet, or an IP address without a session). */
  perClient: number;
  /** Bytes a stream may have written but not yet sent; past this the client is behind and is dropped. */
  maxBufferedBytes: number;
  /** How long a client catching up may take to read a page before it is dropped. */
  drainTimeoutMs: number;
  /** How often a stream checks that its session and the viewer's roles still allow it. */
  recheckMs: number;
  pollMs: number;
}

type Listener = (rows: ChangeRow[]) => void;

/** Rows a poll of the live feed reads at once. */
const PAGE = 500;
/**
 * Catch-up reads one small page at a time for the whole process, yielding to the event loop between pages: a flood
 * of clients resuming from old cursors gets its history slowly, while /health, sign-ins and the settlement keeper
 * run between its pages (a page of 100 rows costs a few milliseconds).
 */
const CATCH_UP_PAGE = 100;
const KEEPALIVE_MS = 15_000;
const MAX_QUEUED_ROWS = 5_000;

/** Whether the client read what was written within `timeoutMs`. */
function drained(res: ServerResponse, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/** The newest trade changes of one chain, polled once for every stream of the process. */
export class ChangeFeed {
  private last: bigint | undefined;
  private readonly listeners = new Set<Listener>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly open = new Map<string, number>();
  private readonly bySession = new Map<string, Set<() => void>>();
  private openTotal = 0;
  /** The catch-up page last queued: the next runs after it. */
  private catchUpTail: Promise<unknown> = Promise.resolve();

  constructor(private readonly ledger: Pick<Ledger, 'query'>, private readonly chainId: number, readonly limits: StreamLimits) {}

  private first: Promise<void> | undefined;

  /** The change number everything up to which has been fanned out (read once, however many streams ask at once). */
  async head(): Promise<bigint> {
    this.first ??= this.ledger
      .query<{ seq: string | null }>('select max(change_seq)::text as seq from trades where chain_id = $1', [this.chainId])
      .then(([row]) => {
        this.last ??= BigInt(row?.seq ?? '0');
        this.schedule();
      })
      .catch((err: unknown) => {
        this.first = undefined;
        throw err;
      });
    await this.first;
    return this.last!;
  }

  get streams() {
    return { open: this.openTotal, limit: this.limits.total };
  }

  private schedule() {
    if (this.timer || this.listeners.size === 0) return;
    this.timer = setTimeout(() => void this.poll(), this.limits.pollMs);
    this.timer.unref();
  }

  private async poll() {
    try {
      for (;;) {
        const rows = await this.ledger.query<ChangeRow>(
          'select * from trades where chain_id = $1 and change_seq > $2 order by change_seq limit $3',
          [this.chainId, String(this.last), PAGE],
        );
        if (rows.length === 0) break;
        this.last = BigInt(rows[rows.length - 1].change_seq);
        for (const listener of this.listeners) listener(rows);
        if (rows.length < PAGE) break;
      }
    } catch {
      // The ledger was busy or closing; the next poll retries. Streams keep their cursors.
    } finally {
      this.timer = undefined;
      this.schedule();
    }
  }

  /**
   * Reserves a stream for `client`, or refuses with 429/503 naming the cap; a stream of a session also registers how
   * to close it when that session signs out. Returns its release.
   */
  reserve(client: string, session?: { id: string; close: () => void }): () => void {
    if (this.openTotal >= this.limits.total) throw new HttpError(503, `the API serves at most ${this.limits.total} streams at once; try again later`, { 'retry-after': '5' });
    const mine = this.open.get(client) ?? 0;
    if (mine >= this.limits.perClient) throw new HttpError(429, `at most ${this.limits.perClient} streams per session; close one first`, { 'retry-after': '5' });
    this.open.set(client, mine + 1);
    this.openTotal++;
    let ofSession: Set<() => void> | undefined;
    if (session) {
      ofSession = this.bySession.get(session.id) ?? new Set();
      this.bySession.set(session.id, ofSession.add(session.close));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (session && ofSession?.delete(session.close) && ofSession.size === 0) this.bySession.delete(session.id);
      this.openTotal--;
      const left = (this.open.get(client) ?? 1) - 1;
      if (left === 0) this.open.delete(client);
      else this.open.set(client, left);
    };
  }

  /** Closes every stream of a session (it signed out). */
  closeAll(session: string) {
    for (const close of this.bySession.get(session) ?? []) close();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    this.schedule();
    return () => this.listeners.delete(listener);
  }

  /** Runs `fn` after every catch-up page queued before it, so many resuming clients don't queue up the ledger. */
  withCatchUpSlot<T>(fn: () => Promise<T>): Promise<T> {
    // PGlite runs a query synchronously and resolves it as a microtask, so back-to-back catch-up pages would never let
    // the event loop read a socket: yield first, so /health, sign-ins and the settlement keeper go between pages.
    const run = this.catchUpTail.then(() => new Promise((r) => setImmediate(r))).then(fn);
    this.catchUpTail = run.catch(() => undefined);
    return run;
  }
}

export interface StreamSpec {
  /** Which rows this client may receive, and in what shape (undefined: not for this client). */
  present(row: ChangeRow): unknown;
  /** SQL (over `trades`) that narrows a catch-up to the rows `present` would keep; `$1` is the chain id. */
  where: string;
  values: unknown[];
  /** Resume after this change number; undefined: from now on. */
  after: bigint | undefined;
  /** The client's cap key (its wallet, or its IP address without a session). */
  client: string;
  /** The session it runs under, if any: closed at once when that session signs out. */
  session?: string;
  /** Asked every `recheckMs`: a stream whose session ended, or whose viewer's roles changed, is closed (the client
   * reconnects and is answered as it now is). */
  stillAllowed(): Promise<boolean>;
}

/** Serves one SSE stream of trade changes until the client leaves or falls behind. */
export async function serveStream(feed: ChangeFeed, ledger: Pick<Ledger, 'query'>, chainId: number, spec: StreamSpec, req: IncomingMessage, res: ServerResponse) {
  const release = feed.reserve(spec.client, spec.session === undefined ? undefined : { id: spec.session, close: () => res.destroy() });
  let closed = false;
  const queue: ChangeRow[] = [];
  let wake: (() => void) | undefined;
  const close = () => {
    closed = true;
    wake?.();
  };
  req.on('close', close);
  res.on('close', close);
  const unsubscribe = feed.subscribe((rows) => {
    // A client still catching up (or not reading) while the feed moves on is dropped once this much is waiting.
    if (queue.length + rows.length > MAX_QUEUED_ROWS) return void res.destroy();
    queue.push(...rows);
    wake?.();
  });
  const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
  keepalive.unref();
  const recheck = setInterval(() => void spec.stillAllowed().then((ok) => ok || res.destroy(), () => undefined), feed.limits.recheckMs);
  recheck.unref();
  try {
    const head = await feed.head();
    let sent = spec.after ?? head;
    /** Writes one event, unless the client has it already or may not see it. */
    const emit = (row: ChangeRow) => {
      const seq = BigInt(row.change_seq);
      if (seq <= sent) return;
      sent = seq;
      const shaped = spec.present(row);
      if (shaped !== undefined) res.write(`id: ${row.change_seq}\nevent: trade\ndata: ${JSON.stringify(shaped)}\n\n`);
    };
    startStream(res);
    res.write(': accredex trade changes\n\n');
    // Catch up to the feed's head with our own queries; later changes arrive through the queue.
    while (!closed && sent < head) {
      const rows = await feed.withCatchUpSlot(() =>
        ledger.query<ChangeRow>(
          `select * from trades where chain_id = $1 and ${spec.where} and change_seq > $${spec.values.length + 2} and change_seq <= $${spec.values.length + 3}
           order by change_seq limit ${CATCH_UP_PAGE}`,
          [chainId, ...spec.values, String(sent), String(head)],
        ),
      );
      if (rows.length === 0) break;
      for (const row of rows) emit(row);
      // At most a page waits unsent: the next is read only once the client has taken this one.
      if (res.writableNeedDrain && !(await drained(res, feed.limits.drainTimeoutMs))) return res.destroy();
      if (rows.length < CATCH_UP_PAGE) break;
    }
    if (sent < head) sent = head;
    while (!closed) {
      for (let row = queue.shift(); row; row = queue.shift()) emit(row);
      // Live, a reader that keeps up has nearly nothing unsent; one that has this much is behind, and resumes later.
      if (res.writableLength > feed.limits.maxBufferedBytes) return res.destroy();
      if (closed) break;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    clearInterval(keepalive);
    clearInterval(recheck);
    unsubscribe();
    release();
  }
}
