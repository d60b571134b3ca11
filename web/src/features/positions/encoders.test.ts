/** The PositionManager encoders this page sends (sdk/periphery.ts), read back as v4-periphery's CalldataDecoder reads them. */
import { decodeAbiParameters, keccak256, encodeAbiParameters, type Address, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  Actions,
  decodePositionInfo,
  decodeUnlockData,
  encodeBurnPosition,
  encodeCollectFees,
  encodeDecreaseLiquidity,
  encodeIncreaseLiquidity,
  encodeMintPosition,
  positionSalt,
} from '../../../../sdk/periphery.ts';

const USD: Address = '0x1111111111111111111111111111111111111111';
const SEC: Address = '0x2222222222222222222222222222222222222222';
const HOOK: Address = '0x3333333333333333333333333333333333333333';
const LP: Address = '0x976EA74026E726554dB657fA54763abd0C3a0aa9';
const key = { currency0: USD, currency1: SEC, fee: 3000, tickSpacing: 60, hooks: HOOK } as const;

const modify = [{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint128' }, { type: 'uint128' }, { type: 'bytes' }] as const;
const pairTo = [{ type: 'address' }, { type: 'address' }, { type: 'address' }] as const;

/**
 * PositionManager's strict decoder (CalldataDecoder.decodeActionsRouterParams) refuses unlock data whose offsets are
 * not the canonical ones: actions at 0x40, params right after the padded actions.
 */
function expectStrictLayout(data: Hex) {
  const word = (i: number) => BigInt(`0x${data.slice(2 + i * 64, 2 + (i + 1) * 64)}`);
  expect(word(0)).toBe(0x40n);
  const actionsLength = word(2);
  expect(word(1)).toBe(0x60n + ((actionsLength + 31n) / 32n) * 32n);
}

describe('PositionManager unlock data', () => {
  it('increase: INCREASE_LIQUIDITY with the max bounds, then CLOSE_CURRENCY for each currency', () => {
    const data = encodeIncreaseLiquidity({ poolKey: key, tokenId: 7n, liquidity: 10n ** 18n, amount0Max: 5n, amount1Max: 6n });
    expectStrictLayout(data);
    const { actions, params } = decodeUnlockData(data);
    expect(actions).toEqual([Actions.INCREASE_LIQUIDITY, Actions.CLOSE_CURRENCY, Actions.CLOSE_CURRENCY]);
    expect(actions).toEqual([0x00, 0x12, 0x12]);
    expect(decodeAbiParameters(modify, params[0])).toEqual([7n, 10n ** 18n, 5n, 6n, '0x']);
    expect(decodeAbiParameters([{ type: 'address' }], params[1])).toEqual([USD]);
    expect(decodeAbiParameters([{ type: 'address' }], params[2])).toEqual([SEC]);
  });

  it('decrease: DECREASE_LIQUIDITY with the min bounds, then TAKE_PAIR to the recipient', () => {
    const data = encodeDecreaseLiquidity({ poolKey: key, tokenId: 9n, liquidity: 123n, amount0Min: 1n, amount1Min: 2n, recipient: LP });
    expectStrictLayout(data);
    const { actions, params } = decodeUnlockData(data);
    expect(actions).toEqual([0x01, 0x11]);
    expect(decodeAbiParameters(modify, params[0])).toEqual([9n, 123n, 1n, 2n, '0x']);
    expect(decodeAbiParameters(pairTo, params[1])).toEqual([USD, SEC, LP]);
  });

  it('collect: a DECREASE_LIQUIDITY of zero with zero minimums, then TAKE_PAIR', () => {
    const { actions, params } = decodeUnlockData(encodeCollectFees({ poolKey: key, tokenId: 4n, recipient: LP }));
    expect(actions).toEqual([Actions.DECREASE_LIQUIDITY, Actions.TAKE_PAIR]);
    expect(decodeAbiParameters(modify, params[0])).toEqual([4n, 0n, 0n, 0n, '0x']);
  });

  it('close: BURN_POSITION (tokenId, amount0Min, amount1Min, hookData), then TAKE_PAIR', () => {
    const data = encodeBurnPosition({ poolKey: key, tokenId: 11n, amount0Min: 3n, amount1Min: 4n, recipient: LP, hookData: '0xab' });
    expectStrictLayout(data);
    const { actions, params } = decodeUnlockData(data);
    expect(actions).toEqual([0x03, 0x11]);
    expect(decodeAbiParameters([{ type: 'uint256' }, { type: 'uint128' }, { type: 'uint128' }, { type: 'bytes' }], params[0])).toEqual([11n, 3n, 4n, '0xab']);
    expect(decodeAbiParameters(pairTo, params[1])).toEqual([USD, SEC, LP]);
  });

  it('mint: MINT_POSITION then SETTLE_PAIR, with the owner and max bounds where the decoder reads them', () => {
    const data = encodeMintPosition({ poolKey: key, tickLower: -120, tickUpper: 600, liquidity: 99n, amount0Max: 8n, amount1Max: 9n, owner: LP });
    const { actions, params } = decodeUnlockData(data);
    expect(actions).toEqual([0x02, 0x0d]);
    // CalldataDecoder.decodeMintParams: tickLower at 0xa0, tickUpper 0xc0, liquidity 0xe0, maxes 0x100/0x120, owner 0x140.
    const word = (offset: number) => BigInt.asIntN(256, BigInt(`0x${params[0].slice(2 + offset * 2, 2 + offset * 2 + 64)}`));
    expect([word(0xa0), word(0xc0), word(0xe0), word(0x100), word(0x120), word(0x140)]).toEqual([-120n, 600n, 99n, 8n, 9n, BigInt(LP)]);
  });
});

describe('PositionInfo', () => {
  /** PositionInfoLibrary.initialize: poolId's top 200 bits | tickUpper << 32 | tickLower << 8. */
  function pack(poolId: Hex, tickLower: number, tickUpper: number, subscriber: boolean): bigint {
    const mask24 = (t: number) => BigInt.asUintN(24, BigInt(t));
    const top200 = BigInt(poolId) & (((1n << 200n) - 1n) << 56n);
    return top200 | (mask24(tickUpper) << 32n) | (mask24(tickLower) << 8n) | (subscriber ? 1n : 0n);
  }

  it('unpacks signed ticks, the subscriber flag and the truncated pool id', () => {
    const poolId = keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'address' }, { type: 'uint24' }, { type: 'int24' }, { type: 'address' }], [USD, SEC, 3000, 60, HOOK]));
    for (const [lower, upper, sub] of [[-887220, 887220, false], [-60, 0, true], [246_000, 250_020, false], [-8_388_608, 8_388_607, true]] as const) {
      const info = decodePositionInfo(pack(poolId, lower, upper, sub));
      expect(info).toEqual({ poolIdPrefix: poolId.slice(0, 52), tickLower: lower, tickUpper: upper, hasSubscriber: sub });
    }
  });

  it('salts a position with bytes32(tokenId)', () => {
    expect(positionSalt(5n)).toBe(`0x${'0'.repeat(63)}5`);
  });
});
