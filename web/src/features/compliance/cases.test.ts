import { describe, expect, it } from 'vitest';
import { caseState, checkStep, stepsFor } from './cases.ts';

const OFFICER = '0x90f79bf6eb2c4f870365e785982e1f101e93b906';

describe('alert cases on the desk', () => {
  it('offers only the steps the case allows', () => {
    expect(stepsFor({ id: '1', status: 'open' })).toEqual(['acknowledge', 'assign', 'escalate', 'resolve']);
    expect(stepsFor({ id: '1', status: 'acknowledged' })).toEqual(['assign', 'escalate', 'resolve']);
    expect(stepsFor({ id: '1', status: 'resolved' })).toEqual(['reopen']);
  });

  it('checks a step before it is sent, with the reason in a sentence', () => {
    const open = { id: '7', status: 'open' as const };
    expect(checkStep(open, { action: 'resolve', note: ' ok ', assignee: '' })).toEqual({ ok: false, problem: "Say why in the note (at least 3 characters): it is the case's record." });
    expect(checkStep(open, { action: 'resolve', note: ' cap raised by the issuer ', assignee: '' })).toEqual({ ok: true, body: { case: '7', action: 'resolve', note: 'cap raised by the issuer' } });
    expect(checkStep(open, { action: 'acknowledge', note: '', assignee: '' })).toEqual({ ok: true, body: { case: '7', action: 'acknowledge', note: '' } });
    expect(checkStep(open, { action: 'assign', note: '', assignee: '0x12' })).toEqual({ ok: false, problem: '"0x12" is not an address: assign the case to an officer\'s wallet (0x and 40 hex digits).' });
    expect(checkStep(open, { action: 'assign', note: '', assignee: ` ${OFFICER} ` })).toEqual({ ok: true, body: { case: '7', action: 'assign', note: '', assignee: '0x90F79bf6EB2c4f870365E785982E1f101E93b906' } });
    expect(checkStep({ id: '7', status: 'resolved' }, { action: 'escalate', note: 'urgent', assignee: '' })).toEqual({ ok: false, problem: 'Case 7 is resolved: reopen it first.' });
  });

  it('says how a case stands', () => {
    expect(caseState({ status: 'acknowledged', escalated: true, assignee: OFFICER }, () => 'officer')).toBe('acknowledged, escalated, assigned to officer');
    expect(caseState({ status: 'open', escalated: false, assignee: null }, (a) => a)).toBe('open');
  });
});
