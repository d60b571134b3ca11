/**
 * The issuer's remedies on one security (RestrictedSecurityToken: issue, freezeShares, unfreezeShares,
 * forceTransfer, recoverWallet, setAffiliateHoldingPeriod), checked before anything is sent: what the token would
 * refuse and can be known from its book and the registry is named field by field, and what a remedy will do is said
 * in plain words for the officer to confirm. Pure: the components read the chain and pass it in.
 */
import { encodeFunctionData, type Address, type Hex } from 'viem';
import { restrictedSecurityTokenAbi } from '../../../../sdk/abis/generated.ts';
import { ELIGIBILITY, type EligibilityReason } from '../../../../sdk/errors.ts';
import { formatAmount, formatDate, parseAmount, parseDate, type Parsed } from '../../lib/amount.ts';
import { eligibilitySentence } from '../../lib/revert.ts';
import { DAY, identityLabel, LOT_KINDS, parseInvestorAddress, REMEDY_REASONS, UNTIL_LIFTED, type ChainRecord } from './logic.ts';

/** IRestrictedSecurity.LotKind.Freeze: a partial freeze, the only kind an officer may lift. */
const FREEZE_KIND = 2;
/** InvestorClass.AFFILIATE: a sale by an affiliate locks the buyer's shares for the affiliate holding period. */
const AFFILIATE_CLASS = 8;

/** a - b, or 0: a hold over shares still under a position may lock more than the wallets hold. */
const less = (a: bigint, b: bigint) => (a > b ? a - b : 0n);

export interface Lot {
  amount: bigint;
  releaseAt: number;
  kind: number;
}

/** One wallet as a remedy sees it in one security: its registry record and its identity's book. */
export interface HolderView {
  wallet: Address;
  /** Linked to its identity now; an unlinked wallet keeps its identity, and its shares still count for it. */
  registered: boolean;
  venue: boolean;
  affiliate: boolean;
  /** 0n when the wallet never had an identity. */
  identity: bigint;
  /** This wallet's shares. */
  balance: bigint;
  /** The identity's shares across its wallets. */
  holding: bigint;
  /** The most its gated positions could return to it (the token's reservation). */
  reserved: bigint;
  /** The identity's shares still locked in lots, and when the first is released (0: none). */
  locked: bigint;
  nextRelease: number;
  /** Of `locked`, the shares under partial freezes. */
  frozen: bigint;
  /** What the identity may move now, and what a partial freeze may still lock (HolderBook.lock). */
  free: bigint;
  /** The identity's live lots, soonest release first. */
  lots: Lot[];
  lockupEnd: number;
  /** Whether the wallet may receive the security now (the registry's recipient check), and until when not. */
  receive: EligibilityReason;
  receiveUntil: number;
}

export interface HolderReads {
  wallet: Address;
  record: ChainRecord;
  balance: bigint;
  holding: bigint;
  reserved: bigint;
  locked: bigint;
  nextRelease: number;
  lots: readonly Lot[];
  lockupEnd: number;
  receive: number;
  receiveUntil: number;
}

/** The reads of one block as a holder; `now` is that block's time, which decides the lots still live. */
export function holderView(r: HolderReads, now: number): HolderView {
  const lots = r.lots.filter((l) => l.releaseAt > now).sort((a, b) => a.releaseAt - b.releaseAt);
  const frozen = lots.filter((l) => l.kind === FREEZE_KIND).reduce((sum, l) => sum + l.amount, 0n);
  return {
    wallet: r.wallet,
    registered: r.record.registered,
    venue: r.record.venue,
    affiliate: ((r.record.classes ?? 0) & AFFILIATE_CLASS) !== 0,
    identity: r.record.identity ?? 0n,
    balance: r.balance,
    holding: r.holding,
    reserved: r.reserved,
    locked: r.locked,
    nextRelease: r.nextRelease,
    frozen,
    free: less(r.holding, r.locked),
    lots,
    lockupEnd: r.lockupEnd,
    receive: ELIGIBILITY[r.receive] ?? 'NotRegistered',
    receiveUntil: r.receiveUntil,
  };
}

