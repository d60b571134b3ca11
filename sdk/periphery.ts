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
/** UniversalRouter command: Permit2 `permit` with the caller's signature, so one transaction approves and swaps. */
export const PERMIT2_PERMIT = 0x0a;

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

export interface ExactOutSingle {
  poolKey: PoolKey;
  zeroForOne: boolean;
  amountOut: bigint;
  /** The most the swap may take; the router reverts above it (slippage bound). */
  amountInMaximum: bigint;
  hookData?: Hex;
}

/** UniversalRouter `execute` arguments for an exact-output single-pool v4 swap, paid from and to the caller. */
export function encodeSwapExactOutSingle(p: ExactOutSingle): { commands: Hex; inputs: Hex[] } {
  const [cin, cout] = p.zeroForOne ? [p.poolKey.currency0, p.poolKey.currency1] : [p.poolKey.currency1, p.poolKey.currency0];
  const swap = encodeAbiParameters(
    [
      {
        type: 'tuple',
        components: [
          { name: 'poolKey', ...poolKeyTuple },
          { name: 'zeroForOne', type: 'bool' },
          { name: 'amountOut', type: 'uint128' },
          { name: 'amountInMaximum', type: 'uint128' },
          { name: 'hookData', type: 'bytes' },
        ],
      },
    ],
    [{ poolKey: p.poolKey, zeroForOne: p.zeroForOne, amountOut: p.amountOut, amountInMaximum: p.amountInMaximum, hookData: p.hookData ?? '0x' }],
  );
  const settleAll = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [cin, p.amountInMaximum]);
  const takeAll = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [cout, p.amountOut]);
  const input = settlement(actions(Actions.SWAP_EXACT_OUT_SINGLE, Actions.SETTLE_ALL, Actions.TAKE_ALL), [swap, settleAll, takeAll]);
  return { commands: numberToHex(V4_SWAP, { size: 1 }), inputs: [input] };
}

/** Permit2's PermitSingle (IAllowanceTransfer): lets `spender` pull up to `amount` of `token` until `expiration`. */
export interface PermitSingle {
  details: { token: Address; amount: bigint; expiration: number; nonce: number };
  spender: Address;
  sigDeadline: bigint;
}

/** The EIP-712 typed data a wallet signs for a PermitSingle. */
export function permitSingleTypedData(permit: PermitSingle, chainId: number, permit2: Address) {
  return {
    domain: { name: 'Permit2', chainId, verifyingContract: permit2 },
    types: {
      PermitDetails: [
        { name: 'token', type: 'address' },
        { name: 'amount', type: 'uint160' },
        { name: 'expiration', type: 'uint48' },
        { name: 'nonce', type: 'uint48' },
      ],
      PermitSingle: [
        { name: 'details', type: 'PermitDetails' },
        { name: 'spender', type: 'address' },
        { name: 'sigDeadline', type: 'uint256' },
      ],
    },
    primaryType: 'PermitSingle',
    message: permit,
  } as const;
}

/** Prepends a PERMIT2_PERMIT command to UniversalRouter `execute` arguments. */
export function withPermit2Permit(call: { commands: Hex; inputs: Hex[] }, permit: PermitSingle, signature: Hex): { commands: Hex; inputs: Hex[] } {
  const input = encodeAbiParameters(
    [
      {
        type: 'tuple',
        components: [
          { name: 'details', type: 'tuple', components: [{ name: 'token', type: 'address' }, { name: 'amount', type: 'uint160' }, { name: 'expiration', type: 'uint48' }, { name: 'nonce', type: 'uint48' }] },
          { name: 'spender', type: 'address' },
          { name: 'sigDeadline', type: 'uint256' },
        ],
      },
      { type: 'bytes' },
    ],
    [permit, signature],
  );
  return { commands: concatHex([numberToHex(PERMIT2_PERMIT, { size: 1 }), call.commands]), inputs: [input, ...call.inputs] };
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
