/**
 * Alerts are cases. The monitor's warnings and critical alerts open a case per kind and subject: a later alert of the
 * same kind about the same subject joins the case still open (similar alerts are grouped), so an officer works one
 * case, not a stream. Officers acknowledge a case, assign it, escalate it, resolve it with a note, or reopen it.
 * Every step is kept in alert_case_events, never edited: the case's history. Info alerts (each registry change)
 * stay in the alert feed and open no case.
 */
import { getAddress, isAddress } from 'viem';
import { z } from 'zod';
import { CASE_ACTIONS, caseStepRefusal, MIN_NOTE, NOTE_REQUIRED, type AlertCase, type CaseAction, type CaseEvent, type CaseStatus } from '../../../sdk/cases.ts';
import type { Ledger } from '../ledger/db.ts';

/** A refused step: the case is not in a state that allows it (HTTP 409), or does not exist (404). */
export class CaseConflict extends Error {
  constructor(readonly status: 404 | 409, message: string) {
    super(message);
  }
}

type Query = Pick<Ledger, 'query'>;
const groupKey = (kind: string, subject: string) => `${kind}:${subject.toLowerCase()}`;

/**
 * Files a just-raised alert (in the monitor's transaction): into the open case of its kind and subject, or a new
 * one. A critical alert makes its case critical.
 */
export async function fileAlert(tx: Query, chainId: number, alert: { id: string; kind: string; severity: string; subject: string }): Promise<string | undefined> {
  if (alert.severity === 'info') return undefined;
  const [row] = await tx.query<{ id: string; opened: boolean }>(
    `insert into alert_cases (chain_id, group_key, kind, subject, severity, status) values ($1, $2, $3, $4, $5, 'open')
     on conflict (chain_id, group_key) where status <> 'resolved'
     do update set updated_at = now(), severity = case when alert_cases.severity = 'critical' or excluded.severity = 'critical' then 'critical' else alert_cases.severity end
     returning id::text, (xmax = 0) as opened`,
    [chainId, groupKey(alert.kind, alert.subject), alert.kind, alert.subject, alert.severity],
  );
  await tx.query('update alerts set case_id = $1 where id = $2', [row.id, alert.id]);
  await tx.query("insert into alert_case_events (case_id, actor, action, alert_id) values ($1, 'monitor', $2, $3)", [row.id, row.opened ? 'opened' : 'alert', alert.id]);
  return row.id;
}

const CASE_COLUMNS = `c.id::text, c.kind, c.subject, c.severity, c.status, c.escalated, c.assignee, c.opened_at, c.updated_at, c.resolved_at,
  (select count(*)::int from alerts a where a.case_id = c.id and a.voided_at is null) as alerts,
  (select a.message from alerts a where a.case_id = c.id order by a.id desc limit 1) as last_message`;

interface CaseRow {
  id: string; kind: string; subject: string; severity: AlertCase['severity']; status: CaseStatus; escalated: boolean; assignee: string | null;
  opened_at: Date | string; updated_at: Date | string; resolved_at: Date | string | null; alerts: number; last_message: string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const fromRow = (r: CaseRow): AlertCase => ({
  id: r.id, kind: r.kind, subject: r.subject, severity: r.severity, status: r.status, escalated: r.escalated, assignee: r.assignee,
  openedAt: iso(r.opened_at), updatedAt: iso(r.updated_at), resolvedAt: r.resolved_at === null ? null : iso(r.resolved_at), alerts: r.alerts, lastMessage: r.last_message,
});

/** Cases, newest first; `status` 'live' for every case not resolved. */
export async function listCases(ledger: Query, chainId: number, o: { status?: CaseStatus | 'live'; assignee?: string; limit: number; cursor?: string }): Promise<{ items: AlertCase[]; nextCursor: string | null }> {
  const where = ['c.chain_id = $1'];
  const values: unknown[] = [chainId];
  if (o.status === 'live') where.push("c.status <> 'resolved'");
  else if (o.status) where.push(`c.status = $${values.push(o.status)}`);
  if (o.assignee) where.push(`c.assignee = $${values.push(o.assignee.toLowerCase())}`);
  if (o.cursor) where.push(`c.id < $${values.push(o.cursor)}`);
  const rows = await ledger.query<CaseRow>(`select ${CASE_COLUMNS} from alert_cases c where ${where.join(' and ')} order by c.id desc limit $${values.push(o.limit + 1)}`, values);
  const page = rows.slice(0, o.limit);
  return { items: page.map(fromRow), nextCursor: rows.length > o.limit ? page[page.length - 1].id : null };
}

/** One case with its history, oldest step first, and its alerts. */
export async function caseHistory(ledger: Query, chainId: number, id: string): Promise<{ case: AlertCase; events: CaseEvent[]; alerts: Record<string, unknown>[] }> {
  const [row] = await ledger.query<CaseRow>(`select ${CASE_COLUMNS} from alert_cases c where c.chain_id = $1 and c.id = $2`, [chainId, id]);
  if (!row) throw new CaseConflict(404, `there is no case ${id}`);
  const events = await ledger.query<{ at: Date | string; actor: string; action: CaseEvent['action']; note: string; assignee: string | null; alert_id: string | null }>(
    'select at, actor, action, note, assignee, alert_id::text from alert_case_events where case_id = $1 order by id',
    [id],
  );
  const alerts = await ledger.query<Record<string, unknown>>('select * from alerts where case_id = $1 order by id', [id]);
  return {
    case: fromRow(row),
    events: events.map((e) => ({ at: iso(e.at), actor: e.actor, action: e.action, note: e.note, assignee: e.assignee, alertId: e.alert_id })),
    alerts,
  };
}

const note = z.string().trim().max(2000, 'at most 2,000 characters').refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'no control characters');

