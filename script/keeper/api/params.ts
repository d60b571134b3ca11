/**
 * Query parameters, checked before anything reaches SQL: each route names the parameters it takes, and a value
 * that is not exactly what it should be is a 400 with a sentence naming the parameter. Numbers are plain decimal
 * digits in the column's range (no `1e2`, no `0x10`), text has no control bytes, and no parameter may repeat.
 */
import { getAddress, type Address } from 'viem';
import { HttpError } from './http.ts';

const MAX_VALUE_LENGTH = 256;
/** PostgreSQL's bigint. */
const MAX_BIGINT = 2n ** 63n - 1n;
// C0 controls, DEL and C1 controls: none belongs in an address, an id or a filter.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export class Params {
  private readonly values = new Map<string, string>();

  constructor(search: URLSearchParams, readonly allowed: readonly string[]) {
    for (const [name, value] of search) {
      if (!allowed.includes(name)) {
        throw new HttpError(400, allowed.length === 0 ? `this route takes no parameters (got "${clip(name)}")` : `unknown parameter "${clip(name)}": this route takes ${allowed.join(', ')}`);
      }
      if (this.values.has(name)) throw new HttpError(400, `parameter ${name} is given more than once`);
      if (value.length > MAX_VALUE_LENGTH) throw new HttpError(400, `parameter ${name} is longer than ${MAX_VALUE_LENGTH} characters`);
      if (CONTROL.test(value)) throw new HttpError(400, `parameter ${name} contains a control character`);
      this.values.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** A page size: 1 to `max`, digits only. */
  limit(fallback: number, max: number): number {
    const v = this.values.get('limit');
    if (v === undefined) return fallback;
    if (!/^[1-9]\d{0,5}$/.test(v) || Number(v) > max) throw new HttpError(400, `limit must be a whole number from 1 to ${max} (got "${v}")`);
    return Number(v);
  }

  address(name: string): Address | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new HttpError(400, `${name} must be an address (0x and 40 hex digits)`);
    return getAddress(v.toLowerCase());
  }

  poolId(name = 'pool'): `0x${string}` | undefined {
    return this.bytes32(name, 'a pool id');
  }

  /** 32 bytes in hex (a pool id, a transaction hash), lowercased. */
  bytes32(name: string, what: string): `0x${string}` | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (!/^0x[0-9a-fA-F]{64}$/.test(v)) throw new HttpError(400, `${name} must be ${what} (0x and 64 hex digits)`);
    return v.toLowerCase() as `0x${string}`;
  }

  oneOf<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (!(choices as readonly string[]).includes(v)) throw new HttpError(400, `${name} must be one of ${choices.join(', ')} (got "${clip(v)}")`);
    return v as T;
  }

  /** A non-negative integer that fits PostgreSQL's bigint, as decimal text. */
  uint(name: string): string | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    return uintText(v, name);
  }

  /** Fails unless `name` was given. */
  required<T>(name: string, value: T | undefined, what: string): T {
    if (value === undefined) throw new HttpError(400, `${name} is required (${what})`);
    return value;
  }
}

/** Whether `v` is a non-negative integer in plain digits that fits PostgreSQL's bigint. */
export const isBigintText = (v: string) => /^(0|[1-9]\d{0,18})$/.test(v) && BigInt(v) <= MAX_BIGINT;

export function uintText(v: string, name: string): string {
  if (!isBigintText(v)) throw new HttpError(400, `${name} must be a whole number from 0 to ${MAX_BIGINT}`);
  return v;
}

const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s).replace(new RegExp(CONTROL.source, 'g'), '?');
