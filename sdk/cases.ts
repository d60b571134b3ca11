/**
 * Alert cases (the keepers' /cases API): the steps an officer may take, and when. The API enforces these; the desk
 * reads them to offer only the steps a case allows, with the same sentences.
 */
export const CASE_ACTIONS = ['acknowledge', 'assign', 'escalate', 'resolve', 'reopen'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];
export type CaseStatus = 'open' | 'acknowledged' | 'resolved';

/** A case as GET /cases answers it. */
export interface AlertCase {
  id: string;
  kind: string;
  subject: string;
  severity: 'info' | 'warning' | 'critical';
  status: CaseStatus;
  escalated: boolean;
  assignee: string | null;
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  /** Alerts filed in the case, reorganized-away ones excluded. */
  alerts: number;
  lastMessage: string | null;
}

export interface CaseEvent {
  at: string;
  actor: string;
  action: 'opened' | 'alert' | 'acknowledged' | 'assigned' | 'escalated' | 'resolved' | 'reopened';
  note: string;
  assignee: string | null;
  alertId: string | null;
}

/** What an officer decided, and why, is the record a regulator reads: these steps say so in a note. */
export const NOTE_REQUIRED: ReadonlySet<CaseAction> = new Set(['escalate', 'resolve', 'reopen']);
export const MIN_NOTE = 3;

/** Why case `id` in `status` does not allow `action`, or undefined if it does. */
export function caseStepRefusal(id: string, status: CaseStatus, action: CaseAction): string | undefined {
  if (action === 'reopen') return status === 'resolved' ? undefined : `case ${id} is ${status}, not resolved: there is nothing to reopen`;
  if (status === 'resolved') return `case ${id} is resolved: reopen it first`;
  if (action === 'acknowledge' && status !== 'open') return `case ${id} is ${status} already`;
  return undefined;
}
