/**
 * The compliance desk, for holders of a registry role (compliance, pauser, issuer or default admin): the investor
 * roster and one identity's editor, onboarding one by one or by CSV, lockups, the issuer's remedies per security,
 * pool pauses, trusted routers, and the audit trail. Each control is live only for the role it needs; everyone else
 * is told the page is for compliance officers.
 */
import type { ReactNode } from 'react';
import { Panel, Skeleton } from '../../app/ui.tsx';
import { shortAddress } from '../../lib/amount.ts';
import { useWalletStore } from '../../wallet/store.ts';
import { AccessLogPanel } from './AccessLog.tsx';
import { CasesPanel } from './Cases.tsx';
import { RolesPanel } from './Roles.tsx';
import { OfferingsPanel } from './Offerings.tsx';
import { AlertsPanel, AuditLogPanel } from './AuditLog.tsx';
import { CsvImport } from './CsvImport.tsx';
import { InvestorForm } from './InvestorForm.tsx';
import { IdentityEditor } from './IdentityEditor.tsx';
import { LockupsPanel } from './Lockups.tsx';
import { hasAnyRole, type Capabilities } from './logic.ts';
import { useCapabilities, useRegistryEvents } from './queries.ts';
import { RemediesPanel } from './Remedies.tsx';
import { RosterPanel } from './Roster.tsx';
import { PoolsPanel, RoutersPanel } from './VenueControls.tsx';
import './compliance.css';

export default function CompliancePage() {
  const address = useWalletStore((s) => s.address);
  const caps = useCapabilities(address);
  if (!address) {
    return (
      <Gate>
        <p>Connect the wallet that holds your compliance, pauser, issuer or admin role in the investor registry.</p>
      </Gate>
    );
  }
  if (caps.isError && !caps.data) {
    return (
      <Gate>
        <p className="blocker" role="alert">Couldn't read your roles from the investor registry: {caps.error.message}</p>
      </Gate>
    );
  }
  if (!caps.data) return <Skeleton lines={6} label="Checking your roles" />;
  if (!hasAnyRole(caps.data)) {
    return (
      <Gate>
        <p data-testid="compliance-no-role">
          This page is for the venue's compliance officers. Your address {shortAddress(address)} holds none of the investor registry's
          compliance, pauser, issuer or admin roles, so there is nothing for you here. To trade, go to <a href="#/swap">Swap</a>; your eligibility is shown above.
        </p>
      </Gate>
    );
  }
  return <Desk caps={caps.data} />;
}

function Gate({ children }: { children: ReactNode }) {
  return (
    <Panel title="Compliance desk" className="desk-gate">
      {children}
    </Panel>
  );
}

const ROLE_CHIPS: [keyof Capabilities, string][] = [
  ['compliance', 'Compliance officer'],
  ['pauser', 'Pauser'],
  ['issuer', 'Issuer'],
  ['admin', 'Default admin'],
];

function Desk({ caps }: { caps: Capabilities }) {
  const events = useRegistryEvents();
  return (
    <div className="desk" data-testid="compliance-desk">
      <header className="desk-head">
        <h2>Compliance desk</h2>
        <div className="desk-roles" aria-label="Your roles">
          {ROLE_CHIPS.filter(([key]) => caps[key]).map(([key, label]) => <span key={key} className="chip good">{label}</span>)}
        </div>
      </header>
      <RosterPanel caps={caps} events={events.data} />
      <IdentityEditor caps={caps} />
      <div className="grid-2">
        <InvestorForm caps={caps} />
        <LockupsPanel caps={caps} events={events.data} />
      </div>
      <CsvImport caps={caps} />
      <OfferingsPanel />
      <RemediesPanel caps={caps} />
      <div className="grid-2">
        <PoolsPanel caps={caps} />
        <RoutersPanel caps={caps} />
      </div>
      <RolesPanel caps={caps} events={events.data} />
      <AuditLogPanel events={events.data} error={events.isError ? events.error.message : undefined} />
      <CasesPanel />
      <AlertsPanel />
      <AccessLogPanel />
    </div>
  );
}
