/** The keepers' cap table (`GET /cap-table`), as the API sends it: amounts are exact decimal strings of shares. */
import type { Address } from 'viem';

export interface CapTableRow {
  /** The identity id, as a decimal string. */
  identity: string;
  accredited: boolean;
  wallets: { address: Address; balance: string; linked: boolean }[];
  /** Shares in the identity's wallets. */
  inWallets: string;
  /** Shares under the gated positions the identity deposited, at the block's price. */
  inPositions: string;
  total: string;
  /** The most shares the identity's open positions could still come to hold: reserved against its maximum holding. */
  reserved: string;
  /** Shares locked in lots now, and the identity's lots (released ones included until its next move drops them). */
  locked: string;
  lots: { amount: string; releaseAt: number; kind: 'issuance' | 'affiliate sale' | 'freeze' }[];
  /** total / supply, in percent. */
  concentrationPct: number;
  /** A holder of record in the token's book: shares in a wallet, or a position that could come to hold some. */
  holderOfRecord: boolean;
}

export interface CapTable {
  security: Address;
  block: string;
  supply: string;
  /** The token's live count, and its caps (0: none). */
  holders: number;
  nonAccredited: number;
  limits: { maxHolders: number; maxNonAccredited: number; maxHolding: string; minTrade: string };
  rows: CapTableRow[];
}
