import { decodeFunctionData, zeroAddress, type Address, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { investorRegistryAbi } from '../../../../sdk/abis/generated.ts';
import type { RegistryEvent } from './logic.ts';
import { adminTransferStep, checkRoleChange, roleHolders } from './roles.ts';

const ids = { compliance: `0x${'11'.repeat(32)}`, pauser: `0x${'22'.repeat(32)}`, issuer: `0x${'33'.repeat(32)}`, admin: `0x${'00'.repeat(32)}` } as Record<string, Hex> as never;
const A = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as Address;
const B = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as Address;
const ev = (name: string, role: string, account: string, blockNumber: bigint, logIndex = 0): RegistryEvent => ({ name, args: { role, account, sender: A }, blockNumber, logIndex, txHash: '0x' });
const names = (a: Address) => (a === A ? 'alice' : a === B ? 'bob' : a);

describe('roles', () => {
  it('folds grants and revocations in chain order, whatever order they arrive in', () => {
    const events = [ev('RoleRevoked', `0x${'11'.repeat(32)}`, A, 5n), ev('RoleGranted', `0x${'11'.repeat(32)}`, A.toLowerCase(), 2n), ev('RoleGranted', `0x${'11'.repeat(32)}`, B, 3n), ev('RoleGranted', `0x${'22'.repeat(32)}`, A, 4n), ev('RoleGranted', `0x${'00'.repeat(32)}`, B, 1n)];
    expect(roleHolders(events, ids)).toEqual({ compliance: [B], pauser: [A], issuer: [], admin: [B] });
  });

  it('checks a grant or revocation and says what it does, naming the last compliance officer', () => {
    const holders = { compliance: [B], pauser: [], issuer: [] };
    const grant = checkRoleChange({ action: 'grant', role: 'pauser', account: ` ${A.toLowerCase()} ` }, holders, ids, names);
    expect(grant.plan?.title).toBe('Grant Pauser: alice');
    expect(grant.plan?.confirm).toBe(`Give alice (${A}) the Pauser role: it may pause and unpause gated pools, from the next block.`);
    expect(decodeFunctionData({ abi: investorRegistryAbi, data: grant.plan!.data })).toEqual({ functionName: 'grantRole', args: [`0x${'22'.repeat(32)}`, A] });
    const revoke = checkRoleChange({ action: 'revoke', role: 'compliance', account: B }, holders, ids, names);
    expect(revoke.plan?.confirm).toMatch(/No compliance officer will be left\.$/);
    expect(decodeFunctionData({ abi: investorRegistryAbi, data: revoke.plan!.data }).functionName).toBe('revokeRole');
  });

  it('refuses what would change nothing or cannot be sent', () => {
    const holders = { compliance: [B], pauser: [], issuer: [] };
    expect(checkRoleChange({ action: 'grant', role: 'compliance', account: B }, holders, ids, names).errors).toEqual({ account: 'bob holds the Compliance officer role already: nothing to grant' });
    expect(checkRoleChange({ action: 'revoke', role: 'issuer', account: A }, holders, ids, names).errors).toEqual({ account: 'alice does not hold the Issuer (transfer agent) role: nothing to revoke' });
    expect(checkRoleChange({ action: 'grant', role: 'issuer', account: 'bob' }, holders, ids, names).errors).toEqual({ account: '"bob" is not a wallet address (0x and 40 hex digits)' });
    expect(checkRoleChange({ action: 'grant', role: 'issuer', account: zeroAddress }, holders, ids, names).errors).toEqual({ account: 'The zero address cannot hold a role' });
  });

  it('shows the admin transfer as two steps, each for the one who may take it', () => {
    const none = { admin: A, pending: zeroAddress, acceptFrom: 0, delaySeconds: 172_800 } as const;
    expect(adminTransferStep(none, A, 100)).toEqual({ step: 1, text: 'Step 1 of 2: the admin names the new admin; the new admin may accept after 48 hour(s).', canBegin: true, canAccept: false, canCancel: false });
    expect(adminTransferStep(none, B, 100).canBegin).toBe(false);
    const pending = { ...none, pending: B, acceptFrom: 1_000 };
    expect(adminTransferStep(pending, B, 999)).toMatchObject({ step: 2, canAccept: false, canCancel: false });
    expect(adminTransferStep(pending, B, 999).text).toBe(`Step 2 of 2: ${B} may accept from 1970-01-01 00:16 UTC; until then the admin may cancel.`);
    expect(adminTransferStep(pending, B, 1_000)).toMatchObject({ step: 2, canAccept: true });
    expect(adminTransferStep(pending, A, 1_000)).toMatchObject({ canAccept: false, canCancel: true });
  });
});
