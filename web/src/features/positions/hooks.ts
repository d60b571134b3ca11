/** What every liquidity form shares: the pool's tokens in the person's terms, why an add is refused, and sending. */
import { createContext, useContext, useRef } from 'react';
import { encodeFunctionData, type Hex } from 'viem';
import { positionManagerAbi } from '../../../../sdk/abis/generated.ts';
import type { Pool } from '../../../../sdk/manifest.ts';
import { useChainNow, useToken, useVenue, type TokenInfo } from '../../app/venue.tsx';
import { eligibilitySentence } from '../../lib/revert.ts';
import { useSend } from '../../lib/useSend.ts';
import { useWalletStore } from '../../wallet/store.ts';
import { useEligibility } from '../eligibility/useEligibility.ts';
import type { Orientation } from './logic.ts';
import type { PoolState } from '../../app/pools.ts';
import { useLiquiditySettings } from './settings.ts';

export interface PoolTokens {
  /** currency0 and currency1, as the pool orders them. */
  tokens: readonly [TokenInfo, TokenInfo];
  stable: TokenInfo;
  security: TokenInfo;
  /** The index (0 or 1) of the security: forms list it first, as the pool's name does. */
  securityIndex: 0 | 1;
  orientation: Orientation;
}

export function usePoolTokens(pool: Pool): PoolTokens | undefined {
  const { deployment } = useVenue();
  const t0 = useToken(pool.currency0).data;
  const t1 = useToken(pool.currency1).data;
  if (!t0 || !t1) return undefined;
  const stableIs0 = pool.currency0 === deployment.stablecoin;
  const [stable, security] = stableIs0 ? [t0, t1] : [t1, t0];
  return {
    tokens: [t0, t1],
    stable,
    security,
    securityIndex: stableIs0 ? 1 : 0,
    orientation: { stableIs0, stableDecimals: stable.decimals, securityDecimals: security.decimals },
  };
}

/**
 * Why the connected address may not add liquidity to `pool`: the gate admits only eligible investors (accredited,
 * past the lockup, registered, not frozen) and refuses adds to a paused pool. Removals are never refused.
 */
export function useAddBlocker(pool: Pool, state: PoolState | undefined): string | undefined {
  const address = useWalletStore((s) => s.address);
  const standing = useEligibility(address);
  const wallet = useSend().blocker;
  if (wallet) return wallet;
  const security = standing.data?.securities.find((s) => s.security === pool.security);
  if (!security) return standing.isError ? 'Your eligibility could not be read. Try again shortly.' : 'Checking your eligibility…';
  if (security.reason !== 'Ok') return `${eligibilitySentence(security.reason, security.until)} Only eligible investors may add liquidity; removing it is always possible.`;
  if (state?.paused) return 'Adding liquidity to this pool is paused by the venue. Removing it is always possible.';
  return undefined;
}

/**
 * True while the positions shown are being read again (a new block, or a transaction just confirmed). A form that
 * bounds a removal by the position's amounts must not send from the previous read: its minimums would be computed
 * from liquidity the position no longer has, and the removal would revert.
 */
export const PositionsRefreshing = createContext(false);

/**
 * Sends PositionManager `modifyLiquidities(unlockData, deadline)` through the shared transaction flow; `busy` while
 * one is under way, `blocker` when nothing can be sent (no wallet, wrong chain, positions still being read again).
 */
export function useModifyLiquidities() {
  const { deployment } = useVenue();
  const { send, busy, blocker: walletBlocker } = useSend();
  const refreshing = useContext(PositionsRefreshing);
  const blocker = walletBlocker ?? (refreshing ? 'Updating the position to the newest block…' : undefined);
  const now = useChainNow();
  const deadlineMinutes = useLiquiditySettings((s) => s.deadlineMinutes);
  const modify = async (title: string, unlockData: Hex) => {
    if (now === undefined) return undefined;
    // The deadline counts from chain time: a transaction mined later than this reverts (DeadlinePassed).
    const deadline = BigInt(now + deadlineMinutes * 60);
    return send(title, deployment.positionManager, encodeFunctionData({ abi: positionManagerAbi, functionName: 'modifyLiquidities', args: [unlockData, deadline] }));
  };
  return { modify, busy, blocker };
}

/** The last defined value: a block whose read failed keeps showing the previous block's instead of a blank form. */
export function useLatest<T>(value: T | undefined): T | undefined {
  const ref = useRef(value);
  if (value !== undefined) ref.current = value;
  return ref.current;
}