/** Unix seconds as "2027-01-31 14:05" (UTC). */
export const formatTime = (seconds: number) => `${formatDate(seconds)} ${new Date(seconds * 1000).toISOString().slice(11, 16)}`;

/** A lot's release in words: "until lifted" for a freeze without an end. */
const releasePhrase = (releaseAt: number) => (releaseAt === UNTIL_LIFTED ? 'until lifted' : `until ${formatTime(releaseAt)} UTC`);

/** One lot as the holder's figures list it: "250 · Rule 144 issuance lot · until 2027-01-31 14:05 UTC". */
export const lotLine = (lot: Lot, decimals: number) => `${formatAmount(lot.amount, decimals)} · ${LOT_KINDS[lot.kind] ?? 'lot'} · ${releasePhrase(lot.releaseAt)}`;

/** A release time typed as "YYYY-MM-DDTHH:MM" (a datetime-local input) or with a space, in UTC, after chain time `now`. */
export function parseReleaseAt(text: string, now: number): Parsed<number> {
  // Four-digit years only: far below what the token's uint40 release time holds (and UNTIL_LIFTED).
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) return { ok: false, error: 'Not a date and time (YYYY-MM-DD HH:MM, UTC)' };
  const day = parseDate(match[1]);
  if (!day.ok) return day;
  const [hours, minutes] = [Number(match[2]), Number(match[3])];
  if (hours > 23 || minutes > 59) return { ok: false, error: `No such time of day: ${match[2]}:${match[3]}` };
  const value = day.value + hours * 3_600 + minutes * 60;
  if (value <= now) return { ok: false, error: `${formatTime(value)} UTC has passed (chain time is ${formatTime(now)} UTC): choose a later release time` };
  return { ok: true, value };
}

export interface RemedyContext {
  symbol: string;
  decimals: number;
  /** Chain time. */
  now: number;
  /** A wallet in sentences: its demo label, else its short address. */
  name: (wallet: Address) => string;
}

/** A wallet field as typed, with the holder once the chain has been read for it. */
export interface WalletInput {
  text: string;
  holder?: HolderView;
}

/** A release field: timed, or not (an issuance free now, a freeze until lifted). */
export interface ReleaseInput {
  timed: boolean;
  text: string;
}

export type RemedyField = 'wallet' | 'to' | 'amount' | 'release' | 'period';
export type RemedyErrors = Partial<Record<RemedyField, string>>;

export interface RemedyPlan {
  /** The transaction's name (toast, result line). */
  title: string;
  /** What will happen, in plain words, for the officer to confirm. */
  confirm: string;
  /** The call to the security token. */
  data: Hex;
}

export interface RemedyCheck {
  errors: RemedyErrors;
  /** Set only when every field is valid and checked against the chain. */
  plan?: RemedyPlan;
}

const reasonWords = (reason: number) => REMEDY_REASONS[reason] ?? 'no recorded reason';

/** Collects field problems; `take` keeps a parsed value or records its error. */
class Problems {
  errors: RemedyErrors = {};
  take<T>(field: RemedyField, parsed: Parsed<T>): T | undefined {
    if (parsed.ok) return parsed.value;
    this.errors[field] ??= parsed.error;
    return undefined;
  }
  fail(field: RemedyField, error: string): undefined {
    this.errors[field] ??= error;
    return undefined;
  }
}

/**
 * The investor behind a wallet field: a valid address, read from the chain, an investor's wallet with an identity
 * (the token refuses a venue's balance and a wallet without identity). Undefined while unknown or refused.
 */
function holderOf(p: Problems, field: RemedyField, input: WalletInput, ctx: RemedyContext): HolderView | undefined {
  const text = input.text.trim();
  if (text === '') return p.fail(field, 'Enter the wallet’s address');
  const address = parseInvestorAddress(text);
  if (!address.ok) return p.fail(field, address.error);
  const h = input.holder;
  if (!h || h.wallet.toLowerCase() !== address.value.toLowerCase()) return undefined;
  if (h.venue) return p.fail(field, 'A venue contract, not an investor’s wallet: remedies move investors’ shares only');
  if (h.identity === 0n) return p.fail(field, `${ctx.name(h.wallet)} has no identity in the investor registry: onboard it first`);
  return h;
}

