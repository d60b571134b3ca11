import { decodeAbiParameters, encodeErrorResult, parseAbi, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { gateHookAbi, restrictedSecurityTokenAbi, universalRouterAbi } from './abis/generated.ts';
import { decodeRevert, describeClasses } from './errors.ts';
import { parseDeployment } from './manifest.ts';
import { encodeSwapExactInSingle, maxUsableTick } from './periphery.ts';

const A = '0x1111111111111111111111111111111111111111';
const B = '0x2222222222222222222222222222222222222222';
const HOOK = '0x3333333333333333333333333333333333333333';

describe('describeClasses', () => {
  it('names every InvestorClass bit set, in order, and says when none is', () => {
    expect(describeClasses(1)).toBe('accredited');
    expect(describeClasses(1 | 4)).toBe('accredited, non-US person');
    expect(describeClasses(15)).toBe('accredited, QIB, non-US person, affiliate');
    expect(describeClasses(0)).toBe('no class');
  });
});

describe('decodeRevert', () => {
  const refusal = encodeErrorResult({
    abi: gateHookAbi,
    errorName: 'InvestorNotEligible',
    args: [A, B, 4, 1_800_000_000],
  });
  const wrapped = encodeErrorResult({
    abi: parseAbi(['error WrappedError(address target, bytes4 selector, bytes reason, bytes details)']),
    errorName: 'WrappedError',
    args: [HOOK, '0x575e24b4', refusal, '0xa9e35b2f'],
  });

  it('unwraps the PoolManager WrappedError down to the gate reason', () => {
    const decoded = decodeRevert(wrapped);
    expect(decoded).toMatchObject({ name: 'InvestorNotEligible', reason: 'LockupActive', wrappers: ['WrappedError'] });
    expect(decoded.args[0]).toBe(A);
    expect(decoded.args[3]).toBe(1_800_000_000);
  });

  it('unwraps UniversalRouter ExecutionFailed around the WrappedError', () => {
    const failed = encodeErrorResult({ abi: universalRouterAbi, errorName: 'ExecutionFailed', args: [1n, wrapped] });
    expect(decodeRevert(failed)).toMatchObject({ name: 'InvestorNotEligible', reason: 'LockupActive', wrappers: ['ExecutionFailed', 'WrappedError'] });
  });

  it('reads the token refusals', () => {
    const data = encodeErrorResult({ abi: restrictedSecurityTokenAbi, errorName: 'RecipientNotEligible', args: [A, 1, 0] });
    expect(decodeRevert(data)).toMatchObject({ name: 'RecipientNotEligible', reason: 'NotRegistered', wrappers: [] });
  });

  it('names an error it does not know by selector', () => {
    expect(decodeRevert('0xdeadbeef').name).toBe('unknown error 0xdeadbeef');
  });
});

describe('parseDeployment', () => {
  it('lists every problem at once', () => {
    expect(() => parseDeployment({ chainId: 'x', poolManager: '0x12', pools: [{}] }, 'test.json')).toThrow(
      /test\.json is invalid:[\s\S]*chainId[\s\S]*poolManager[\s\S]*pools\.0\.name/,
    );
  });
});

describe('encodeSwapExactInSingle', () => {
  it('settles the input currency and takes the output currency, with the minimum as the take bound', () => {
    const key = { currency0: A, currency1: B, fee: 3000, tickSpacing: 60, hooks: HOOK } as const;
    const { commands, inputs } = encodeSwapExactInSingle({ poolKey: key, zeroForOne: false, amountIn: 5n, amountOutMinimum: 7n });
    expect(commands).toBe('0x10');
    const [actions, params] = decodeAbiParameters([{ type: 'bytes' }, { type: 'bytes[]' }], inputs[0] as Hex);
    expect(actions).toBe('0x060c0f');
    const [settleCurrency, settleMax] = decodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], params[1]);
    const [takeCurrency, takeMin] = decodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], params[2]);
    expect([settleCurrency, settleMax, takeCurrency, takeMin]).toEqual([B, 5n, A, 7n]);
  });

  it('knows the usable tick range', () => {
    expect(maxUsableTick(60)).toBe(887220);
    expect(maxUsableTick(1)).toBe(887272);
  });
});
