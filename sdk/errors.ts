import { decodeErrorResult, parseAbi, type Abi, type Hex } from 'viem';
import { venueErrorsAbi } from './abis/venueErrorsAbi.ts';

/** The registry's reasons, in the order of the Eligibility enum (contracts/libraries/Eligibility.sol). */
export const ELIGIBILITY = [
  'Ok', 'NotRegistered', 'Frozen', 'AccreditationExpired', 'LockupActive', 'SecurityNotListed',
  'ExitOnly', 'ClassNotAllowed', 'JurisdictionNotAllowed', 'FlowbackRestricted', 'Sanctioned', 'AffiliateResale',
] as const;
export type EligibilityReason = (typeof ELIGIBILITY)[number];

/** Reasons that stop buying and adding, but still let an investor sell, withdraw liquidity and collect fees. */
export const MAY_STILL_SELL: ReadonlySet<EligibilityReason> = new Set(['AccreditationExpired', 'ExitOnly', 'ClassNotAllowed', 'JurisdictionNotAllowed', 'FlowbackRestricted']);

/** InvestorClass bits (contracts/libraries/Eligibility.sol), in words. */
const CLASS_NAMES: [number, string][] = [[1, 'accredited'], [2, 'QIB'], [4, 'non-US person'], [8, 'affiliate']];

/** An identity's investor classes in words: "accredited, non-US person", or "no class". */
export function describeClasses(bits: number): string {
  const names = CLASS_NAMES.filter(([bit]) => bits & bit).map(([, name]) => name);
  return names.length === 0 ? 'no class' : names.join(', ');
}

/**
 * Errors v4-core raises from libraries in assembly (CustomRevert, Hooks, CurrencyLibrary): they are in no
 * contract's ABI artifact, so they are declared here by signature.
 */
const libraryErrors = parseAbi([
  'error WrappedError(address target, bytes4 selector, bytes reason, bytes details)',
  'error HookCallFailed()',
  'error ERC20TransferFailed()',
  'error NativeTransferFailed()',
]);

const errorsAbi = [...libraryErrors, ...venueErrorsAbi] as Abi;

export interface DecodedRevert {
  /** The innermost error, after unwrapping the PoolManager's WrappedError. */
  name: string;
  args: readonly unknown[];
  /** For refusals by the gate or the token: the registry's reason. */
  reason?: EligibilityReason;
  /** Outer errors, outermost first (e.g. ExecutionFailed, WrappedError). */
  wrappers: string[];
}

/** Decodes revert data from any venue contract, unwrapping `WrappedError` down to the gate's or token's reason. */
export function decodeRevert(data: Hex): DecodedRevert {
  const wrappers: string[] = [];
  let current = data;
  for (;;) {
    let decoded: { errorName: string; args?: readonly unknown[] };
    try {
      decoded = decodeErrorResult({ abi: errorsAbi, data: current });
    } catch {
      return { name: `unknown error ${current.slice(0, 10)}`, args: [], wrappers };
    }
    const args = decoded.args ?? [];
    // Wrappers carry the real error inside: the PoolManager's WrappedError (a hook's revert), UniversalRouter's
    // ExecutionFailed (a command's revert), the router's UnexpectedRevertBytes.
    const inner = { WrappedError: 2, ExecutionFailed: 1, UnexpectedRevertBytes: 0 }[decoded.errorName];
    if (inner !== undefined) {
      wrappers.push(decoded.errorName);
      current = args[inner] as Hex;
      continue;
    }
    const withReason = ['InvestorNotEligible', 'SenderNotEligible', 'RecipientNotEligible', 'DepositorRestricted'];
    const reasonIndex = decoded.errorName === 'InvestorNotEligible' ? 2 : 1;
    const reason = withReason.includes(decoded.errorName) ? ELIGIBILITY[Number(args[reasonIndex])] : undefined;
    return { name: decoded.errorName, args, reason, wrappers };
  }
}