/** A holder that may receive the security now, as the token's recipient check would judge it. */
function recipientOf(p: Problems, field: RemedyField, input: WalletInput, ctx: RemedyContext): HolderView | undefined {
  const h = holderOf(p, field, input, ctx);
  if (!h) return undefined;
  const n = ctx.name(h.wallet);
  if (!h.registered) return p.fail(field, `${n} is unlinked from its identity (removed): it may not receive ${ctx.symbol}`);
  if (h.receive !== 'Ok') return p.fail(field, `${n} may not receive ${ctx.symbol}: ${eligibilitySentence(h.receive, h.receiveUntil, n)}`);
  return h;
}

function amountOf(p: Problems, text: string, ctx: RemedyContext, max?: { value: bigint; label: string }): bigint | undefined {
  return p.take('amount', parseAmount(text, ctx.decimals, max && { max: max.value, maxLabel: max.label, symbol: ctx.symbol }));
}

/** The release time to send: 0 when not timed (the token's "free now" for an issuance, "until lifted" for a freeze). */
function releaseOf(p: Problems, release: ReleaseInput, ctx: RemedyContext): number | undefined {
  return release.timed ? p.take('release', parseReleaseAt(release.text, ctx.now)) : 0;
}

const shares = (amount: bigint, ctx: RemedyContext) => `${formatAmount(amount, ctx.decimals)} ${ctx.symbol}`;

/** issue(to, amount, releaseAt): new shares, locked in the recipient's identity until `releaseAt` (issuer role). */
export function checkIssue(form: { to: WalletInput; amount: string; release: ReleaseInput }, ctx: RemedyContext): RemedyCheck {
  const p = new Problems();
  const to = recipientOf(p, 'to', form.to, ctx);
  const amount = amountOf(p, form.amount, ctx);
  const releaseAt = releaseOf(p, form.release, ctx);
  if (!to || amount === undefined || releaseAt === undefined) return { errors: p.errors };
  const n = ctx.name(to.wallet);
  const lock = releaseAt === 0
    ? 'They are free to move at once: this issuance has no holding period.'
    : `They stay locked in ${n}'s identity until ${formatTime(releaseAt)} UTC, the Rule 144 holding period of this issuance: its wallets may pass them between themselves, nobody else may receive them before then.`;
  return {
    errors: p.errors,
    plan: {
      title: `Issue ${shares(amount, ctx)} to ${n}`,
      confirm: `Mint ${shares(amount, ctx)} of new shares to ${n} (identity ${identityLabel(to.identity)}). ${lock}`,
      data: encodeFunctionData({ abi: restrictedSecurityTokenAbi, functionName: 'issue', args: [to.wallet, amount, releaseAt] }),
    },
  };
}

/** freezeShares(wallet, amount, releaseAt, reason): locks free shares of the wallet's identity (compliance role). */
export function checkFreeze(form: { wallet: WalletInput; amount: string; release: ReleaseInput; reason: number }, ctx: RemedyContext): RemedyCheck {
  const p = new Problems();
  const h = holderOf(p, 'wallet', form.wallet, ctx);
  const amount = amountOf(p, form.amount, ctx, h && { value: h.free, label: `what ${ctx.name(h.wallet)} has free to freeze` });
  const releaseAt = releaseOf(p, form.release, ctx);
  if (!h || amount === undefined || releaseAt === undefined) return { errors: p.errors };
  const n = ctx.name(h.wallet);
  const until = releaseAt === 0 ? 'until an officer lifts the freeze' : `until ${formatTime(releaseAt)} UTC`;
  return {
    errors: p.errors,
    plan: {
      title: `Freeze ${shares(amount, ctx)} of ${n}`,
      confirm: `Freeze ${shares(amount, ctx)} of the ${formatAmount(h.free, ctx.decimals)} free shares of ${n}'s identity (${identityLabel(h.identity)}) ${until}. None of its wallets can move them; the rest of its holding trades as before. Reason: ${reasonWords(form.reason)}.`,
      data: encodeFunctionData({ abi: restrictedSecurityTokenAbi, functionName: 'freezeShares', args: [h.wallet, amount, releaseAt, form.reason] }),
    },
  };
}

