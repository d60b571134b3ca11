/** Every failure a person can meet, as one plain sentence: wallet refusals, venue reverts (unwrapped), RPC trouble. */
import type { Hex } from 'viem';
import { decodeRevert, type DecodedRevert, type EligibilityReason } from '../../../sdk/errors.ts';
import { formatUnits } from 'viem';
import { formatDate } from './amount.ts';

/** Why the registry refuses someone, in words; `until` is when it changes, if it will. */
export function eligibilitySentence(reason: EligibilityReason, until?: number, who = 'Your address'): string {
  switch (reason) {
    case 'Ok':
      return `${who} may trade this security.`;
    case 'NotRegistered':
      return `${who} is not in the investor registry. Ask the compliance team to onboard you.`;
    case 'Frozen':
      return `${who} is frozen by compliance: no trading or transfers until it is lifted.`;
    case 'AccreditationExpired':
      return `${who}'s accreditation has expired${until ? ` (on ${formatDate(until)})` : ''}. Renew it with the compliance team.`;
    case 'LockupActive':
      return `${who} is still in the lockup for this security${until ? `, which ends on ${formatDate(until)}` : ''}.`;
    case 'SecurityNotListed':
      return 'This security is not listed for trading on the venue.';
    case 'ExitOnly':
      return `${who} may sell and withdraw liquidity, but not buy or add: the investor is exit-only, or the security is being wound down.`;
    case 'ClassNotAllowed':
      return `${who} is not in an investor class this offering admits (for example, a Rule 144A offering admits qualified institutional buyers only).`;
    case 'JurisdictionNotAllowed':
      return `${who}'s jurisdiction is not admitted by this offering.`;
    case 'FlowbackRestricted':
      return `Until the Reg S distribution compliance period ends${until ? ` on ${formatDate(until)}` : ''}, only non-US persons may acquire this security.`;
    case 'Sanctioned':
      return `${who} is on the venue's sanctions list: no trading, sending or receiving.`;
    case 'AffiliateResale':
      return `${who} belongs to an affiliate of the issuer: it may buy, but sells only by a direct transfer to an eligible investor, whose shares then start a new holding period.`;
  }
}

/** The gate's pause of a pool, as every page says it (the eligibility strip, the market, the swap form, a revert). */
export const POOL_PAUSED = 'Trading in this pool is paused by the venue: swaps and new liquidity are refused until it resumes; withdrawals still work.';

const sentences: Record<string, (args: readonly unknown[]) => string> = {
  V4TooLittleReceived: () => 'The price moved beyond your slippage tolerance: you would have received less than your minimum.',
  V4TooMuchRequested: () => 'The price moved beyond your slippage tolerance: the swap would have cost more than your maximum.',
  PoolIsPaused: () => POOL_PAUSED,
  PoolNotAuthorized: () => 'This pool is not authorized by the venue.',
  DeadlinePassed: () => 'The deadline passed before the transaction was mined. Try again.',
  TransactionDeadlinePassed: () => 'The deadline passed before the transaction was mined. Try again.',
  AllowanceExpired: () => 'Your Permit2 allowance has expired. Sign a new permit and try again.',
  InsufficientAllowance: () => 'Your Permit2 allowance is too small for this amount. Sign a new permit and try again.',
  SignatureExpired: () => 'The permit signature expired before the transaction was mined. Try again.',
  InvalidNonce: () => 'The permit was already used. Try again to sign a fresh one.',
  InsufficientBalance: () => 'Your balance is too low for this transaction.',
  ERC20InsufficientBalance: () => 'Your balance is too low for this transaction.',
  ERC20InsufficientAllowance: () => 'The token allowance is too low. Approve the token and try again.',
  ERC20TransferFailed: () => 'A token transfer failed (balance or allowance too low).',
  PriceLimitAlreadyExceeded: () => 'The pool price is already past the limit of this swap.',
  NotApproved: () => 'You are not the owner of this position or approved to manage it.',
  MaximumAmountExceeded: () => 'The price moved: adding this liquidity would take more than your maximum. Try again or widen the slippage.',
  MinimumAmountInsufficient: () => 'The price moved: removing this liquidity would return less than your minimum. Try again or widen the slippage.',
  AccessControlUnauthorizedAccount: () => 'Your address does not hold the role this action needs.',
  Unauthorized: () => 'Your address does not hold the role this action needs.',
  InvestorNotRegistered: () => 'That investor has no record in the registry.',
  AccountIsVenue: () => 'That address is a venue contract, not an investor.',
  ZeroAddress: () => 'The zero address cannot be an investor.',
  SecurityNotListed: () => 'That security is not listed in the registry.',
  SecurityNotConfigured: () => 'That security was never listed in the registry, so it has no lockups to edit.',
  PositionOfAnotherInvestor: () => 'Another investor deposited into this position: only its depositor can add to it.',
  PayoutBoundToDepositor: () => 'Liquidity you deposited pays its shares back to your own wallet only. Make yourself the recipient.',
  ExitAlreadyBound: () => 'One transaction can take out the liquidity of one depositor only.',
  EntryNotCleared: () => 'Shares can be paid into the venue only to settle a trade or a deposit in one of its gated pools.',
  SecurityNotBoundToGate: () => "That token is not a security bound to this venue's gate.",
  HolderCapReached: (args) =>
    `The offering is full: ${Number(args[1])} ${args[0] ? 'non-accredited ' : ''}holders of record, the most it allows is ${Number(args[2])}. Only existing holders can buy until one leaves.`,
  MaxHoldingExceeded: (args) => `That would take the investor's holding (all wallets) to ${formatUnits(args[1] as bigint, 18)}, above the offering's maximum of ${formatUnits(args[2] as bigint, 18)}.`,
  BelowMinimumTrade: (args) => `The offering's minimum trade is ${formatUnits(args[1] as bigint, 18)} shares; this moves ${formatUnits(args[0] as bigint, 18)}.`,
  SharesLocked: (args) =>
    `Only ${formatUnits(args[2] as bigint, 18)} of these shares can move now; the rest are locked in lots (a Rule 144 holding period or a partial freeze)${Number(args[3]) ? `, the next released on ${formatDate(Number(args[3]))}` : ''}.`,
  TooManyLots: (args) => `That investor already has ${Number(args[1])} locked lots, the most the book keeps; wait for one to be released.`,
  FreezeExceedsFreeShares: (args) => `The investor has ${formatUnits(args[2] as bigint, 18)} shares free to freeze; ${formatUnits(args[1] as bigint, 18)} were asked.`,
  UnfreezeExceedsFrozen: (args) => `Only ${formatUnits(args[2] as bigint, 18)} of the investor's shares are under a partial freeze; ${formatUnits(args[1] as bigint, 18)} were asked.`,
  NoIdentity: () => 'That wallet belongs to no identity in the registry.',
  InvalidFreeze: () => 'A partial freeze needs an amount above 0 and a release time in the future (or none: until lifted).',
  TooManyWallets: (args) => `That identity already has ${Number(args[1])} wallets, the most it may have.`,
  WalletOfAnotherIdentity: () => 'That wallet belongs to another identity. Wallets never change hands: recover it instead.',
  WalletAlreadyLinked: () => 'That wallet is linked already.',
  IdentityNotFound: () => 'There is no identity with that id. Record it first.',
  InvalidIdentityId: () => 'An identity id must be a number above 0 and below 2^160.',
  InvalidJurisdiction: () => 'Jurisdictions are ISO 3166-1 numeric codes (840 for the United States); 0 is not one.',
  NotARecovery: () => 'A recovery moves shares between two wallets of the same identity: unlink the lost wallet and link the new one first.',
  FreezeNotEditable: (args) =>
    args[1] ? 'That investor is frozen: a roster row cannot lift a freeze. Use Unfreeze in the roster.' : 'That investor is not frozen: a roster row cannot freeze. Use Freeze in the roster.',
};

