/**
 * The investor's home page: what the identity holds of each security (every wallet of it, and the shares under its
 * liquidity positions) at the pool's mid, its cost basis and P&L from its own trades (keepers' API), and what still
 * restricts it (standing, lockup, lots). Holdings are chain reads: they show when the API is down or signed out.
 */
import type { Pool } from '../../../../sdk/manifest.ts';
import { Panel, Skeleton, Stat, Unavailable } from '../../app/ui.tsx';
import { useChainNow, useToken, useVenue } from '../../app/venue.tsx';
import { isAccessError } from '../../lib/api.ts';
import { formatAmount, formatDate, shortAddress } from '../../lib/amount.ts';
import { explainError } from '../../lib/revert.ts';
import { useWalletStore } from '../../wallet/store.ts';
import { standingChip } from '../eligibility/logic.ts';
import { useEligibility, type SecurityStanding } from '../eligibility/useEligibility.ts';
import { formatFixed } from '../market/logic.ts';
import { averageCost, costBasis, holdingOf, lockupSentence, lotRows, midPrice, pnlTone, unrealized, type Basis } from './logic.ts';
import { History, Statements } from './History.tsx';
import { usePortfolioChain, useMyTrades, type PortfolioChain, type SecurityChain } from './queries.ts';
import './portfolio.css';

const SHARE_DECIMALS = 18;

const symbolOf = (pool: Pool) => pool.name.split('/')[0];
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const securityIs0 = (pool: Pool) => pool.currency0.toLowerCase() === pool.security.toLowerCase();

export default function PortfolioPage() {
  const address = useWalletStore((s) => s.address);
  const chain = usePortfolioChain(address);
  if (!address) return <p className="muted">Connect a wallet to see your portfolio.</p>;
  if (chain.isError && !chain.data) return <p className="blocker" role="alert">Your holdings could not be read from the chain: {explainError(chain.error)}</p>;
  if (!chain.data) return <Skeleton lines={6} label="Loading your portfolio" />;
  return (
    <div className="portfolio" data-testid="portfolio">
      <Holdings chain={chain.data} />
      <ProfitAndLoss chain={chain.data} />
      <Restrictions chain={chain.data} />
      <History wallets={chain.data.wallets} />
      <Statements />
    </div>
  );
}

/** A stablecoin amount (raw) as "1,234.56 dUSD" (6 decimals and dUSD until the token is read). */
function useUsd(): (raw: bigint) => string {
  const { deployment } = useVenue();
  const token = useToken(deployment.stablecoin).data;
  return (raw) => `${formatFixed(raw, token?.decimals ?? 6, 2)} ${token?.symbol ?? 'dUSD'}`;
}

function Holdings({ chain }: { chain: PortfolioChain }) {
  const { deployment } = useVenue();
  const usd = useUsd();
  const rows = deployment.pools.map((pool) => {
    const s = chain.securities.get(pool.poolId)!;
    return { pool, s, holding: holdingOf(pool.security, s.balances, chain.positions, s.state.sqrtPriceX96, securityIs0(pool)) };
  });
  const total = rows.reduce((a, r) => a + r.holding.value, 0n);
  return (
    <Panel title="Holdings">
      <p className="muted pf-note" data-testid="portfolio-wallets">
        {walletsSentence(chain.wallets)} Shares under your liquidity positions count too; all are valued at each pool's mid price.
      </p>
      <div className="pf-total"><Stat label="Total value at mid" value={<span data-testid="portfolio-value">{usd(total)}</span>} /></div>
      <div className="pf-cards">
        {rows.map(({ pool, s, holding }) => (
          <article key={pool.poolId} className="pf-card" data-testid={`holding-${symbolOf(pool)}`} data-total={holding.total.toString()} data-wallets={holding.wallets.toString()} data-positions={holding.inPositions.toString()}>
            <h3>{symbolOf(pool)}</h3>
            <div className="pf-stats">
              <Stat label="In your wallets" value={formatAmount(holding.wallets, SHARE_DECIMALS)} />
              <Stat label={`In ${count(holding.positions, 'position')}`} value={formatAmount(holding.inPositions, SHARE_DECIMALS)} />
              <Stat label="Total shares" value={<span data-testid="holding-total">{formatAmount(holding.total, SHARE_DECIMALS)}</span>} />
              <Stat label="Mid price" value={usd(midPrice(s.state.sqrtPriceX96, securityIs0(pool)))} />
              <Stat label="Value" value={usd(holding.value)} />
            </div>
          </article>
        ))}
      </div>
    </Panel>
  );
}

function walletsSentence(wallets: readonly string[]): string {
  if (wallets.length === 1) return `Your wallet ${shortAddress(wallets[0])}.`;
  return `Your identity's ${wallets.length} wallets: ${wallets.map(shortAddress).join(', ')}.`;
}

function ProfitAndLoss({ chain }: { chain: PortfolioChain }) {
  return (
    <Panel title="Cost basis and P&L">
      <PnlBody chain={chain} {...useMyTrades(chain.wallets)} />
    </Panel>
  );
}