/** unfreezeShares(wallet, amount, reason): lifts part of the identity's partial freezes (compliance role). */
export function checkUnfreeze(form: { wallet: WalletInput; amount: string; reason: number }, ctx: RemedyContext): RemedyCheck {
  const p = new Problems();
  const h = holderOf(p, 'wallet', form.wallet, ctx);
  if (h && h.frozen === 0n) p.fail('amount', `${ctx.name(h.wallet)} has no ${ctx.symbol} under a partial freeze: there is nothing to lift`);
  const amount = amountOf(p, form.amount, ctx, h && { value: h.frozen, label: `${ctx.name(h.wallet)}'s frozen shares` });
  if (!h || amount === undefined) return { errors: p.errors };
  const n = ctx.name(h.wallet);
  return {
    errors: p.errors,
    plan: {
      title: `Unfreeze ${shares(amount, ctx)} of ${n}`,
      confirm: `Lift the partial freeze on ${shares(amount, ctx)} of the ${formatAmount(h.frozen, ctx.decimals)} frozen shares of ${n}'s identity (${identityLabel(h.identity)}). They are free to move at once. Reason: ${reasonWords(form.reason)}.`,
      data: encodeFunctionData({ abi: restrictedSecurityTokenAbi, functionName: 'unfreezeShares', args: [h.wallet, amount, form.reason] }),
    },
  };
}

/** What a forced transfer does to the shares' locks, in words. */
function carriedPhrase(from: HolderView, to: HolderView, amount: bigint, ctx: RemedyContext): string {
  const [f, t] = [ctx.name(from.wallet), ctx.name(to.wallet)];
  if (from.identity === to.identity) return `Both wallets belong to identity ${identityLabel(from.identity)}: its holding and the holder counts do not change.`;
  const carried = amount > from.free ? amount - from.free : 0n;
  const locks = carried > 0n
    ? `${shares(carried, ctx)} of them are locked in ${f}'s lots and go to ${t} with their release times; the rest arrive free.`
    : `They come out of ${f}'s free shares.`;
  if (!from.affiliate) return locks;
  return `${locks} ${f} is an affiliate of the issuer: what arrives free is locked for ${t} for the affiliate holding period.`;
}

/** forceTransfer(from, to, amount, reason): moves shares without the sender's consent (compliance role). */
export function checkForceTransfer(form: { from: WalletInput; to: WalletInput; amount: string; reason: number }, ctx: RemedyContext): RemedyCheck {
  const p = new Problems();
  const from = holderOf(p, 'wallet', form.from, ctx);
  if (from && from.balance === 0n) p.fail('amount', `${ctx.name(from.wallet)} holds no ${ctx.symbol} in this wallet`);
  const amount = amountOf(p, form.amount, ctx, from && { value: from.balance, label: `the shares in ${ctx.name(from.wallet)}'s wallet` });
  let to = recipientOf(p, 'to', form.to, ctx);
  if (from && to && from.wallet.toLowerCase() === to.wallet.toLowerCase()) to = p.fail('to', 'The same wallet as the sender: nothing would move');
  if (!from || !to || amount === undefined) return { errors: p.errors };
  const [f, t] = [ctx.name(from.wallet), ctx.name(to.wallet)];
  return {
    errors: p.errors,
    plan: {
      title: `Force ${shares(amount, ctx)} from ${f} to ${t}`,
      confirm: `Move ${shares(amount, ctx)} from ${f} to ${t} without ${f}'s consent. ${carriedPhrase(from, to, amount, ctx)} Reason: ${reasonWords(form.reason)}.`,
      data: encodeFunctionData({ abi: restrictedSecurityTokenAbi, functionName: 'forceTransfer', args: [from.wallet, to.wallet, amount, form.reason] }),
    },
  };
}

