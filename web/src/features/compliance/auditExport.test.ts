import { describe, expect, it } from 'vitest';
import { auditExportPath } from './auditExport.ts';

const none = { events: [], investor: '', from: '', to: '' };

describe('auditExportPath', () => {
  it('builds the keepers’ /audit query from the group, the investor and the period', () => {
    expect(auditExportPath(none)).toEqual({ path: '/audit?format=csv&limit=500' });
    expect(auditExportPath({ events: ['InvestorFrozen', 'ForcedTransfer'], investor: ' 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 ', from: '2026-07-01', to: '2026-09-30' })).toEqual({
      path: '/audit?format=csv&limit=500&event=InvestorFrozen%2CForcedTransfer&investor=0x70997970C51812dc3A010C7d01b50e0d17dc79C8&from=2026-07-01&to=2026-09-30',
    });
  });

  it('says what is wrong with the filter instead of exporting', () => {
    expect(auditExportPath({ ...none, investor: 'alice' })).toEqual({ problem: '"alice" is not a wallet address (0x and 40 hex digits).' });
    expect(auditExportPath({ ...none, from: '2026-07-01' })).toEqual({ problem: 'Give both dates of the period, or neither.' });
    expect(auditExportPath({ ...none, from: '2026-09-30', to: '2026-07-01' })).toEqual({ problem: 'The period ends (2026-07-01) before it starts (2026-09-30).' });
  });
});
