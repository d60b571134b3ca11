import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openPgliteLedger, type Ledger } from '../ledger/db.ts';
import { MIGRATIONS } from '../ledger/schema.ts';
import { actOnCase, caseHistory, fileAlert, listCases, parseCaseAction, type CaseActionInput } from './cases.ts';

const CHAIN = 31337;
const OFFICER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
let ledger: Ledger;
let seq = 0;

/** An alert as the monitor inserts it, then filed as the monitor files it. */
async function raise(kind: string, severity: 'info' | 'warning' | 'critical', subject = ALICE, message = `${kind} ${++seq}`) {
  const [row] = await ledger.query<{ id: string }>(
    "insert into alerts (chain_id, kind, severity, subject, message, data, dedupe_key) values ($1, $2, $3, $4, $5, '{}', $6) returning id::text",
    [CHAIN, kind, severity, subject, message, `k${seq}`],
  );
  return { alert: row.id, case: await ledger.transaction((tx) => fileAlert(tx, CHAIN, { id: row.id, kind, severity, subject })) };
}
const step = (input: Partial<CaseActionInput> & Pick<CaseActionInput, 'case' | 'action'>) => actOnCase(ledger, CHAIN, parseCaseAction({ note: '', ...input }), OFFICER);

beforeEach(async () => {
  ledger = await openPgliteLedger();
});
afterEach(async () => {
  await ledger.close();
});

describe('alert cases', () => {
  it('groups alerts of one kind and subject into one open case; info alerts open none; a critical alert makes it critical', async () => {
    const first = await raise('restricted_liquidity', 'warning');
    const second = await raise('restricted_liquidity', 'warning', ALICE.toLowerCase());
    const other = await raise('holder_cap', 'warning', '0x1111111111111111111111111111111111111111');
    expect((await raise('registry_change', 'info')).case).toBeUndefined();
    expect(second.case).toBe(first.case);
    expect(other.case).not.toBe(first.case);
    await raise('restricted_liquidity', 'critical');
    const { items } = await listCases(ledger, CHAIN, { limit: 10 });
    expect(items.map((c) => [c.kind, c.alerts, c.severity, c.status])).toEqual([
      ['holder_cap', 1, 'warning', 'open'],
      ['restricted_liquidity', 3, 'critical', 'open'],
    ]);
    const history = await caseHistory(ledger, CHAIN, first.case!);
    expect(history.events.map((e) => [e.actor, e.action])).toEqual([['monitor', 'opened'], ['monitor', 'alert'], ['monitor', 'alert']]);
    expect(history.alerts).toHaveLength(3);
  });

  it('acknowledges, assigns, escalates and resolves with a note, keeping every step; a new alert then opens a new case', async () => {
    const { case: id } = await raise('sanctioned_holder', 'warning');
    await step({ case: id!, action: 'acknowledge' });
    await step({ case: id!, action: 'assign', assignee: ALICE });
    const escalated = await step({ case: id!, action: 'escalate', note: 'the holder is on OFAC SDN since today' });
    expect([escalated.status, escalated.escalated, escalated.severity, escalated.assignee]).toEqual(['acknowledged', true, 'critical', ALICE.toLowerCase()]);
    const resolved = await step({ case: id!, action: 'resolve', note: 'frozen by court order 2026-118; shares held' });
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolvedAt).not.toBeNull();
    const { events } = await caseHistory(ledger, CHAIN, id!);
    expect(events.map((e) => [e.action, e.note, e.assignee])).toEqual([
      ['opened', '', null],
      ['acknowledged', '', null],
      ['assigned', '', ALICE.toLowerCase()],
      ['escalated', 'the holder is on OFAC SDN since today', null],
      ['resolved', 'frozen by court order 2026-118; shares held', null],
    ]);
    expect(events.slice(1).every((e) => e.actor === OFFICER.toLowerCase())).toBe(true);
    const again = await raise('sanctioned_holder', 'warning');
    expect(again.case).not.toBe(id);
    expect((await listCases(ledger, CHAIN, { status: 'live', limit: 10 })).items.map((c) => c.id)).toEqual([again.case]);
  });

  it('refuses a step the case does not allow, saying why, and changes nothing', async () => {
    const { case: id } = await raise('holder_cap', 'warning');
    await expect(step({ case: id!, action: 'reopen', note: 'again' })).rejects.toThrow(`case ${id} is open, not resolved: there is nothing to reopen`);
    await step({ case: id!, action: 'acknowledge' });
    await expect(step({ case: id!, action: 'acknowledge' })).rejects.toThrow(`case ${id} is acknowledged already`);
    await step({ case: id!, action: 'resolve', note: 'cap raised by the issuer' });
    await expect(step({ case: id!, action: 'assign', assignee: ALICE })).rejects.toThrow(`case ${id} is resolved: reopen it first`);
    // A newer case took its alerts: the old one cannot be reopened beside it.
    const { case: newer } = await raise('holder_cap', 'warning');
    await expect(step({ case: id!, action: 'reopen', note: 'again' })).rejects.toThrow(`case ${newer} of the same kind and subject is open`);
    await expect(step({ case: '999', action: 'acknowledge' })).rejects.toMatchObject({ status: 404, message: 'there is no case 999' });
    expect((await caseHistory(ledger, CHAIN, id!)).events.map((e) => e.action)).toEqual(['opened', 'acknowledged', 'resolved']);
  });

  it('names every problem of a malformed step', () => {
    expect(() => parseCaseAction({ case: '0', action: 'close', extra: 1 })).toThrow(/case: a case id.*action: one of acknowledge, assign, escalate, resolve, reopen/);
    expect(() => parseCaseAction({ case: '1', action: 'resolve', note: '  ' })).toThrow('note: required to resolve a case (at least 3 characters)');
    expect(() => parseCaseAction({ case: '1', action: 'assign' })).toThrow('assignee: required to assign a case');
    expect(() => parseCaseAction({ case: '1', action: 'assign', assignee: '0x12' })).toThrow('assignee: an 0x address');
    expect(() => parseCaseAction({ case: '1', action: 'acknowledge', assignee: ALICE })).toThrow('assignee: only an assignment names an assignee');
    expect(() => parseCaseAction({ case: '1', action: 'resolve', note: 'ok\u0007' })).toThrow('note: no control characters');
  });

  it('files the warnings and critical alerts a ledger already had when it is upgraded', async () => {
    // This ledger as it was before the cases migration, with alerts raised then.
    const version = MIGRATIONS.findIndex((m) => m.includes('create table alert_cases')) + 1;
    await ledger.query('drop table alert_case_events, alert_cases cascade');
    await ledger.query('alter table alerts drop column case_id');
    await ledger.query('delete from schema_migrations where version = $1', [version]);
    for (const [kind, severity, subject] of [['holder_cap', 'warning', ALICE], ['holder_cap', 'critical', ALICE.toLowerCase()], ['registry_change', 'info', ALICE]] as const) {
      await ledger.query("insert into alerts (chain_id, kind, severity, subject, message, data, dedupe_key) values ($1, $2, $3, $4, 'm', '{}', $5)", [CHAIN, kind, severity, subject, `${kind}${severity}`]);
    }
    await migrate(ledger);
    const { items } = await listCases(ledger, CHAIN, { limit: 10 });
    expect(items.map((c) => [c.kind, c.alerts, c.severity, c.status])).toEqual([['holder_cap', 2, 'critical', 'open']]);
    expect((await caseHistory(ledger, CHAIN, items[0].id)).events.map((e) => e.action)).toEqual(['alert', 'alert']);
  });
});