/** recoverWallet(lost, replacement, reason): all of a lost wallet's shares to a new wallet of its identity (compliance role). */
export function checkRecovery(form: { lost: WalletInput; replacement: WalletInput; reason: number }, ctx: RemedyContext): RemedyCheck {
  const p = new Problems();
  let lost = holderOf(p, 'wallet', form.lost, ctx);
  let next = holderOf(p, 'to', form.replacement, ctx);
  const [l, r] = [lost && ctx.name(lost.wallet), next && ctx.name(next.wallet)];
  if (lost?.registered) lost = p.fail('wallet', `${l} is still linked to identity ${identityLabel(lost.identity)}: unlink it first (Remove in the roster), so that the lost key can no longer trade`);
  else if (lost && lost.balance === 0n) lost = p.fail('wallet', `${l} holds no ${ctx.symbol}: there is nothing to recover`);
  if (next && !next.registered) next = p.fail('to', `${r} is not linked to an identity: link it to the lost wallet's identity first`);
  else if (next?.receive === 'Sanctioned') next = p.fail('to', eligibilitySentence('Sanctioned', 0, r));
  // One wallet in both fields fails above: it cannot be unlinked (lost) and linked (replacement) at once.
  if (!lost || !next) return { errors: p.errors };
  if (lost.identity !== next.identity) {
    return { errors: { to: `${r} belongs to identity ${identityLabel(next.identity)}, ${l} to ${identityLabel(lost.identity)}: a recovery stays within one identity (between identities, use a forced transfer)` } };
  }
  if (next.lockupEnd < lost.lockupEnd) {
    return { errors: { to: `${r}'s lockup in ${ctx.symbol} ends ${formatDate(next.lockupEnd)}, before ${l}'s (${formatDate(lost.lockupEnd)}): give ${r} the same lockup override first` } };
  }
  return {
    errors: {},
    plan: {
      title: `Recover ${shares(lost.balance, ctx)} from ${l} to ${r}`,
      confirm: `Move all ${shares(lost.balance, ctx)} of the lost wallet ${l} to ${r}, both of identity ${identityLabel(lost.identity)}. The identity's holding, its lots and the holder counts do not change. Reason: ${reasonWords(form.reason)}.`,
      data: encodeFunctionData({ abi: restrictedSecurityTokenAbi, functionName: 'recoverWallet', args: [lost.wallet, next.wallet, form.reason] }),
    },
  };
}

/** A holding period in days, as officers read it ("365", "182.5"). */
export const periodDays = (seconds: number) => (seconds / DAY).toLocaleString('en-US', { maximumFractionDigits: 2 });

/** setAffiliateHoldingPeriod(period), typed in whole days (compliance role). */
export function checkAffiliatePeriod(text: string, current: number, ctx: RemedyContext): RemedyCheck {
  const days = text.trim();
  if (!/^\d+$/.test(days)) return { errors: { period: 'Enter the holding period in whole days (365 for a non-reporting issuer, 182 for a reporting one)' } };
  const period = Number(days) * DAY;
  if (period >= UNTIL_LIFTED) return { errors: { period: 'Too long for the token to store' } };
  if (period === current) return { errors: { period: `The holding period is ${periodDays(current)} days already` } };
  const lock = period === 0
    ? `starts no holding period: the buyer's shares are free at once`
    : `locks the buyer's shares for ${periodDays(period)} days from the purchase`;
  return {
    errors: {},
    plan: {
      title: `Set ${ctx.symbol}'s affiliate holding period to ${periodDays(period)} days`,
      confirm: `From now on, a purchase of ${ctx.symbol} from an affiliate of the issuer ${lock} (it is ${periodDays(current)} days now). Lots already locked keep their release times.`,
      data: encodeFunctionData({ abi: restrictedSecurityTokenAbi, functionName: 'setAffiliateHoldingPeriod', args: [period] }),
    },
  };
}

/** The errors to show: a field's once it has text, all of them once the officer asked to review. */
export function visibleErrors(errors: RemedyErrors, texts: Partial<Record<RemedyField, string>>, submitted: boolean): RemedyErrors {
  if (submitted) return errors;
  return Object.fromEntries(Object.entries(errors).filter(([field]) => (texts[field as RemedyField] ?? '').trim() !== ''));
}
