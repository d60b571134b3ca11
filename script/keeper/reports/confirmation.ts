/**
 * A trade confirmation: what SEC Rule 10b-10 asks a confirmation to disclose, for one trade in the ledger. The venue's
 * name, the date and time, the investor (identity, legal name where the venue holds one, wallet), the security (name,
 * symbol, identifier), side, quantity and price, the pool fee (the only charge; it goes to the pool's liquidity
 * providers, the venue takes none), the capacity in which the venue acted and who the counterparty was, the settlement
 * (transaction, block, whether final), and that the venue is not a SIPC member. As JSON, a self-contained HTML page,
 * or a PDF.
 */
import { formatUnits as viemFormatUnits, type Address, type Hex, type PublicClient } from 'viem';
import { investorRegistryAbi } from '../../../sdk/abis/generated.ts';
import type { Deployment } from '../../../sdk/manifest.ts';
import { readProfile } from '../investors/profiles.ts';
import type { Ledger } from '../ledger/db.ts';
import { renderPdf } from './pdf.ts';
import { escapeHtml, formatUnits, securityNames, SHARE_DECIMALS, STABLE_DECIMALS } from './reports.ts';

export interface Confirmation {
  venue: string;
  /** The confirmation's number: the settlement transaction and the swap's log index in it. */
  number: string;
  generatedAt: string;
  tradeTime: string;
  investor: { wallet: Address; identity: string | null; legalName: string | null };
  security: { address: Address; name: string; symbol: string; chainId: number };
  side: 'buy' | 'sell';
  /** Shares, with their decimals. */
  quantity: string;
  /** Stablecoin per share. */
  price: string;
  /** What the investor paid (buy) or received (sell), in stablecoin, the pool fee included. */
  grossAmount: string;
  stablecoin: Address;
  fee: { rate: string; amount: string; currency: 'stablecoin' | 'shares'; paidTo: string };
  capacity: string;
  counterparty: string;
  settlement: { txHash: Hex; blockNumber: number; blockHash: Hex; status: 'pending' | 'final'; finality: string };
  sipc: string;
}

export class TradeNotFoundError extends Error {}
export class TradeVoidedError extends Error {}

interface TradeRow {
  tx_hash: Hex;
  log_index: number;
  pool_id: Hex;
  pool_name: string;
  security: Address;
  investor: Address;
  side: 'buy' | 'sell';
  security_amount: string;
  stable_amount: string;
  price: string;
  fee_pips: number;
  fee_amount: string;
  block_number: string;
  block_hash: Hex;
  block_time: string;
  status: 'pending' | 'final' | 'voided';
}

/** The trade's row, if the ledger has it: for access checks before a confirmation is built. */
export async function confirmationTrade(ledger: Pick<Ledger, 'query'>, chainId: number, txHash: Hex, logIndex: number): Promise<{ investor: Address } | undefined> {
  // Hashes are stored as the node gives them, lowercase: the primary key finds the row.
  const [row] = await ledger.query<{ investor: Address }>('select investor from trades where chain_id = $1 and tx_hash = $2 and log_index = $3', [chainId, txHash.toLowerCase(), logIndex]);
  return row;
}

export interface ConfirmationParameters {
  ledger: Pick<Ledger, 'query'>;
  client: Pick<PublicClient, 'readContract'>;
  deployment: Deployment;
  txHash: Hex;
  logIndex: number;
  /** Blocks after which a trade is final (ACCREDEX_CONFIRMATIONS). */
  confirmations: number;
  venue?: string;
  now?: Date;
}

