/** Wallet clients, in their own chunk: loaded when a wallet connects, not on the first page load. */
import { createWalletClient, custom, http, type Address, type EIP1193Provider } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { ANVIL_MNEMONIC } from '../../../sdk/local.ts';
import type { Venue } from '../lib/config.ts';

export const injectedClient = (venue: Venue, provider: EIP1193Provider, account: Address) =>
  createWalletClient({ account, chain: venue.chain, transport: custom(provider) });

/** A seeded demo account of the local chain (anvil's public test keys), signing in the page. */
export function devClient(venue: Venue, index: number) {
  const account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index });
  return createWalletClient({ account, chain: venue.chain, transport: http(venue.config.rpcUrl) });
}
