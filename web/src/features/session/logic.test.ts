import { describe, expect, it } from 'vitest';
import { counterpartyLabel, isOfficerSession, parseSession, signInState, type SessionInfo } from './logic.ts';

const alice = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as const;
const bob = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as const;
const session = (address: `0x${string}`, officerRoles: string[] = []): SessionInfo => ({ address, expiresAt: '2026-12-02T00:00:00.000Z', officerRoles, investor: officerRoles.length === 0 });

describe('session', () => {
  it('parses what /auth/session answers and refuses anything else', () => {
    expect(parseSession({ address: alice, expiresAt: 'x', officerRoles: ['compliance'], investor: false })).toEqual({ address: alice, expiresAt: 'x', officerRoles: ['compliance'], investor: false });
    expect(parseSession({ address: 'alice', expiresAt: 'x', officerRoles: [], investor: true })).toBeUndefined();
    expect(parseSession({ address: alice, expiresAt: 'x', officerRoles: [1], investor: true })).toBeUndefined();
    expect(parseSession(null)).toBeUndefined();
  });

  it('asks to sign in again when the wallet switches accounts, comparing addresses case-insensitively', () => {
    expect(signInState(undefined, session(alice))).toBe('no-wallet');
    expect(signInState(alice, null)).toBe('signed-out');
    expect(signInState(alice, undefined)).toBe('signed-out');
    expect(signInState(bob, session(alice))).toBe('switched');
    expect(signInState(alice.toLowerCase() as `0x${string}`, session(alice))).toBe('signed-in');
  });

  it('knows officers by their roles', () => {
    expect(isOfficerSession(session(alice, ['compliance']))).toBe(true);
    expect(isOfficerSession(session(alice))).toBe(false);
    expect(isOfficerSession(null)).toBe(false);
  });

  it('names the viewer "you" and nobody else unless the API named them', () => {
    const short = (a: string) => a.slice(0, 6);
    expect(counterpartyLabel({ mine: true, investor: alice }, short)).toBe('you');
    expect(counterpartyLabel({ mine: false, investor: bob }, short)).toBe('0x3C44');
    expect(counterpartyLabel({ mine: false }, short)).toBe('—');
  });
});