/** A decoded revert as a sentence; the gate's and token's refusals say whose eligibility failed and why. */
export function revertSentence(decoded: DecodedRevert): string {
  if (decoded.reason) {
    const args = decoded.args;
    if (decoded.name === 'InvestorNotEligible') return eligibilitySentence(decoded.reason, Number(args[3]));
    if (decoded.name === 'SenderNotEligible') return eligibilitySentence(decoded.reason, Number(args[2]), 'The sender');
    if (decoded.name === 'RecipientNotEligible') return eligibilitySentence(decoded.reason, Number(args[2]), 'The recipient');
    if (decoded.name === 'DepositorRestricted') {
      return `${eligibilitySentence(decoded.reason, Number(args[2]), "The position's depositor")} Until then only the depositor can take this liquidity out.`;
    }
  }
  const sentence = sentences[decoded.name];
  return sentence ? sentence(decoded.args) : `The transaction would fail (${decoded.name}).`;
}

interface ErrorLike {
  name?: string;
  code?: number;
  shortMessage?: string;
  message?: string;
  data?: unknown;
  raw?: unknown;
  cause?: unknown;
}

/** Revert data anywhere in a viem error's chain of causes. */
export function revertDataOf(err: unknown): Hex | undefined {
  for (let e = err as ErrorLike | undefined; e; e = e.cause as ErrorLike | undefined) {
    if (typeof e.raw === 'string' && e.raw.startsWith('0x') && e.raw.length >= 10) return e.raw as Hex;
    if (typeof e.data === 'string' && e.data.startsWith('0x') && e.data.length >= 10) return e.data as Hex;
    const nested = (e.data as { data?: unknown } | undefined)?.data;
    if (typeof nested === 'string' && nested.startsWith('0x') && nested.length >= 10) return nested as Hex;
  }
  return undefined;
}

/** Any error from a wallet, the RPC or a contract call, as one sentence for a person. */
export function explainError(err: unknown): string {
  for (let e = err as ErrorLike | undefined; e; e = e.cause as ErrorLike | undefined) {
    if (e.code === 4001 || e.name === 'UserRejectedRequestError') return 'You rejected the request in your wallet.';
  }
  const data = revertDataOf(err);
  if (data) return revertSentence(decodeRevert(data));
  const e = err as ErrorLike;
  if (e?.name === 'HttpRequestError' || /fetch failed|Failed to fetch/i.test(String(e?.message))) return 'The chain is unreachable. Check your connection and try again.';
  return e?.shortMessage ?? e?.message ?? String(err);
}
