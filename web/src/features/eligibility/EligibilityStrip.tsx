/** Always visible under the header: may the connected address trade each security (and is its pool open), and if not,
 * why and until when. */
import { formatAmount, formatDate, formatDuration } from '../../lib/amount.ts';
import { eligibilitySentence, POOL_PAUSED } from '../../lib/revert.ts';
import { useChainNow } from '../../app/venue.tsx';
import { useWalletStore } from '../../wallet/store.ts';
import { useEligibility } from './useEligibility.ts';
import { exitOnlyNotice, standingChip } from './logic.ts';

export function EligibilityStrip() {
  const address = useWalletStore((s) => s.address);
  const standing = useEligibility(address);
  const now = useChainNow();
  if (!address) return <aside className="eligibility muted" aria-label="Eligibility">Connect a wallet to see whether you may trade.</aside>;
  if (!standing.data || now === undefined) return <aside className="eligibility muted" aria-label="Eligibility">Checking eligibility…</aside>;
  const s = standing.data;
  const notice = exitOnlyNotice(s.securities);
  return (
    <aside className="eligibility" aria-label="Eligibility" data-testid="eligibility">
      <span className={`chip ${s.registered ? 'good' : 'bad'}`}>{s.registered ? 'Registered' : 'Not registered'}</span>
      {s.registered && (
        <span className={`chip ${s.accreditationExpiry > now ? 'good' : 'bad'}`}>
          Accredited {s.accreditationExpiry > now ? `until ${formatDate(s.accreditationExpiry)}` : `— expired ${formatDate(s.accreditationExpiry)}`}
        </span>
      )}
      {s.frozen && <span className="chip bad">Frozen</span>}
      {s.exitOnly && <span className="chip warn">Exit-only</span>}
      {s.securities.map((sec) => {
        const chip = standingChip(sec);
        return (
          <span key={sec.security} className={`chip ${chip.tone}`} title={sec.paused ? POOL_PAUSED : eligibilitySentence(sec.reason, sec.until)} data-testid={`standing-${sec.poolName}`}>
            {sec.poolName.split('/')[0]}:{' '}
            {sec.reason === 'LockupActive' && !sec.paused ? (
              <>lockup ends in <time dateTime={new Date(sec.lockupEnd * 1000).toISOString()} data-testid="lockup-countdown">{formatDuration(sec.lockupEnd - now)}</time></>
            ) : chip.label}
          </span>
        );
      })}
      {s.securities.filter((sec) => sec.limits.locked > 0n).map((sec) => (
        <span key={`lots-${sec.security}`} className="chip warn" data-testid={`locked-${sec.poolName}`} title="Shares in lots (a Rule 144 holding period or a partial freeze) cannot be sold or sent until they are released">
          {sec.poolName.split('/')[0]}: {formatAmount(sec.limits.locked, 18)} locked, next release {formatDate(sec.limits.nextRelease)}
        </span>
      ))}
      {notice && <p className="exit-only" data-testid="exit-only">{notice}</p>}
    </aside>
  );
}
