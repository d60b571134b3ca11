import { parseWebhookSecret, signWebhook } from '../../../sdk/webhooks.ts';
import type { Ledger } from '../ledger/db.ts';

export interface WebhookOptions {
  ledger: Ledger;
  url: string;
  /** `whsec_<base64 key>`: every attempt is signed with it (Standard Webhooks), so a receiver can refuse forgeries. */
  secret: string;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** Deliveries in flight at once (a receiver that hangs holds one slot, not the queue). */
  concurrency?: number;
  /**
   * The keepers' API as receivers reach it: a confirmation or pending trade then carries links to its trade
   * confirmation (GET /trades/confirmation, which its investor or an officer opens signed in).
   */
  apiUrl?: string;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** Seconds to wait before attempt `n + 1`: 1, 2, 4, ... up to an hour. */
export const retryDelaySeconds = (attempts: number) => Math.min(2 ** attempts, 3600);

interface Due {
  chain_id: number;
  tx_hash: string;
  log_index: number;
  change_seq: string;
  status: 'pending' | 'final' | 'voided';
  attempts: number;
}

/** The body a receiver gets: the trade as the ledger has it, with the status this change gave it. */
async function payloadOf(ledger: Ledger, d: Due, apiUrl: string | undefined): Promise<{ body: Record<string, unknown>; current: string } | undefined> {
  const [trade] = await ledger.query<Record<string, unknown> & { status: string }>(
    'select * from trades where chain_id = $1 and tx_hash = $2 and log_index = $3',
    [d.chain_id, d.tx_hash, d.log_index],
  );
  if (!trade) return undefined;
  const { change_seq: _, status: current, ...row } = trade;
  const body: Record<string, unknown> = { type: `trade.${d.status}`, status: d.status, changeSeq: d.change_seq, chainId: d.chain_id, trade: row };
  if (apiUrl && d.status !== 'voided') {
    const at = `${apiUrl.replace(/\/+$/, '')}/trades/confirmation?tx=${d.tx_hash}&log=${d.log_index}`;
    body.confirmation = { html: `${at}&format=html`, pdf: `${at}&format=pdf` };
  }
  return { current, body };
}

/**
 * Delivers due status changes of trades, at most `concurrency` at once and, for each trade, in the order they
 * happened. 2xx marks a change delivered; anything else (or no answer) waits `retryDelaySeconds` and tries again,
 * across restarts: at least once, so a receiver keys on the `webhook-id` header. Each attempt is signed
 * (`webhook-timestamp` is the attempt's time, `webhook-signature` covers id, timestamp and body; see sdk/webhooks.ts),
 * so a receiver can refuse forged and replayed deliveries. What is never sent:
 *  - a confirmation (pending or final) of a trade that is voided by the time it would go out;
 *  - a retraction (voided) of a trade whose confirmation never went out: there is nothing to retract.
 */
export async function deliverOnce(o: WebhookOptions): Promise<{ caughtUp: boolean }> {
  parseWebhookSecret(o.secret); // a bad secret fails the step, loudly, before any delivery is attempted or marked
  const due = await o.ledger.query<Due>(
    `select d.chain_id, d.tx_hash, d.log_index, d.change_seq::text, d.status, d.attempts from webhook_deliveries d
     where d.state = 'queued' and d.next_attempt_at <= now()
       and not exists (select 1 from webhook_deliveries e where e.chain_id = d.chain_id and e.tx_hash = d.tx_hash and e.log_index = d.log_index
                       and e.state = 'queued' and e.change_seq < d.change_seq)
     order by d.change_seq limit 100`,
  );
  const mark = (d: Due, sql: string, extra: unknown[] = []) => o.ledger.query(`update webhook_deliveries set ${sql} where chain_id = $1 and change_seq = $2`, [d.chain_id, d.change_seq, ...extra]);

  const deliver = async (d: Due) => {
    const payload = await payloadOf(o.ledger, d, o.apiUrl);
    if (!payload) return mark(d, "state = 'skipped', last_error = 'the trade is not in the ledger'");
    if (d.status !== 'voided' && payload.current === 'voided') return mark(d, "state = 'skipped', last_error = 'superseded: the trade was voided before this confirmation went out'");
    if (d.status === 'voided') {
      const [sent] = await o.ledger.query(
        "select 1 from webhook_deliveries where chain_id = $1 and tx_hash = $2 and log_index = $3 and state = 'delivered' and status <> 'voided' limit 1",
        [d.chain_id, d.tx_hash, d.log_index],
      );
      if (!sent) return mark(d, "state = 'skipped', last_error = 'no confirmation of this trade went out, so there is nothing to retract'");
    }
    let error: string | undefined;
    // Stable across retries (the change's own key), so a receiver dedupes on it.
    const id = `${d.chain_id}:${d.tx_hash}:${d.log_index}:${d.change_seq}`;
    const body = JSON.stringify(payload.body);
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signWebhook({ secret: o.secret, id, timestamp, body });
    try {
      const res = await fetch(o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signature,
          'idempotency-key': id,
          'x-accredex-event': String(payload.body.type),
        },
        body,
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    if (!error) {
      await mark(d, "state = 'delivered', delivered_at = now(), attempts = attempts + 1, last_error = null");
      o.log?.info({ tx: d.tx_hash, logIndex: d.log_index, status: d.status }, 'webhook delivered');
    } else {
      const delay = retryDelaySeconds(d.attempts);
      await mark(d, "attempts = attempts + 1, last_error = $3, next_attempt_at = now() + ($4 || ' seconds')::interval", [error, String(delay)]);
      o.log?.warn({ tx: d.tx_hash, logIndex: d.log_index, status: d.status, error, retryInS: delay }, 'webhook delivery failed');
    }
  };

  // A bounded pool: `concurrency` workers take the next due change; one trade's changes are never in flight together
  // (the query above only offers each trade's oldest queued change).
  let next = 0;
  const workers = Array.from({ length: Math.min(o.concurrency ?? 8, due.length) }, async () => {
    while (next < due.length) await deliver(due[next++]);
  });
  await Promise.all(workers);
  return { caughtUp: due.length < 100 };
}