export async function tradeConfirmation(p: ConfirmationParameters): Promise<Confirmation> {
  const d = p.deployment;
  const [t] = await p.ledger.query<TradeRow>(
    `select tx_hash, log_index, pool_id, pool_name, security, investor, side, security_amount::text, stable_amount::text, price::text,
       fee_pips, fee_amount::text, block_number::text, block_hash, block_time::text, status
     from trades where chain_id = $1 and tx_hash = $2 and log_index = $3`,
    [d.chainId, p.txHash.toLowerCase(), p.logIndex],
  );
  if (!t) throw new TradeNotFoundError(`no trade ${p.txHash} (log ${p.logIndex}) in the ledger`);
  if (t.status === 'voided') throw new TradeVoidedError(`trade ${p.txHash} (log ${p.logIndex}) was voided (its block left the chain in a reorganization): it has no confirmation`);
  const investorAt = (blockNumber?: bigint) => p.client.readContract({ address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'investor', args: [t.investor], blockNumber });
  const [names, record] = await Promise.all([
    securityNames(p.client, [t.security]),
    // The identity at the trade's block; a node keeps old states for a while only, so past that, the identity now
    // (a wallet's identity changes only if an officer relinks it).
    investorAt(BigInt(t.block_number)).catch(() => investorAt()),
  ]);
  const identity = record.identity === 0n ? null : record.identity.toString();
  const profile = identity ? await readProfile(p.ledger, d.chainId, identity) : undefined;
  const token = names[t.security.toLowerCase()];
  const buy = t.side === 'buy';
  const venue = p.venue ?? 'Accredex';
  return {
    venue,
    number: `${t.tx_hash}-${t.log_index}`,
    generatedAt: (p.now ?? new Date()).toISOString(),
    tradeTime: new Date(Number(t.block_time) * 1000).toISOString(),
    investor: { wallet: t.investor, identity, legalName: profile?.legalName ?? null },
    security: { address: t.security, name: token.name, symbol: token.symbol, chainId: d.chainId },
    side: t.side,
    quantity: formatUnits(t.security_amount, SHARE_DECIMALS),
    price: t.price,
    grossAmount: formatUnits(t.stable_amount, STABLE_DECIMALS),
    stablecoin: d.stablecoin,
    fee: {
      // fee_pips are millionths: 3000 is 0.30%.
      rate: `${viemFormatUnits(BigInt(t.fee_pips), 4)}%`,
      amount: formatUnits(t.fee_amount, buy ? STABLE_DECIMALS : SHARE_DECIMALS),
      currency: buy ? 'stablecoin' : 'shares',
      paidTo: `the liquidity providers of pool ${t.pool_name}; ${venue} charged no commission or other remuneration`,
    },
    capacity: `${venue} acted as agent, operating an alternative trading system; it did not trade for its own account`,
    counterparty: `the liquidity pool ${t.pool_name} (Uniswap v4 pool ${t.pool_id}); the liquidity providers whose positions filled the trade will be named on written request`,
    settlement: {
      txHash: t.tx_hash,
      blockNumber: Number(t.block_number),
      blockHash: t.block_hash,
      status: t.status,
      finality: t.status === 'final' ? `final: settled atomically on chain and confirmed by ${p.confirmations} blocks` : `pending: settled on chain, final after ${p.confirmations} blocks`,
    },
    sipc: `${venue} is not a member of the Securities Investor Protection Corporation (SIPC). Securities held in your own wallet are not protected by SIPC.`,
  };
}

/** The confirmation's fields, labelled, in the order every format shows them. */
function fields(c: Confirmation): [label: string, value: string][] {
  const who = [c.investor.legalName, c.investor.identity ? `identity ${c.investor.identity}` : 'no identity on record', `wallet ${c.investor.wallet}`].filter(Boolean).join(', ');
  return [
    ['Confirmation number', c.number],
    ['Trade date and time (UTC)', c.tradeTime],
    ['Investor', who],
    ['Security', `${c.security.name} (${c.security.symbol})`],
    ['Security identifier', `token ${c.security.address} on chain ${c.security.chainId}`],
    ['Side', c.side === 'buy' ? 'Bought' : 'Sold'],
    ['Quantity', `${c.quantity} shares`],
    ['Price', `${c.price} stablecoin per share`],
    [c.side === 'buy' ? 'Total paid' : 'Total received', `${c.grossAmount} stablecoin (pool fee included)`],
    ['Pool fee (remuneration)', `${c.fee.rate}: ${c.fee.amount} ${c.fee.currency}, paid to ${c.fee.paidTo}`],
    ['Capacity', c.capacity],
    ['Counterparty', c.counterparty],
    ['Settlement transaction', c.settlement.txHash],
    ['Settlement block', `${c.settlement.blockNumber} (${c.settlement.blockHash})`],
    ['Status', c.settlement.finality],
  ];
}

const title = (c: Confirmation) => `${c.venue} trade confirmation ${c.number}`;

export function confirmationHtml(c: Confirmation): string {
  const rows = fields(c).map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title(c))}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:52rem}table{border-collapse:collapse}th,td{border-bottom:1px solid #ddd;padding:.35rem .6rem;text-align:left;vertical-align:top}th{white-space:nowrap}td{word-break:break-all}p{color:#444}</style></head>
<body><h1>${escapeHtml(c.venue)}: trade confirmation</h1><table>${rows}</table>
<p data-field="sipc">${escapeHtml(c.sipc)}</p><p>Generated ${escapeHtml(c.generatedAt)}. Keep this confirmation for your records.</p></body></html>\n`;
}

export function confirmationPdf(c: Confirmation): Uint8Array {
  return renderPdf({
    title: title(c),
    createdAt: new Date(c.generatedAt),
    lines: [
      { text: `${c.venue}: trade confirmation`, size: 16, bold: true },
      ...fields(c).flatMap(([k, v]) => [{ text: k, bold: true, space: 6 }, { text: v }]),
      { text: c.sipc, space: 14 },
      { text: `Generated ${c.generatedAt}. Keep this confirmation for your records.`, size: 8, space: 6 },
    ],
  });
}
