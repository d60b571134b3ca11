/** The local development chain (anvil), shared by `npm start`, the tests and the dashboard's dev accounts. */
export const LOCAL_CHAIN_ID = 31337;
/** anvil's well-known development mnemonic: its accounts are public test keys, never for real funds. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
