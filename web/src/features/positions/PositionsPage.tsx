/**
 * Liquidity positions for LPs: the connected address's PositionManager positions in the venue's pools (amounts and
 * uncollected fees at the newest block), opening a new one, and increase / remove / collect / close on each. Adds
 * are for eligible investors only and wait for the Permit2 approvals; exits are always open.
 */
import { Panel, Skeleton } from '../../app/ui.tsx';
import { explainError } from '../../lib/revert.ts';
import { useWalletStore } from '../../wallet/store.ts';
import { PositionsRefreshing, usePoolTokens } from './hooks.ts';
import { OpenPosition } from './OpenPosition.tsx';
import { PositionCard } from './PositionCard.tsx';
import type { PoolState } from '../../app/pools.ts';
import { usePositions, type Position } from './queries.ts';
import { SettingsDetails } from './SettingsDetails.tsx';
import './positions.css';

export default function PositionsPage() {
  return (
    <div className="lp-layout">
      <SettingsDetails />
      <OpenPosition />
      <PositionsList />
    </div>
  );
}

function PositionsList() {
  const address = useWalletStore((s) => s.address);
  const positions = usePositions(address);
  const count = positions.data?.positions.length;
  return (
    <Panel title={count !== undefined ? `Your positions (${count})` : 'Your positions'} className="lp-list">
      {!address ? (
        <p className="muted">Connect a wallet to see your liquidity positions.</p>
      ) : positions.isError && !positions.data ? (
        <p className="blocker" role="alert">Your positions could not be read: {explainError(positions.error)}</p>
      ) : !positions.data ? (
        <Skeleton lines={5} label="Loading your positions" />
      ) : positions.data.positions.length === 0 ? (
        <p className="muted" data-testid="no-positions">You have no positions in the venue's pools yet. Open one above.</p>
      ) : (
        <PositionsRefreshing.Provider value={positions.isFetching}>
          <div className="lp-cards" data-testid="positions-list">
            {positions.data.positions.map((p) => (
              <CardWithTokens key={p.tokenId.toString()} position={p} state={positions.data.pools.get(p.pool.poolId)!} />
            ))}
          </div>
        </PositionsRefreshing.Provider>
      )}
    </Panel>
  );
}

function CardWithTokens({ position, state }: { position: Position; state: PoolState }) {
  const tokens = usePoolTokens(position.pool);
  if (!tokens) return <Skeleton lines={4} label={`Loading position #${position.tokenId}`} />;
  return <PositionCard position={position} state={state} tokens={tokens} />;
}
