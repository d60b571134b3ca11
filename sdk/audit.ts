/** What of a security's own events belongs to the compliance audit trail: its rules, lots and remedies, never its transfers. */
import type { AbiEvent } from 'viem';
import { restrictedSecurityTokenAbi } from './abis/restrictedSecurityTokenAbi.ts';

/** The restricted security's audit events, one source for the keepers' ledger and the dashboard's audit log. */
export const securityAuditEvents: readonly AbiEvent[] = restrictedSecurityTokenAbi.filter(
  (item): item is Extract<(typeof restrictedSecurityTokenAbi)[number], { type: 'event' }> =>
    item.type === 'event' && item.name !== 'Transfer' && item.name !== 'Approval',
) as readonly AbiEvent[];
