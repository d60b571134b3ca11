import { concatHex, decodeAbiParameters, encodeAbiParameters, hexToBytes, numberToHex, type Address, type Hex } from 'viem';

/** Uniswap v4-periphery action codes (Actions.sol) and the UniversalRouter command the venue uses. */
export const Actions = {
  INCREASE_LIQUIDITY: 0x00,
  DECREASE_LIQUIDITY: 0x01,
  MINT_POSITION: 0x02,
  BURN_POSITION: 0x03,
  SWAP_EXACT_IN_SINGLE: 0x06,
  SWAP_EXACT_OUT_SINGLE: 0x08,
  SETTLE: 0x0b,
  SETTLE_ALL: 0x0c,
  SETTLE_PAIR: 0x0d,
  TAKE: 0x0e,
  TAKE_ALL: 0x0f,
  TAKE_PAIR: 0x11,
  CLOSE_CURRENCY: 0x12,
  CLEAR_OR_TAKE: 0x13,
  SWEEP: 0x14,
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

/**
 * One single-pool v4 swap through UniversalRouter's V4_SWAP, paid from and to the caller: the swap action, then
 * SETTLE_ALL of the input (at most `maxIn`) and TAKE_ALL of the output (at least `minOut`). The exact-in and exact-out
 * structs (ExactInputSingleParams, ExactOutputSingleParams) have the same layout and differ only in the names of
 * their two amounts (amountIn/amountOutMinimum, amountOut/amountInMaximum), which the encoding doesn't carry.
 */
function encodeSwapSingle(
  action: number,
  p: { poolKey: PoolKey; zeroForOne: boolean; hookData?: Hex },
  [exactAmount, limitAmount]: readonly [bigint, bigint],
  settle: { maxIn: bigint; minOut: bigint },
): { commands: Hex; inputs: Hex[] } {
  const [cin, cout] = p.zeroForOne ? [p.poolKey.currency0, p.poolKey.currency1] : [p.poolKey.currency1, p.poolKey.currency0];
  const swap = encodeAbiParameters(
    [
      {
        type: 'tuple',
        components: [
          { name: 'poolKey', ...poolKeyTuple },
          { name: 'zeroForOne', type: 'bool' },
          { name: 'exactAmount', type: 'uint128' },
          { name: 'limitAmount', type: 'uint128' },
          { name: 'hookData', type: 'bytes' },
        ],
      },
    ],
    [{ poolKey: p.poolKey, zeroForOne: p.zeroForOne, exactAmount, limitAmount, hookData: p.hookData ?? '0x' }],
  );
  const settleAll = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [cin, settle.maxIn]);
  const takeAll = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [cout, settle.minOut]);
  const input = settlement(actions(action, Actions.SETTLE_ALL, Actions.TAKE_ALL), [swap, settleAll, takeAll]);
  return { commands: numberToHex(V4_SWAP, { size: 1 }), inputs: [input] };
}

