import { describe, expect, it } from 'vitest';
import type { EligibilityReason } from '../../../../sdk/errors.ts';
import { exitOnlyNotice, standingChip } from './logic.ts';

describe('the eligibility strip', () => {
  it('says may trade, may sell only, or neither', () => {
    const chip = (reason: EligibilityReason, sellReason: EligibilityReason) => standingChip({ reason, sellReason, paused: false });
    expect(chip('Ok', 'Ok')).toEqual({ tone: 'good', label: 'may trade' });
    expect(chip('AccreditationExpired', 'Ok')).toEqual({ tone: 'warn', label: 'may sell only (accreditation expired)' });
    expect(chip('ExitOnly', 'Ok')).toEqual({ tone: 'warn', label: 'may sell only (exit-only)' });
    expect(chip('Frozen', 'Frozen')).toEqual({ tone: 'bad', label: 'frozen' });
    expect(chip('Sanctioned', 'Sanctioned')).toEqual({ tone: 'bad', label: 'sanctioned' });
  });

  it('says a paused pool is paused, never "may trade", whatever the investor\'s standing', () => {
    for (const [reason, sellReason] of [['Ok', 'Ok'], ['ExitOnly', 'Ok'], ['Frozen', 'Frozen']] as const) {
      expect(standingChip({ reason, sellReason, paused: true })).toEqual({ tone: 'bad', label: 'pool paused by the venue' });
    }
  });

  it('explains exit-only once, only to an investor who may sell but not buy', () => {
    expect(exitOnlyNotice([{ reason: 'Ok', sellReason: 'Ok' }])).toBeUndefined();
    expect(exitOnlyNotice([{ reason: 'Frozen', sellReason: 'Frozen' }])).toBeUndefined();
    expect(exitOnlyNotice([{ reason: 'Ok', sellReason: 'Ok' }, { reason: 'FlowbackRestricted', sellReason: 'Ok' }])).toMatch(/^You may sell and withdraw liquidity/);
  });
});
