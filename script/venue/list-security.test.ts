import { describe, expect, it } from 'vitest';
import { parseFlags } from './cli.ts';
import { parseListSecurity, securityEntry, withSecurity } from './list-security.ts';

const KEY = `0x${'1'.repeat(64)}`;
const HOLDER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('list-security input', () => {
  it('reads flags, --issue as often as given, into the entry the deploy script reads', () => {
    const input = parseFlags(['--name', 'Acme B', '--symbol', 'ACME-B', '--price', '40', '--lockup-end', '2027-06-30', '--issue', `${HOLDER}=1000`, '--issue', `${HOLDER.toLowerCase()}=5`, '--liquidity-usd', '100000', '--private-key', KEY, '--dry-run']);
    const o = parseListSecurity(input);
    expect(o.dryRun).toBe(true);
    expect(securityEntry(o)).toEqual({
      lockupEnd: Date.UTC(2027, 5, 30) / 1000, name: 'Acme B', priceUsd: 40, symbol: 'ACME-B',
      limits: { maxHolders: 0, maxHolding: 0, maxNonAccredited: 0, minTrade: 0 },
      issuance: [{ amount: 1000, to: HOLDER }, { amount: 5, to: HOLDER }],
      liquidityUsd: 100000,
    });
  });

  it('names an unknown flag, a flag without its value, and a missing signer', () => {
    expect(() => parseFlags(['--nme', 'x'])).toThrow(/^unknown flag --nme: list-security takes --name, /);
    expect(() => parseFlags(['--name', '--symbol', 'X'])).toThrow('--name needs a value');
    expect(() => parseListSecurity(parseFlags(['--name', 'A', '--symbol', 'A', '--price', '1', '--lockup-end', '2027-01-01']))).toThrow(/sign with --private-key 0x… or --account <keystore name>/);
  });

  it('appends to the config, refusing a symbol or a name it already lists', () => {
    const config = JSON.stringify({ seed: false, securities: [{ symbol: 'ACME-A', name: 'Acme A' }] });
    expect(JSON.parse(withSecurity(config, { symbol: 'ACME-B', name: 'Acme B' })).securities.map((s: { symbol: string }) => s.symbol)).toEqual(['ACME-A', 'ACME-B']);
    expect(() => withSecurity(config, { symbol: 'ACME-A', name: 'Other' })).toThrow('list-security: the config already lists ACME-A (Acme A); a security is listed once');
    expect(() => withSecurity(config, { symbol: 'NEW', name: 'Acme A' })).toThrow(/already lists ACME-A/);
  });
});
