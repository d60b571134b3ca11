/** Small pieces the desk's panels share: names for addresses, an address cell, a role note, a hash cell. */
import { useMemo } from 'react';
import type { Address, Hex } from 'viem';
import { useVenue } from '../../app/venue.tsx';
import { shortAddress } from '../../lib/amount.ts';
import { addressBook } from './logic.ts';

/** Names the manifest gives addresses: demo labels (local chain) and the venue's contracts. */
export function useNames() {
  const { deployment } = useVenue();
  return useMemo(() => {
    const book = addressBook(deployment);
    return {
      book,
      /** A demo account's label, if the address is one. */
      labelOf: (a: string) => {
        const entry = book.get(a.toLowerCase());
        return entry && !entry.contract ? entry.name : undefined;
      },
      /** The manifest's name for an address, else its short form. */
      nameOf: (a: string) => book.get(a.toLowerCase())?.name ?? shortAddress(a),
    };
  }, [deployment]);
}

export function AddressCell({ address, name, stacked }: { address: Address; name?: string; stacked?: boolean }) {
  return (
    <span className={`addr ${stacked ? 'stacked' : ''}`}>
      {name && <strong className="addr-name">{name}</strong>}
      <code title={address}>{shortAddress(address)}</code>
    </span>
  );
}

export function TxCell({ hash }: { hash: Hex }) {
  const explorer = useVenue().chain.blockExplorers?.default.url;
  return explorer ? (
    <a href={`${explorer}/tx/${hash}`} target="_blank" rel="noreferrer" title={hash}>{shortAddress(hash)}</a>
  ) : (
    <code title={hash}>{shortAddress(hash)}</code>
  );
}

/** Says which role a disabled control needs, so it is never a mystery. */
export function RoleNote({ role }: { role: string }) {
  return <p className="role-note">Read-only for you: changes here need the {role} role in the investor registry.</p>;
}