/** UniversalRouter `execute` arguments for an exact-input single-pool v4 swap, paid from and to the caller. */
export function encodeSwapExactInSingle(p: ExactInSingle): { commands: Hex; inputs: Hex[] } {
  return encodeSwapSingle(Actions.SWAP_EXACT_IN_SINGLE, p, [p.amountIn, p.amountOutMinimum], {
    maxIn: p.amountIn,
    minOut: p.amountOutMinimum,
  });
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
  return encodeSwapSingle(Actions.SWAP_EXACT_OUT_SINGLE, p, [p.amountOut, p.amountInMaximum], {
    maxIn: p.amountInMaximum,
    minOut: p.amountOut,
  });
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

// ------------------------------------------------------------------ PositionManager: an existing position

/**
 * PositionManager's packed PositionInfo (PositionInfoLibrary): from the most significant bit, 200 bits of truncated
 * poolId, 24 bits tickUpper, 24 bits tickLower, 8 bits hasSubscriber.
 */
export interface PositionInfo {
  /** The first 25 bytes of the v4 PoolId (bytes25, as PositionManager keys its pool keys). */
  poolIdPrefix: Hex;
  tickLower: number;
  tickUpper: number;
  hasSubscriber: boolean;
}

const int24 = (bits: bigint) => Number(BigInt.asIntN(24, bits & 0xffffffn));

export function decodePositionInfo(info: bigint): PositionInfo {
  return {
    poolIdPrefix: numberToHex(info >> 56n, { size: 25 }),
    tickLower: int24(info >> 8n),
    tickUpper: int24(info >> 32n),
    hasSubscriber: (info & 0xffn) !== 0n,
  };
}

/** The PositionManager's (and PoolManager's) salt of a position: bytes32(tokenId). */
export const positionSalt = (tokenId: bigint): Hex => numberToHex(tokenId, { size: 32 });

// (uint256 tokenId, uint256 liquidity, uint128 amount0, uint128 amount1, bytes hookData): INCREASE and DECREASE.
const modifyParams = [{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint128' }, { type: 'uint128' }, { type: 'bytes' }] as const;
const currencyPairTo = (key: PoolKey, recipient: Address) =>
  encodeAbiParameters([{ type: 'address' }, { type: 'address' }, { type: 'address' }], [key.currency0, key.currency1, recipient]);
const currency = (c: Address) => encodeAbiParameters([{ type: 'address' }], [c]);

export interface IncreaseLiquidity {
  poolKey: PoolKey;
  tokenId: bigint;
  liquidity: bigint;
  /** The most of each currency the added principal may take (slippage bounds; fees accrued are not counted). */
  amount0Max: bigint;
  amount1Max: bigint;
  hookData?: Hex;
}

/**
 * PositionManager `modifyLiquidities` unlock data for INCREASE_LIQUIDITY + CLOSE_CURRENCY for each currency.
 * Increasing also credits the position's uncollected fees; when they exceed what the added liquidity costs in one
 * currency, that currency's delta is a credit and SETTLE_PAIR would revert (DeltaNotNegative). CLOSE_CURRENCY pays a
 * debt or takes a credit, whichever is left.
 */
export function encodeIncreaseLiquidity(p: IncreaseLiquidity): Hex {
  const increase = encodeAbiParameters(modifyParams, [p.tokenId, p.liquidity, p.amount0Max, p.amount1Max, p.hookData ?? '0x']);
  return settlement(actions(Actions.INCREASE_LIQUIDITY, Actions.CLOSE_CURRENCY, Actions.CLOSE_CURRENCY), [
    increase,
    currency(p.poolKey.currency0),
    currency(p.poolKey.currency1),
  ]);
}

export interface DecreaseLiquidity {
  poolKey: PoolKey;
  tokenId: bigint;
  /** 0 only collects the fees. */
  liquidity: bigint;
  /** The least of each currency the removed principal must return (slippage bounds; fees not counted). */
  amount0Min: bigint;
  amount1Min: bigint;
  /** Who receives the principal and the fees. */
  recipient: Address;
  hookData?: Hex;
}

/** PositionManager unlock data for DECREASE_LIQUIDITY + TAKE_PAIR: removes liquidity and collects every fee owed. */
export function encodeDecreaseLiquidity(p: DecreaseLiquidity): Hex {
  const decrease = encodeAbiParameters(modifyParams, [p.tokenId, p.liquidity, p.amount0Min, p.amount1Min, p.hookData ?? '0x']);
  return settlement(actions(Actions.DECREASE_LIQUIDITY, Actions.TAKE_PAIR), [decrease, currencyPairTo(p.poolKey, p.recipient)]);
}

/** Collects a position's fees: DECREASE_LIQUIDITY of 0 (which credits the fees owed) + TAKE_PAIR. */
export function encodeCollectFees(p: { poolKey: PoolKey; tokenId: bigint; recipient: Address; hookData?: Hex }): Hex {
  return encodeDecreaseLiquidity({ ...p, liquidity: 0n, amount0Min: 0n, amount1Min: 0n });
}

export interface BurnPosition {
  poolKey: PoolKey;
  tokenId: bigint;
  /** The least of each currency the removed principal must return (slippage bounds). */
  amount0Min: bigint;
  amount1Min: bigint;
  recipient: Address;
  hookData?: Hex;
}

/** PositionManager unlock data for BURN_POSITION (removes all liquidity, collects fees, burns the NFT) + TAKE_PAIR. */
export function encodeBurnPosition(p: BurnPosition): Hex {
  const burn = encodeAbiParameters(
    [{ type: 'uint256' }, { type: 'uint128' }, { type: 'uint128' }, { type: 'bytes' }],
    [p.tokenId, p.amount0Min, p.amount1Min, p.hookData ?? '0x'],
  );
  return settlement(actions(Actions.BURN_POSITION, Actions.TAKE_PAIR), [burn, currencyPairTo(p.poolKey, p.recipient)]);
}

/** Unlock data as PositionManager reads it: the action codes and each one's parameters. */
export function decodeUnlockData(unlockData: Hex): { actions: number[]; params: readonly Hex[] } {
  const [codes, params] = decodeAbiParameters([{ type: 'bytes' }, { type: 'bytes[]' }], unlockData);
  return { actions: Array.from(hexToBytes(codes)), params };
}
