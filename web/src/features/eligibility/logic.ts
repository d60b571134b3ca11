/** What the eligibility strip says for one security, in a few words. Pure, so it is unit-tested on its own. */
import type { EligibilityReason } from '../../../../sdk/errors.ts';
import type { SecurityStanding } from './useEligibility.ts';

const REASON_LABELS: Record<EligibilityReason, string> = {
  Ok: 'may trade',
  NotRegistered: 'not registered',
  Frozen: 'frozen',
  AccreditationExpired: 'accreditation expired',
  LockupActive: 'in lockup',
  SecurityNotListed: 'not listed',
  ExitOnly: 'exit-only',
  ClassNotAllowed: 'investor class not admitted',
  JurisdictionNotAllowed: 'jurisdiction not admitted',
  FlowbackRestricted: 'Reg S: non-US persons only',
  Sanctioned: 'sanctioned',
  AffiliateResale: 'affiliate: sells by direct transfer only',
};

export type StandingTone = 'good' | 'warn' | 'bad';

/**
 * One chip: `bad` when the gate has paused the pool (no one trades there, whatever their standing), `good` when the
 * investor may buy and sell, `warn` when it may still sell (exit-only: sell, withdraw liquidity, collect fees), `bad`
 * when it may do neither. The lockup countdown is the component's.
 */
export function standingChip(s: Pick<SecurityStanding, 'reason' | 'sellReason' | 'paused'>): { tone: StandingTone; label: string } {
  if (s.paused) return { tone: 'bad', label: 'pool paused by the venue' };
  if (s.reason === 'Ok') return { tone: 'good', label: REASON_LABELS.Ok };
  if (s.sellReason === 'Ok') return { tone: 'warn', label: `may sell only (${REASON_LABELS[s.reason]})` };
  return { tone: 'bad', label: REASON_LABELS[s.reason] };
}

/** The sentence under the chips for an exit-only investor, or undefined for anyone else. */
export function exitOnlyNotice(securities: readonly Pick<SecurityStanding, 'reason' | 'sellReason'>[]): string | undefined {
  const exitOnly = securities.some((s) => s.reason !== 'Ok' && s.sellReason === 'Ok');
  if (!exitOnly) return undefined;
  return 'You may sell and withdraw liquidity; buying needs a current accreditation and an offering that admits you.';
}
