/**
 * The API's access log, for officers: every read by an officer of another investor's data (who, what, when, from
 * where), newest first, with a CSV export. The keepers write each entry before the data leaves the API.
 */
import { useQuery } from '@tanstack/react-query';
import { getAddress, isAddress } from 'viem';
import { Panel, Skeleton, StackedTable, Unavailable } from '../../app/ui.tsx';
import { useVenue } from '../../app/venue.tsx';
import { apiGet, apiUrlOf } from '../../lib/api.ts';
import { shortAddress } from '../../lib/amount.ts';
import { useViewer } from '../session/queries.ts';
import type { AccessLogEntry } from '../../../../sdk/auth.ts';
import { identityLabel } from './logic.ts';


/** The log stores addresses lowercased; they are shown checksummed, as everywhere else. */
const checksum = (a: string) => (isAddress(a, { strict: false }) ? getAddress(a) : a);

/** Whose data was read: all investors, one wallet, or one identity's profile. */
function subjectLabel(subject: string): string {
  if (subject === 'all') return 'all investors';
  if (subject.startsWith('identity:')) return `identity ${identityLabel(BigInt(subject.slice('identity:'.length)))}`;
  return shortAddress(checksum(subject));
}

export function AccessLogPanel() {
  const { config } = useVenue();
  const { session } = useViewer();
  const log = useQuery({
    queryKey: ['api:access-log', config.apiUrl, session?.address],
    enabled: session !== undefined,
    refetchInterval: 10_000,
    retry: false,
    queryFn: async ({ signal }) => ((await apiGet(config.apiUrl, '/access-log?limit=50', { signal, session: true })) as { items: AccessLogEntry[] }).items,
  });
  if (!session) {
    return (
      <Panel title="Access log">
        <p className="muted">Sign in to see who read which investor's data.</p>
      </Panel>
    );
  }
  return (
    <Panel title="Access log" actions={<a className="button" href={apiUrlOf(config.apiUrl, '/access-log?format=csv&limit=500')} data-testid="access-log-csv">Export CSV</a>}>
      {log.isError ? (
        <Unavailable what="The access log" error={log.error} />
      ) : !log.data ? (
        <Skeleton lines={3} label="Loading the access log" />
      ) : log.data.length === 0 ? (
        <p className="muted">No officer has read another investor's data yet.</p>
      ) : (
        <div className="table-scroll">
          <StackedTable data-testid="access-log">
            <thead><tr><th>When (UTC)</th><th>Officer</th><th>Read</th><th>Whose</th><th>From</th></tr></thead>
            <tbody>
              {log.data.map((e) => (
                <tr key={e.id} data-testid="access-entry" data-action={e.action} data-subject={e.subject}>
                  <td>{new Date(e.at).toISOString().replace('T', ' ').slice(0, 19)}</td>
                  <td className="mono" title={`${e.actor} (${e.roles})`}>{shortAddress(checksum(e.actor))}</td>
                  <td><code title={e.query}>{e.action}</code></td>
                  <td className="mono">{subjectLabel(e.subject)}</td>
                  <td>{e.ip ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </StackedTable>
        </div>
      )}
    </Panel>
  );
}
