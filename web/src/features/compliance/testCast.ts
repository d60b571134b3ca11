/** The demo cast's wallets (anvil's test accounts) and the chain time the desk's unit tests run at. */
import type { Address } from 'viem';

// Chain time of the tests: 2026-07-01 12:00 UTC.
export const NOW = Date.UTC(2026, 6, 1, 12) / 1000;
export const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as Address;
export const COLD = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720' as Address;
export const BOB = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as Address;
export const CAROL = '0x90F79bf6EB2c4f870365E785982E1f101E93b906' as Address;
export const DAVE = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65' as Address;
export const EVE = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc' as Address;