const API_DOWN = (
  <p className="unavailable" role="status" data-testid="pnl-unavailable">
    The keepers' API can't be reached, so your cost basis and P&L can't be computed now. Your holdings above are read from the chain.
  </p>
);

function PnlBody({ chain, signedIn, apiDown, trades }: { chain: PortfolioChain } & ReturnType<typeof useMyTrades>) {
  const { deployment } = useVenue();
  if (!signedIn && apiDown) return API_DOWN;
  if (!signedIn) {
    return (
      <p className="unavailable" role="status" data-testid="pnl-sign-in">
        Sign in to the keepers' API to see your cost basis and P&L: they are computed from your trades, which only you can read there. Your holdings above are read from the chain.
      </p>
    );
  }
  if (trades.isError && !trades.data) {
    if (isAccessError(trades.error)) return <Unavailable what="Your trades" error={trades.error} />;
    return API_DOWN;
  }
  if (!trades.data) return <Skeleton lines={3} label="Loading your trades" />;
  const bases = costBasis(trades.data);
  if (bases.size === 0) return <p className="muted" data-testid="pnl-empty">You have no trades yet: your cost basis and P&L start with your first trade.</p>;
  return (
    <>
      <p className="muted pf-note">
        Average cost from the trades of every wallet of yours, the pool fee included (it is in what a buy paid and taken from what a sell received). Unrealized P&L is the remaining shares at the mid price less their cost.
      </p>
      <div className="pf-cards">
        {deployment.pools.filter((p) => bases.has(p.poolId.toLowerCase())).map((pool) => (
          <PnlCard key={pool.poolId} pool={pool} basis={bases.get(pool.poolId.toLowerCase())!} security={chain.securities.get(pool.poolId)!} />
        ))}
      </div>
    </>
  );
}

function PnlCard({ pool, basis, security }: { pool: Pool; basis: Basis; security: SecurityChain }) {
  const usd = useUsd();
  const average = averageCost(basis);
  const open = unrealized(basis, security.state.sqrtPriceX96, securityIs0(pool));
  return (
    <article className="pf-card" data-testid={`pnl-${symbolOf(pool)}`} data-cost={basis.cost.toString()} data-realized={basis.realized.toString()} data-quantity={basis.quantity.toString()}>
      <h3>{symbolOf(pool)} <span className="muted pf-count">{count(basis.buys, 'buy')}, {count(basis.sells, 'sell')}</span></h3>
      <div className="pf-stats">
        <Stat label="Shares from trades" value={formatAmount(basis.quantity, SHARE_DECIMALS)} />
        <Stat label="Average cost" value={average === undefined ? 'none held' : usd(average)} />
        <Stat label="Cost basis" value={<span data-testid="pnl-cost">{usd(basis.cost)}</span>} />
        <Stat label="Realized P&L" value={<span data-testid="pnl-realized">{usd(basis.realized)}</span>} tone={pnlTone(basis.realized)} />
        <Stat label="Unrealized P&L" value={usd(open)} tone={pnlTone(open)} />
      </div>
      {basis.uncovered > 0n && (
        <p className="muted pf-note">
          {formatAmount(basis.uncovered, SHARE_DECIMALS)} shares sold were not bought in these trades (issued or received otherwise): their cost is unknown, so their sale is not in the realized P&L.
        </p>
      )}
    </article>
  );
}

function Restrictions({ chain }: { chain: PortfolioChain }) {
  const { deployment } = useVenue();
  const address = useWalletStore((s) => s.address);
  const standing = useEligibility(address);
  const now = useChainNow();
  if (now === undefined) return null;
  return (
    <Panel title="Standing, lockups and lots">
      <div className="pf-cards">
        {deployment.pools.map((pool) => {
          const s = chain.securities.get(pool.poolId)!;
          const sec = standing.data?.securities.find((x) => x.security === pool.security);
          const lots = lotRows(s.lots, now);
          return (
            <article key={pool.poolId} className="pf-card" data-testid={`restrictions-${symbolOf(pool)}`}>
              <h3>{symbolOf(pool)}</h3>
              <p className="pf-line">{standingText(sec, standing.isError)}</p>
              {sec && <p className="pf-line" data-testid="lockup">{lockupSentence(sec.lockupEnd, now, formatDate)}</p>}
              {lots.length === 0 ? (
                <p className="pf-line muted">No shares are held in lots: none wait for a release.</p>
              ) : (
                <ul className="pf-lots" aria-label={`${symbolOf(pool)} lots`}>
                  {lots.map((l, i) => (
                    <li key={i} data-testid="lot">
                      {formatAmount(l.amount, SHARE_DECIMALS)} shares ({l.why}) {l.released ? `released on ${formatDate(l.releaseAt)}` : `locked until ${formatDate(l.releaseAt)}`}
                    </li>
                  ))}
                </ul>
              )}
            </article>
          );
        })}
      </div>
    </Panel>
  );
}

function standingText(sec: SecurityStanding | undefined, failed: boolean): string {
  if (sec) return `Standing: ${standingChip(sec).label}.`;
  if (failed) return 'Your standing could not be read. It is tried again each block.';
  return 'Checking your standing…';
}
