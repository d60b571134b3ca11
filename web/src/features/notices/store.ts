/** Which notices each wallet has read, kept in localStorage (UI state). */
import { useMemo } from 'react';
import { create } from 'zustand';

const key = (address: string) => `accredex:notices-read:${address.toLowerCase()}`;

function load(address: string): Set<string> {
  try {
    const ids: unknown = JSON.parse(localStorage.getItem(key(address)) ?? '[]');
    return new Set(Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : []);
  } catch {
    return new Set();
  }
}

interface NoticeStore {
  /** By lowercased address, once this page marked something read; before that, localStorage has it. */
  read: Record<string, Set<string>>;
  markRead(address: string, ids: readonly string[]): void;
}

export const useNoticeStore = create<NoticeStore>((set, get) => ({
  read: {},
  markRead(address, ids) {
    const next = new Set([...(get().read[address.toLowerCase()] ?? load(address)), ...ids]);
    try {
      localStorage.setItem(key(address), JSON.stringify([...next]));
    } catch {
      // No storage: read for this page only.
    }
    set((s) => ({ read: { ...s.read, [address.toLowerCase()]: next } }));
  },
}));

/** The ids `address` has read (none without a wallet). */
export function useReadNotices(address: string | undefined): ReadonlySet<string> {
  const marked = useNoticeStore((s) => (address ? s.read[address.toLowerCase()] : undefined));
  return useMemo(() => marked ?? (address ? load(address) : new Set<string>()), [marked, address]);
}
