/**
 * Which JSON-RPC calls change the chain (and so go through the journal), which the durable chain refuses, and where a
 * read names a block. One table for the front, the replay and the tests.
 */

/** Calls that change the chain or the node's settings: journaled, executed one at a time, answered once durable. */
export function isMutation(method: string): boolean {
  if (SEND_METHODS.has(method)) return true;
  if (READ_ONLY_NODE_METHODS.has(method)) return false;
  return /^(anvil|evm|hardhat|wallet)_/.test(method);
}

/** Transaction submissions, each with the variant that waits for the receipt. */
export const SEND_METHODS = new Set([
  'eth_sendRawTransaction',
  'eth_sendRawTransactionSync',
  'eth_sendTransaction',
  'eth_sendTransactionSync',
]);

/** anvil_ / evm_ / hardhat_ / wallet_ calls that only read. */
const READ_ONLY_NODE_METHODS = new Set([
  'anvil_nodeInfo',
  'anvil_metadata',
  'anvil_getAutomine',
  'anvil_getIntervalMining',
  'anvil_dumpState',
  'anvil_getBlobByHash',
  'anvil_getBlobsByTransactionHash',
  'hardhat_metadata',
  'hardhat_getAutomine',
  'wallet_getCapabilities',
]);

/**
 * Calls the durable chain refuses, with the reason the client is told. Each would make a chain its journal could
 * not give back: blocks no call asked for, a state from elsewhere, or time running backwards.
 */
export function refusal(method: string, params: unknown[], chain: { headTimestamp: number }): string | undefined {
  switch (method) {
    case 'evm_setIntervalMining':
    case 'anvil_setIntervalMining':
      if (Number(params[0] ?? 0) === 0) return undefined;
      return `${method}: the durable chain mines when a call asks it to (automine, evm_mine); interval mining would make blocks no call asked for, which its journal could not replay`;
    case 'anvil_reset':
    case 'hardhat_reset':
    case 'anvil_setRpcUrl':
      return `${method}: the durable chain keeps its whole history; to start over, stop the venue and run npm run reset`;
    case 'anvil_loadState':
      return `${method}: the durable chain's state comes from its journal only; to start over, stop the venue and run npm run reset`;
    case 'evm_setTime':
    case 'anvil_setTime': {
      const t = Number(params[0]);
      if (Number.isFinite(t) && t < chain.headTimestamp) {
        return `${method}(${params[0]}): time on the venue's chain only moves forward, and the newest block is at ${chain.headTimestamp}; lockups and expiries must never see it run backwards`;
      }
      return undefined;
    }
    case 'evm_increaseTime':
    case 'anvil_increaseTime':
      if (Number(params[0]) < 0) return `${method}(${params[0]}): time on the venue's chain only moves forward`;
      return undefined;
    default:
      return undefined;
  }
}

/** How many blocks a rewinding call removes from a chain at `head`, if it is one (evm_revert is looked up apart). */
export function rewindDepth(method: string, params: unknown[]): number | undefined {
  if (method === 'anvil_rollback') return params[0] === undefined || params[0] === null ? 1 : Number(params[0]);
  if (method === 'anvil_reorg') return Number((params[0] as { depth?: unknown } | undefined)?.depth ?? params[0]);
  return undefined;
}

/** Block-producing calls that a replay runs block by block (each pinned to its recorded time). */
export const MINE_METHODS = new Set(['evm_mine', 'anvil_mine', 'hardhat_mine']);

/**
 * The node settings a snapshot (anvil_dumpState) does not carry but later blocks depend on, kept by replaying the
 * calls that change them, and applied again to an anvil started from a snapshot.
 */
export interface NodeSettings {
  automine: boolean;
  impersonated: string[];
  autoImpersonate: boolean;
  blockTimestampInterval?: number;
  minGasPrice?: string;
  coinbase?: string;
  chainId?: number;
}

export const defaultSettings = (): NodeSettings => ({ automine: true, impersonated: [], autoImpersonate: false });

