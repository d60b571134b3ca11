/**
 * Alert cases (officers): the keepers file every warning and critical alert into the open case of its kind and
 * subject. An officer acknowledges, assigns, escalates, resolves with a note, or reopens; each step is kept and
 * shown as the case's history.
 */
import { useState } from 'react';
import type { AlertCase, CaseAction } from '../../../../sdk/cases.ts';
import { Panel, Skeleton, StackedTable, Unavailable } from '../../app/ui.tsx';
import { useViewer } from '../session/queries.ts';
import { SubjectCell } from './AuditLog.tsx';
import { caseState, checkStep, STEP_LABELS, stepsFor } from './cases.ts';
import { useNames } from './common.tsx';
import { useCaseHistory, useCases, useCaseStep } from './queries.ts';

const when = (iso: string) => iso.replace('T', ' ').slice(0, 19);

export function CasesPanel() {
  const { session } = useViewer();
  const [status, setStatus] = useState<'live' | 'resolved' | 'all'>('live');
  const [opened, setOpened] = useState<string>();
  const cases = useCases(status);
  if (!session) {
    return (
      <Panel title="Alert cases">
        <p className="muted">Sign in as an officer to work the keepers' alert cases.</p>
      </Panel>
    );
  }
  const filter = (
    <select aria-label="Which cases" value={status} onChange={(e) => (setStatus(e.target.value as typeof status), setOpened(undefined))}>
      <option value="live">Open and acknowledged</option>
      <option value="resolved">Resolved</option>
      <option value="all">All</option>
    </select>
  );
  return (
    <Panel title="Alert cases" actions={filter}>
      <CaseList cases={cases.data} error={cases.isError ? cases.error : undefined} opened={opened} onOpen={(id) => setOpened(opened === id ? undefined : id)} />
    </Panel>
  );
}

function CaseList({ cases, error, opened, onOpen }: { cases: AlertCase[] | undefined; error?: unknown; opened?: string; onOpen: (id: string) => void }) {
  const { nameOf } = useNames();
  if (error && !cases) return <Unavailable what="The keepers' alert cases" error={error} />;
  if (!cases) return <Skeleton lines={3} label="Loading alert cases" />;
  if (cases.length === 0) return <p className="muted">No cases here.</p>;
  return (
    <div className="table-scroll">
      <StackedTable data-testid="cases">
        <thead><tr><th>Case</th><th>Severity</th><th>Kind</th><th>Subject</th><th>Alerts</th><th>Latest</th><th>State</th><th /></tr></thead>
        <tbody>
          {cases.map((c) => (
            <CaseRow key={c.id} c={c} state={caseState(c, nameOf)} open={opened === c.id} onOpen={() => onOpen(c.id)} />
          ))}
        </tbody>
      </StackedTable>
    </div>
  );
}

function CaseRow({ c, state, open, onOpen }: { c: AlertCase; state: string; open: boolean; onOpen: () => void }) {
  return (
    <>
      <tr data-testid="case" data-case={c.id} data-status={c.status}>
        <td>#{c.id}<br /><span className="muted">{when(c.openedAt)}</span></td>
        <td><span className={`tag ${c.severity === 'critical' ? 'bad' : 'warn'}`}>{c.severity}</span></td>
        <td>{c.kind.replace(/_/g, ' ')}</td>
        <td><SubjectCell subject={c.subject} /></td>
        <td>{c.alerts}</td>
        <td>{c.lastMessage}</td>
        <td data-testid="case-state">{state}</td>
        <td><button onClick={onOpen} aria-expanded={open}>{open ? 'Close' : 'Work'}</button></td>
      </tr>
      {open && (
        <tr>
          <td colSpan={8}><CaseWork c={c} /></td>
        </tr>
      )}
    </>
  );
}

function CaseWork({ c }: { c: AlertCase }) {
  const steps = stepsFor(c);
  const [action, setAction] = useState<CaseAction>(steps[0]);
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState('');
  const [problem, setProblem] = useState<string>();
  const history = useCaseHistory(c.id);
  const step = useCaseStep();
  const { nameOf } = useNames();
  const chosen = steps.includes(action) ? action : steps[0];
  const submit = () => {
    const checked = checkStep(c, { action: chosen, note, assignee });
    if (!checked.ok) return setProblem(checked.problem);
    setProblem(undefined);
    step.mutate(checked.body, { onSuccess: () => (setNote(''), setAssignee('')), onError: (err) => setProblem(err.message) });
  };
  return (
    <div className="case-work" data-testid="case-work">
      <ol className="case-history" data-testid="case-history">
        {(history.data ?? []).map((e, i) => (
          <li key={i}>
            <span className="muted">{when(e.at)}</span> {e.action}
            {e.actor !== 'monitor' && ` by ${nameOf(e.actor)}`}
            {e.assignee && ` to ${nameOf(e.assignee)}`}
            {e.note && <>: <q>{e.note}</q></>}
          </li>
        ))}
      </ol>
      <div className="row">
        <select aria-label="Step" value={chosen} onChange={(e) => setAction(e.target.value as CaseAction)}>
          {steps.map((s) => <option key={s} value={s}>{STEP_LABELS[s]}</option>)}
        </select>
        {chosen === 'assign' && <input aria-label="Assign to" placeholder="Officer's wallet (0x…)" value={assignee} onChange={(e) => setAssignee(e.target.value)} />}
        <input aria-label="Note" placeholder="Note (required to resolve, escalate or reopen)" value={note} onChange={(e) => setNote(e.target.value)} />
        <button onClick={submit} disabled={step.isPending}>{STEP_LABELS[chosen]} case #{c.id}</button>
      </div>
      {problem && <p className="error" role="alert">{problem}</p>}
    </div>
  );
}
