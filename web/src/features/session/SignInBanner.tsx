/**
 * Signs a connected wallet in to the keepers' API: once, right after it connects (or switches to another account),
 * with the wallet's one signature explained in plain words: it is not a transaction and costs nothing. If the user
 * declines, the banner stays with a button to try again.
 */
import { useEffect, useRef } from 'react';
import { shortAddress } from '../../lib/amount.ts';
import { useWalletStore } from '../../wallet/store.ts';
import { useSessionLifecycle, useSignIn, useViewer } from './queries.ts';

export function SignInBanner() {
  useSessionLifecycle();
  const address = useWalletStore((s) => s.address);
  const { state, pending } = useViewer();
  const signIn = useSignIn();
  const asked = useRef(new Set<string>());
  const needed = !pending && address !== undefined && (state === 'signed-out' || state === 'switched');
  useEffect(() => {
    // Ask each account once per page: a declined signature is not asked for again until the user clicks.
    if (!needed || asked.current.has(address.toLowerCase())) return;
    asked.current.add(address.toLowerCase());
    signIn.mutate();
  }, [needed, address, signIn]);
  if (!needed) return null;
  return (
    <div className="banner" role="region" aria-label="Sign in" data-testid="sign-in-banner">
      <p>
        {state === 'switched' ? `Your wallet switched to ${shortAddress(address)}. ` : ''}
        Sign in to see your trades, statements and the market. Your wallet asks you to sign a short message: it only
        proves that you control {shortAddress(address)}. It is not a transaction and costs nothing.
      </p>
      <button onClick={() => signIn.mutate()} disabled={signIn.isPending} data-testid="sign-in">
        {signIn.isPending ? 'Waiting for the signature…' : 'Sign in'}
      </button>
      {signIn.error && <span className="field-error" role="alert">{signIn.error.message}</span>}
    </div>
  );
}