/** The settings after `method(params)` succeeded. */
export function nextSettings(s: NodeSettings, method: string, params: unknown[]): NodeSettings {
  const name = method.replace(/^(hardhat|evm)_/, 'anvil_');
  switch (name) {
    case 'anvil_setAutomine':
      return { ...s, automine: Boolean(params[0]) };
    case 'anvil_impersonateAccount':
      return { ...s, impersonated: [...new Set([...s.impersonated, String(params[0]).toLowerCase()])] };
    case 'anvil_stopImpersonatingAccount':
      return { ...s, impersonated: s.impersonated.filter((a) => a !== String(params[0]).toLowerCase()) };
    case 'anvil_autoImpersonateAccount':
      return { ...s, autoImpersonate: Boolean(params[0]) };
    case 'anvil_setBlockTimestampInterval':
      return { ...s, blockTimestampInterval: Number(params[0]) };
    case 'anvil_removeBlockTimestampInterval':
      return { ...s, blockTimestampInterval: undefined };
    case 'anvil_setMinGasPrice':
      return { ...s, minGasPrice: String(params[0]) };
    case 'anvil_setCoinbase':
      return { ...s, coinbase: String(params[0]) };
    case 'anvil_setChainId':
      return { ...s, chainId: Number(params[0]) };
    default:
      return s;
  }
}

/** The calls that put `s` on a node started with the defaults. */
export function settingsCalls(s: NodeSettings): [string, unknown[]][] {
  const calls: [string, unknown[]][] = [];
  if (!s.automine) calls.push(['evm_setAutomine', [false]]);
  for (const a of s.impersonated) calls.push(['anvil_impersonateAccount', [a]]);
  if (s.autoImpersonate) calls.push(['anvil_autoImpersonateAccount', [true]]);
  if (s.blockTimestampInterval !== undefined) calls.push(['anvil_setBlockTimestampInterval', [s.blockTimestampInterval]]);
  if (s.minGasPrice !== undefined) calls.push(['anvil_setMinGasPrice', [s.minGasPrice]]);
  if (s.coinbase !== undefined) calls.push(['anvil_setCoinbase', [s.coinbase]]);
  if (s.chainId !== undefined) calls.push(['anvil_setChainId', [s.chainId]]);
  return calls;
}

/** One-shot settings that the next block consumes: a snapshot may not be cut while one is waiting. */
export const ONE_SHOT_METHODS = new Set(['anvil_setNextBlockBaseFeePerGas', 'evm_setNextBlockTimestamp', 'anvil_setNextBlockTimestamp']);

/**
 * Where a read names its block, by method: the index of the block parameter. A missing parameter means "latest".
 * The front pins "latest" to the newest durable block while a newer block is still being committed.
 */
export const BLOCK_PARAM: Record<string, number> = {
  eth_call: 1,
  eth_estimateGas: 1,
  eth_createAccessList: 1,
  eth_getBalance: 1,
  eth_getCode: 1,
  eth_getStorageAt: 2,
  eth_getTransactionCount: 1,
  eth_getProof: 2,
  eth_getAccount: 1,
  eth_simulateV1: 1,
  debug_traceCall: 1,
  eth_getBlockByNumber: 0,
  eth_getBlockReceipts: 0,
  eth_getBlockTransactionCountByNumber: 0,
  eth_getTransactionByBlockNumberAndIndex: 0,
  eth_getUncleCountByBlockNumber: 0,
};

/** Reads answered from the history (the archive, for blocks a restarted anvil no longer holds). */
export const HISTORY_METHODS = new Set([
  'eth_getLogs',
  'eth_getBlockByNumber',
  'eth_getBlockByHash',
  'eth_getBlockReceipts',
  'eth_getBlockTransactionCountByNumber',
  'eth_getBlockTransactionCountByHash',
  'eth_getTransactionByHash',
  'eth_getTransactionReceipt',
  'eth_getTransactionByBlockNumberAndIndex',
  'eth_getTransactionByBlockHashAndIndex',
  'eth_getRawTransactionByHash',
]);
