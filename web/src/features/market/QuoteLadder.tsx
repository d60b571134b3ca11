/** The quote keeper's ladder: what buying or selling each size would do at the board's block, and its V4Quoter check. */
import { Panel, Skeleton, Unavailable } from '../../app/ui.tsx';
import { formatAmount } from '../../lib/amount.ts';
import { formatCompact, type BoardFill, type QuoteBoard } from './logic.ts';

interface Props {
  board: QuoteBoard | null | undefined;
  loading: boolean;
  unavailable: boolean;
  /** Why it is unavailable, if the API said (a 401 asks to sign in). */
  error?: unknown;
  head: bigint | undefined;
  securitySymbol: string;
  /** The board's amounts are raw units of the two tokens. */
  stableDecimals: number;
  securityDecimals: number;
}

/** A board more than this many blocks behind the head is flagged: the keeper may be stuck. */
const STALE_BLOCKS = 5n;

/** One side's three cells; each carries its label, which a phone shows above the value (the header is hidden there). */
function Fill({ fill, decimals, side }: { fill: BoardFill | null; decimals: number; side: 'Buy' | 'Sell' }) {
  if (!fill) return <td colSpan={3} className="muted num span-side" data-label={side}>not enough liquidity</td>;
  const impact = fill.impactBps / 100;
  return (
    <>
      <td className="num" data-label={`${side}: shares`}>{formatAmount(fill.shares, decimals, 4)}</td>
      <td className="num" data-label="Avg price">{Number(fill.price).toFixed(4)}</td>
      <td className={`num ${impact >= 3 ? 'bad' : impact >= 1 ? 'warn' : ''}`} data-label="Impact">{impact.toFixed(2)}%</td>
    </>
  );
}

function CrossCheck({ check }: { check: QuoteBoard['crossCheck'] }) {
  if (!check.checked) return <span className="tag warn">not checked</span>;
  const title = `This block's V4Quoter answer: ${check.v4Quoter ?? '?'} raw shares`;
  return check.ok ? <span className="tag good" title={title}>✓ V4Quoter</span> : <span className="tag bad" title={title}>✗ V4Quoter mismatch</span>;
}

export function QuoteLadder({ board, loading, unavailable, error, head, securitySymbol, stableDecimals, securityDecimals }: Props) {
  const stale = board && head !== undefined && head - board.blockNumber > STALE_BLOCKS;
  return (
    <Panel
      title="Quote ladder"
      actions={board ? <span className={`tag ${stale ? 'warn' : ''}`} data-testid="ladder-block">block {board.blockNumber.toString()}{stale ? ' (stale)' : ''}</span> : undefined}
    >
      {unavailable ? (
        <Unavailable what="The quote ladder" error={error} />
      ) : loading || board === undefined ? (
        <Skeleton lines={5} label="Loading the quote ladder" />
      ) : board === null ? (
        <p className="muted">The quote keeper hasn't quoted this pool yet.</p>
      ) : (
        <>
          <div className="table-scroll">
          <table className="ladder" data-testid="quote-ladder">
            <thead>
              <tr>
                <th rowSpan={2}>Size (dUSD)</th>
                <th colSpan={3} className="num">Buy {securitySymbol}</th>
                <th colSpan={3} className="num">Sell {securitySymbol}</th>
                <th rowSpan={2}>Check</th>
              </tr>
              <tr>
                <th className="num">Shares</th>
                <th className="num">Avg price</th>
                <th className="num">Impact</th>
                <th className="num">Shares</th>
                <th className="num">Avg price</th>
                <th className="num">Impact</th>
              </tr>
            </thead>
            <tbody>
              {board.ladder.map((rung) => (
                <tr key={rung.size} data-testid="ladder-row">
                  <td className="rung-size" data-label="Size (dUSD)">{rung.size.toLocaleString('en-US')}</td>
                  <Fill fill={rung.buy} decimals={securityDecimals} side="Buy" />
                  <Fill fill={rung.sell} decimals={securityDecimals} side="Sell" />
                  <td className="rung-check" data-label="Check">{rung.size === board.crossCheck.size ? <CrossCheck check={board.crossCheck} /> : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
          <p className="muted small" data-testid="ladder-caption">
            Mid {Number(board.mid).toFixed(4)} dUSD at block {board.blockNumber.toString()}. Each row is exactly what that swap would do in that
            block; the {board.crossCheck.size.toLocaleString('en-US')} dUSD buy is checked against V4Quoter every block.
            Keeper depth: +1% takes {formatCompact(Number(board.depth.up1) / 10 ** stableDecimals)} dUSD, +5% {formatCompact(Number(board.depth.up5) / 10 ** stableDecimals)} dUSD;
            −1% takes {formatAmount(board.depth.down1, securityDecimals, 2)} shares, −5% {formatAmount(board.depth.down5, securityDecimals, 2)}.
          </p>
        </>
      )}
    </Panel>
  );
}
