/**
 * Alert cases on the desk: which steps a case offers, and an officer's step checked before it is sent, with the
 * API's own rules (sdk/cases.ts) and sentences.
 */
import { getAddress, isAddress, type Address } from 'viem';
import { CASE_ACTIONS, caseStepRefusal, MIN_NOTE, NOTE_REQUIRED, type AlertCase, type CaseAction } from '../../../../sdk/cases.ts';

export const STEP_LABELS: Record<CaseAction, string> = {
  acknowledge: 'Acknowledge',
  assign: 'Assign',
  escalate: 'Escalate',
  resolve: 'Resolve',
  reopen: 'Reopen',
};

/** The steps this case allows now, in the order an officer works a case. */
export const stepsFor = (c: Pick<AlertCase, 'id' | 'status'>): CaseAction[] => CASE_ACTIONS.filter((a) => caseStepRefusal(c.id, c.status, a) === undefined);

export interface StepForm {
  action: CaseAction;
  note: string;
  assignee: string;
}

export type StepCheck = { ok: true; body: { case: string; action: CaseAction; note: string; assignee?: Address } } | { ok: false; problem: string };

/** The step as the API takes it, or the first problem with it. */
export function checkStep(c: Pick<AlertCase, 'id' | 'status'>, form: StepForm): StepCheck {
  const refused = caseStepRefusal(c.id, c.status, form.action);
  if (refused) return { ok: false, problem: `${refused[0].toUpperCase()}${refused.slice(1)}.` };
  const note = form.note.trim();
  if (NOTE_REQUIRED.has(form.action) && note.length < MIN_NOTE) return { ok: false, problem: `Say why in the note (at least ${MIN_NOTE} characters): it is the case's record.` };
  if (form.action !== 'assign') return { ok: true, body: { case: c.id, action: form.action, note } };
  const assignee = form.assignee.trim();
  if (!isAddress(assignee, { strict: false })) return { ok: false, problem: `"${assignee}" is not an address: assign the case to an officer's wallet (0x and 40 hex digits).` };
  return { ok: true, body: { case: c.id, action: 'assign', note, assignee: getAddress(assignee) } };
}

/** How a case reads in the list: "acknowledged, escalated, assigned to 0x1234…". */
export function caseState(c: Pick<AlertCase, 'status' | 'escalated' | 'assignee'>, nameOf: (a: string) => string): string {
  const parts: string[] = [c.status];
  if (c.escalated) parts.push('escalated');
  if (c.assignee) parts.push(`assigned to ${nameOf(c.assignee)}`);
  return parts.join(', ');
}
