import { describe, expect, it } from 'vitest';
import { exitOnlyNotice, standingChip } from './logic.ts';

describe('the eligibility strip', () => {
  it('says may trade, may sell only, or neither', () => {
    expect(standingChip({ reason: 'Ok', sellReason: 'Ok' })).toEqual({ tone: 'good', label: 'may trade' });
    expect(standingChip({ reason: 'AccreditationExpired', sellReason: 'Ok' })).toEqual({ tone: 'warn', label: 'may sell only (accreditation expired)' });
    expect(standingChip({ reason: 'ExitOnly', sellReason: 'Ok' })).toEqual({ tone: 'warn', label: 'may sell only (exit-only)' });
    expect(standingChip({ reason: 'Frozen', sellReason: 'Frozen' })).toEqual({ tone: 'bad', label: 'frozen' });
    expect(standingChip({ reason: 'Sanctioned', sellReason: 'Sanctioned' })).toEqual({ tone: 'bad', label: 'sanctioned' });
  });

  it('explains exit-only once, only to an investor who may sell but not buy', () => {
    expect(exitOnlyNotice([{ reason: 'Ok', sellReason: 'Ok' }])).toBeUndefined();
    expect(exitOnlyNotice([{ reason: 'Frozen', sellReason: 'Frozen' }])).toBeUndefined();
    expect(exitOnlyNotice([{ reason: 'Ok', sellReason: 'Ok' }, { reason: 'FlowbackRestricted', sellReason: 'Ok' }])).toMatch(/^You may sell and withdraw liquidity/);
  });
});
