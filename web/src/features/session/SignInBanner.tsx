/**
 * Asks a connected wallet to sign in once, in plain words: one signature, no transaction, no cost. Shown again when
 * the wallet switches to another account.
 */
import { shortAddress } from '../../lib/amount.ts';
import { useWalletStore } from '../../wallet/store.ts';
import { useSessionLifecycle, useSignIn, useViewer } from './queries.ts';

export function SignInBanner() {
  useSessionLifecycle();
  const address = useWalletStore((s) => s.address);
  const { state, pending } = useViewer();
  const signIn = useSignIn();
  if (pending || !address || (state !== 'signed-out' && state !== 'switched')) return null;
  return (
    <div className="banner" role="region" aria-label="Sign in" data-testid="sign-in-banner">
      <p>
        {state === 'switched' ? `Your wallet switched to ${shortAddress(address)}. ` : ''}
        Sign in to see your trades, statements and the market. Your wallet will ask you to sign a short message: it only
        proves that you control {shortAddress(address)}. It is not a transaction and costs nothing.
      </p>
      <button onClick={() => signIn.mutate()} disabled={signIn.isPending} data-testid="sign-in">
        {signIn.isPending ? 'Waiting for the signature…' : 'Sign in'}
      </button>
      {signIn.error && <span className="field-error" role="alert">{signIn.error.message}</span>}
    </div>
  );
}
