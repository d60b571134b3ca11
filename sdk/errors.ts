import { decodeErrorResult, parseAbi, type Abi, type Hex } from 'viem';
import {
  gateHookAbi,
  investorRegistryAbi,
  permit2Abi,
  poolManagerAbi,
  positionManagerAbi,
  restrictedSecurityTokenAbi,
  universalRouterAbi,
  v4QuoterAbi,
} from './abis/generated.ts';

/** The registry's reasons, in the order of the Eligibility enum (contracts/libraries/Eligibility.sol). */
export const ELIGIBILITY = ['Ok', 'NotRegistered', 'Frozen', 'AccreditationExpired', 'LockupActive', 'SecurityNotListed'] as const;
export type EligibilityReason = (typeof ELIGIBILITY)[number];

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

const allErrors = [
  libraryErrors,
  gateHookAbi,
  investorRegistryAbi,
  restrictedSecurityTokenAbi,
  poolManagerAbi,
  positionManagerAbi,
  universalRouterAbi,
  v4QuoterAbi,
  permit2Abi,
].flatMap((abi) => (abi as Abi).filter((item) => item.type === 'error'));
const errorsAbi = [...new Map(allErrors.map((e) => [JSON.stringify(e), e])).values()] as Abi;

export interface DecodedRevert {
  /** The innermost error, after unwrapping the PoolManager's WrappedError. */
  name: string;
  args: readonly unknown[];
  /** For refusals by the gate or the token: the registry's reason. */
  reason?: EligibilityReason;
  /** Outer errors, outermost first (e.g. WrappedError). */
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
    if (decoded.errorName === 'WrappedError' || decoded.errorName === 'UnexpectedRevertBytes') {
      wrappers.push(decoded.errorName);
      current = (decoded.errorName === 'WrappedError' ? args[2] : args[0]) as Hex;
      continue;
    }
    const withReason = ['InvestorNotEligible', 'SenderNotEligible', 'RecipientNotEligible'];
    const reasonIndex = decoded.errorName === 'InvestorNotEligible' ? 2 : 1;
    const reason = withReason.includes(decoded.errorName) ? ELIGIBILITY[Number(args[reasonIndex])] : undefined;
    return { name: decoded.errorName, args, reason, wrappers };
  }
}
