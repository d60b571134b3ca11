import { concatHex, encodeAbiParameters, numberToHex, type Address, type Hex } from 'viem';

/** Uniswap v4-periphery action codes (Actions.sol) and the UniversalRouter command the venue uses. */
export const Actions = {
  INCREASE_LIQUIDITY: 0x00,
  DECREASE_LIQUIDITY: 0x01,
  MINT_POSITION: 0x02,
  BURN_POSITION: 0x03,
  SWAP_EXACT_IN_SINGLE: 0x06,
  SWAP_EXACT_OUT_SINGLE: 0x08,
  SETTLE_ALL: 0x0c,
  SETTLE_PAIR: 0x0d,
  TAKE_ALL: 0x0f,
  TAKE_PAIR: 0x11,
} as const;
export const V4_SWAP = 0x10;

export interface PoolKey {
  currency0: Address;
  currency1: Address;
  fee: number;
  tickSpacing: number;
  hooks: Address;
}

const poolKeyTuple = {
  type: 'tuple',
  components: [
    { name: 'currency0', type: 'address' },
    { name: 'currency1', type: 'address' },
    { name: 'fee', type: 'uint24' },
    { name: 'tickSpacing', type: 'int24' },
    { name: 'hooks', type: 'address' },
  ],
} as const;

const actions = (...codes: number[]) => concatHex(codes.map((c) => numberToHex(c, { size: 1 })));
const settlement = (actionCodes: Hex, params: Hex[]) =>
  encodeAbiParameters([{ type: 'bytes' }, { type: 'bytes[]' }], [actionCodes, params]);

export interface ExactInSingle {
  poolKey: PoolKey;
  zeroForOne: boolean;
  amountIn: bigint;
  /** The least the swap may return; the router reverts below it (slippage bound). */
  amountOutMinimum: bigint;
  hookData?: Hex;
}

/** UniversalRouter `execute` arguments for an exact-input single-pool v4 swap, paid from and to the caller. */
export function encodeSwapExactInSingle(p: ExactInSingle): { commands: Hex; inputs: Hex[] } {
  const [cin, cout] = p.zeroForOne ? [p.poolKey.currency0, p.poolKey.currency1] : [p.poolKey.currency1, p.poolKey.currency0];
  const swap = encodeAbiParameters(
    [
      {
        type: 'tuple',
        components: [
          { name: 'poolKey', ...poolKeyTuple },
          { name: 'zeroForOne', type: 'bool' },
          { name: 'amountIn', type: 'uint128' },
          { name: 'amountOutMinimum', type: 'uint128' },
          { name: 'hookData', type: 'bytes' },
        ],
      },
    ],
    [{ poolKey: p.poolKey, zeroForOne: p.zeroForOne, amountIn: p.amountIn, amountOutMinimum: p.amountOutMinimum, hookData: p.hookData ?? '0x' }],
  );
  const settleAll = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [cin, p.amountIn]);
  const takeAll = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [cout, p.amountOutMinimum]);
  const input = settlement(actions(Actions.SWAP_EXACT_IN_SINGLE, Actions.SETTLE_ALL, Actions.TAKE_ALL), [swap, settleAll, takeAll]);
  return { commands: numberToHex(V4_SWAP, { size: 1 }), inputs: [input] };
}

export interface MintPosition {
  poolKey: PoolKey;
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
  /** The most of each currency the mint may take (slippage bounds). */
  amount0Max: bigint;
  amount1Max: bigint;
  owner: Address;
  hookData?: Hex;
}

/** PositionManager `modifyLiquidities` unlock data for MINT_POSITION + SETTLE_PAIR. */
export function encodeMintPosition(p: MintPosition): Hex {
  const mint = encodeAbiParameters(
    [poolKeyTuple, { type: 'int24' }, { type: 'int24' }, { type: 'uint256' }, { type: 'uint128' }, { type: 'uint128' }, { type: 'address' }, { type: 'bytes' }],
    [p.poolKey, p.tickLower, p.tickUpper, p.liquidity, p.amount0Max, p.amount1Max, p.owner, p.hookData ?? '0x'],
  );
  const settle = encodeAbiParameters([{ type: 'address' }, { type: 'address' }], [p.poolKey.currency0, p.poolKey.currency1]);
  return settlement(actions(Actions.MINT_POSITION, Actions.SETTLE_PAIR), [mint, settle]);
}

/** The largest usable tick for a tick spacing (TickMath.maxUsableTick). */
export function maxUsableTick(tickSpacing: number): number {
  return Math.trunc(887272 / tickSpacing) * tickSpacing;
}
