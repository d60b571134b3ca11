import { BaseError, ContractFunctionRevertedError, encodeErrorResult, parseAbi } from 'viem';
import { describe, expect, it } from 'vitest';
import { gateHookAbi } from '../../../sdk/abis/gateHookAbi.ts';
import { investorRegistryAbi } from '../../../sdk/abis/investorRegistryAbi.ts';
import { restrictedSecurityTokenAbi } from '../../../sdk/abis/restrictedSecurityTokenAbi.ts';
import { universalRouterAbi } from '../../../sdk/abis/universalRouterAbi.ts';
import { explainError, revertDataOf } from './revert.ts';

const A = '0x1111111111111111111111111111111111111111';
const lockup = encodeErrorResult({ abi: gateHookAbi, errorName: 'InvestorNotEligible', args: [A, A, 4, 1_893_456_000] });
const wrapped = encodeErrorResult({
  abi: parseAbi(['error WrappedError(address target, bytes4 selector, bytes reason, bytes details)']),
  errorName: 'WrappedError',
  args: [A, '0x575e24b4', lockup, '0xa9e35b2f'],
});
const fromRouter = encodeErrorResult({ abi: universalRouterAbi, errorName: 'ExecutionFailed', args: [1n, wrapped] });

/** An error shaped as viem throws it from a call: the revert data several causes down. */
const viemError = (data: `0x${string}`) =>
  new BaseError('Execution reverted', { cause: new BaseError('RPC error', { cause: Object.assign(new Error('execution reverted'), { data }) }) });

describe('explainError', () => {
  it("says the gate's reason and date through UniversalRouter and PoolManager wrappers", () => {
    expect(explainError(viemError(fromRouter))).toBe('Your address is still in the lockup for this security, which ends on 2030-01-01.');
  });

  it('finds revert data in viem errors', () => {
    expect(revertDataOf(viemError(lockup))).toBe(lockup);
    expect(revertDataOf(new Error('no data'))).toBeUndefined();
    const reverted = new ContractFunctionRevertedError({ abi: gateHookAbi, data: lockup, functionName: 'x' });
    expect(revertDataOf(reverted)).toBe(lockup);
  });

  it('recognizes a refusal in the wallet and slippage', () => {
    expect(explainError(Object.assign(new Error('User rejected the request.'), { code: 4001 }))).toBe('You rejected the request in your wallet.');
    const tooLittle = encodeErrorResult({ abi: parseAbi(['error V4TooLittleReceived(uint256 minAmountOutReceived, uint256 amountReceived)']), errorName: 'V4TooLittleReceived', args: [2n, 1n] });
    expect(explainError(viemError(tooLittle))).toMatch(/slippage tolerance/);
  });

  it('says how many shares can move when the rest are locked in lots, and when the next is released', () => {
    const locked = encodeErrorResult({ abi: restrictedSecurityTokenAbi, errorName: 'SharesLocked', args: [1n, 5n * 10n ** 18n, 2n * 10n ** 18n, 1_893_456_000] });
    expect(explainError(viemError(locked))).toBe(
      'Only 2 of these shares can move now; the rest are locked in lots (a Rule 144 holding period or a partial freeze), the next released on 2030-01-01.',
    );
    const affiliate = encodeErrorResult({ abi: gateHookAbi, errorName: 'InvestorNotEligible', args: [A, A, 11, 0] });
    expect(explainError(viemError(affiliate))).toMatch(/affiliate of the issuer: it may buy, but sells only by a direct transfer/);
  });

  it('says why the registry refuses a roster row that would change a freeze', () => {
    const lift = encodeErrorResult({ abi: investorRegistryAbi, errorName: 'FreezeNotEditable', args: [A, true] });
    expect(explainError(viemError(lift))).toBe('That investor is frozen: a roster row cannot lift a freeze. Use Unfreeze in the roster.');
    const impose = encodeErrorResult({ abi: investorRegistryAbi, errorName: 'FreezeNotEditable', args: [A, false] });
    expect(explainError(viemError(impose))).toMatch(/^That investor is not frozen/);
  });

  it("says why a position's shares cannot leave through someone other than its depositor", () => {
    const frozen = encodeErrorResult({ abi: gateHookAbi, errorName: 'DepositorRestricted', args: [A, 2, 0] });
    expect(explainError(viemError(frozen))).toBe(
      "The position's depositor is frozen by compliance: no trading or transfers until it is lifted. Until then only the depositor can take this liquidity out.",
    );
    const bound = encodeErrorResult({ abi: restrictedSecurityTokenAbi, errorName: 'PayoutBoundToDepositor', args: [A, A] });
    expect(explainError(viemError(bound))).toMatch(/^Liquidity you deposited pays its shares back to your own wallet/);
  });

  it('names an unknown revert by its selector rather than hiding it', () => {
    expect(explainError(viemError('0xdeadbeef'))).toBe('The transaction would fail (unknown error 0xdeadbeef).');
  });
});