const caseActionInput = z.object({
  case: z.string().regex(/^[1-9]\d{0,18}$/, 'a case id (a whole number)'),
  action: z.enum(CASE_ACTIONS, { message: `one of ${CASE_ACTIONS.join(', ')}` }),
  note: note.default(''),
  assignee: z.string().refine((a) => isAddress(a), 'an 0x address').transform((a) => getAddress(a)).optional(),
}).strict().superRefine((v, ctx) => {
  if (v.action === 'assign' && !v.assignee) ctx.addIssue({ code: 'custom', path: ['assignee'], message: 'required to assign a case' });
  if (v.action !== 'assign' && v.assignee) ctx.addIssue({ code: 'custom', path: ['assignee'], message: 'only an assignment names an assignee' });
  if (NOTE_REQUIRED.has(v.action) && v.note.length < MIN_NOTE) {
    ctx.addIssue({ code: 'custom', path: ['note'], message: `required to ${v.action} a case (at least ${MIN_NOTE} characters)` });
  }
});
export type CaseActionInput = z.output<typeof caseActionInput>;

/** Validates a step, naming every problem: "note: required to resolve a case (…); assignee: …". */
export function parseCaseAction(body: unknown): CaseActionInput {
  const r = caseActionInput.safeParse(body);
  if (r.success) return r.data;
  throw new Error(r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

const PAST: Record<CaseAction, CaseEvent['action']> = { acknowledge: 'acknowledged', assign: 'assigned', escalate: 'escalated', resolve: 'resolved', reopen: 'reopened' };

/** Takes one step on a case for `officer`, or refuses it with the case's state in the sentence. */
export async function actOnCase(ledger: Pick<Ledger, 'transaction'>, chainId: number, input: CaseActionInput, officer: string): Promise<AlertCase> {
  return ledger.transaction(async (tx) => {
    const [current] = await tx.query<{ status: CaseStatus; group_key: string }>('select status, group_key from alert_cases where chain_id = $1 and id = $2 for update', [chainId, input.case]);
    if (!current) throw new CaseConflict(404, `there is no case ${input.case}`);
    const refused = caseStepRefusal(input.case, current.status, input.action);
    if (refused) throw new CaseConflict(409, refused);
    if (input.action === 'reopen') {
      const [other] = await tx.query<{ id: string }>("select id::text from alert_cases where chain_id = $1 and group_key = $2 and status <> 'resolved'", [chainId, current.group_key]);
      if (other) throw new CaseConflict(409, `case ${other.id} of the same kind and subject is open, and new alerts go there: work that one`);
    }
    const set: Record<CaseAction, string> = {
      acknowledge: "status = 'acknowledged'",
      assign: 'assignee = $2',
      escalate: "escalated = true, severity = 'critical'",
      resolve: "status = 'resolved', resolved_at = now()",
      reopen: "status = 'open', resolved_at = null",
    };
    const values = input.action === 'assign' ? [input.case, input.assignee!.toLowerCase()] : [input.case];
    await tx.query(`update alert_cases set ${set[input.action]}, updated_at = now() where id = $1`, values);
    await tx.query('insert into alert_case_events (case_id, actor, action, note, assignee) values ($1, $2, $3, $4, $5)', [
      input.case, officer.toLowerCase(), PAST[input.action], input.note, input.assignee?.toLowerCase() ?? null,
    ]);
    const [row] = await tx.query<CaseRow>(`select ${CASE_COLUMNS} from alert_cases c where c.id = $1`, [input.case]);
    return fromRow(row);
  });
}
