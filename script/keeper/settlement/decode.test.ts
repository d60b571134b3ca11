/**
 * The hand-written decoder of the hot events (Swap, ModifyLiquidity, the gate's investor events) against viem's ABI
 * decoder, on random values that reach the edges of every field's type.
 */
import { decodeEventLog, encodeAbiParameters, encodeEventTopics, getAddress, toHex, type Abi, type AbiEvent, type AbiParameter, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { gateHookAbi, investorRegistryAbi, poolManagerAbi } from '../../../sdk/abis/generated.ts';
import { seededRandom } from '../../venue/fixtures.ts';
import { decodeLog, jsonSafe, type RpcLog } from './decode.ts';

const random = seededRandom(7);
const randomBytes = (n: number): Hex => toHex(Uint8Array.from({ length: n }, () => Math.floor(random() * 256)));

/** A random value of a Solidity type (arrays and structs included), a fifth of the time at one of its extremes. */
function randomValue(param: AbiParameter): unknown {
  const { type } = param;
  if (type.endsWith('[]')) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue({ ...param, type: type.slice(0, -2) }));
  if (type === 'tuple') {
    const { components } = param as AbiParameter & { components: readonly AbiParameter[] };
    return Object.fromEntries(components.map((c) => [c.name!, randomValue(c)]));
  }
  if (type === 'address') return getAddress(randomBytes(20));
  if (type === 'bytes32') return randomBytes(32);
  if (type === 'bool') return random() < 0.5;
  const [, signed, bitsText] = /^(u?)int(\d+)$/.exec(type)!;
  const bits = BigInt(bitsText);
  const isSigned = signed === '';
  const min = isSigned ? -(1n << (bits - 1n)) : 0n;
  const max = isSigned ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  const edge = random();
  if (edge < 0.07) return bits <= 48n ? Number(min) : min;
  if (edge < 0.14) return bits <= 48n ? Number(max) : max;
  if (edge < 0.2) return bits <= 48n ? 0 : 0n;
  const raw = BigInt(randomBytes(Number(bits / 8n)));
  const value = isSigned ? BigInt.asIntN(Number(bits), raw) : raw;
  return bits <= 48n ? Number(value) : value;
}

/** A log of `event` with random arguments, as eth_getLogs would return it. */
function randomLog(event: AbiEvent): RpcLog {
  const args = Object.fromEntries(event.inputs.map((input) => [input.name!, randomValue(input)]));
  const topics = encodeEventTopics({ abi: [event], eventName: event.name, args } as never) as Hex[];
  const unindexed = event.inputs.filter((input) => !input.indexed);
  return {
    address: getAddress(randomBytes(20)),
    topics,
    data: encodeAbiParameters(unindexed, unindexed.map((input) => args[input.name!])),
    blockNumber: '0x1',
    blockHash: randomBytes(32),
    transactionHash: randomBytes(32),
    logIndex: '0x0',
  };
}

const eventsOf = (abi: Abi) => abi.filter((item): item is AbiEvent => item.type === 'event');
const HOT = ['Swap', 'ModifyLiquidity', 'InvestorSwap', 'InvestorLiquidityAdded', 'InvestorLiquidityRemoved'];
const events = eventsOf([...poolManagerAbi, ...gateHookAbi]).filter((e) => HOT.includes(e.name));

describe('decodeLog', () => {
  it('covers every hot event', () => {
    expect(events.map((e) => e.name).sort()).toEqual(['InvestorLiquidityAdded', 'InvestorLiquidityRemoved', 'InvestorSwap', 'ModifyLiquidity', 'Swap']);
  });

  for (const event of events) {
    it(`test_fuzz_decodeLog_equalsViem_${event.name}`, () => {
      for (let i = 0; i < 500; i++) {
        const log = randomLog(event);
        const viem = decodeEventLog({ abi: [event] as Abi, topics: log.topics as [Hex, ...Hex[]], data: log.data, strict: true });
        expect(decodeLog(log)).toEqual({ name: viem.eventName, args: viem.args });
      }
    });
  }

  it('decodes the registry events through the ABI, as viem does', () => {
    for (const event of eventsOf(investorRegistryAbi)) {
      const log = randomLog(event);
      const viem = decodeEventLog({ abi: [event] as Abi, topics: log.topics as [Hex, ...Hex[]], data: log.data, strict: true });
      expect(decodeLog(log)).toEqual({ name: viem.eventName, args: viem.args });
    }
  });

  it('refuses an event the keeper does not read', () => {
    const paused = randomLog(eventsOf(gateHookAbi).find((e) => e.name === 'PoolPausedSet')!);
    expect(() => decodeLog(paused)).toThrow(/signature/i);
  });

  it("stores a security's struct arguments (LimitsSet) as JSON, bigints as decimal strings at any depth", () => {
    const args = { limits: { maxHolding: 10n ** 30n, minTrade: 0n, maxHolders: 100, maxNonAccredited: 0 }, officer: '0x01', codes: [1n, 2n] };
    expect(JSON.parse(JSON.stringify(jsonSafe(args)))).toEqual({
      limits: { maxHolding: '1000000000000000000000000000000', minTrade: '0', maxHolders: 100, maxNonAccredited: 0 },
      officer: '0x01',
      codes: ['1', '2'],
    });
  });
});
