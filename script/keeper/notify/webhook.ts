import type { Ledger } from '../ledger/db.ts';

export interface WebhookOptions {
  ledger: Ledger;
  url: string;
  /** Per-delivery timeout. */
  timeoutMs?: number;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** Seconds to wait before attempt `n + 1`: 1, 2, 4, ... up to an hour. */
export const retryDelaySeconds = (attempts: number) => Math.min(2 ** attempts, 3600);

/**
 * Delivers due confirmations from the outbox: POST JSON, 2xx marks delivered, anything else (or no answer) waits
 * `retryDelaySeconds` and tries again, across restarts. At least once: a receiver should key on (txHash, logIndex).
 */
export async function deliverOnce(o: WebhookOptions): Promise<{ caughtUp: boolean }> {
  const due = await o.ledger.query<{ chain_id: number; tx_hash: string; log_index: number; payload: unknown; attempts: number }>(
    `select chain_id, tx_hash, log_index, payload, attempts from webhook_outbox
     where delivered_at is null and next_attempt_at <= now() order by next_attempt_at limit 50`,
  );
  for (const row of due) {
    const body = typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload);
    let error: string | undefined;
    try {
      const res = await fetch(o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-accredex-event': 'trade', 'idempotency-key': `${row.chain_id}:${row.tx_hash}:${row.log_index}` },
        body,
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    const key = [row.chain_id, row.tx_hash, row.log_index];
    if (!error) {
      await o.ledger.query('update webhook_outbox set delivered_at = now(), attempts = attempts + 1, last_error = null where chain_id = $1 and tx_hash = $2 and log_index = $3', key);
      o.log?.info({ tx: row.tx_hash, logIndex: row.log_index }, 'webhook delivered');
    } else {
      const delay = retryDelaySeconds(row.attempts);
      await o.ledger.query(
        `update webhook_outbox set attempts = attempts + 1, last_error = $4, next_attempt_at = now() + ($5 || ' seconds')::interval
         where chain_id = $1 and tx_hash = $2 and log_index = $3`,
        [...key, error, String(delay)],
      );
      o.log?.warn({ tx: row.tx_hash, logIndex: row.log_index, error, retryInS: delay }, 'webhook delivery failed');
    }
  }
  return { caughtUp: due.length < 50 };
}
