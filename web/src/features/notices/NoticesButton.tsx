/**
 * The header's notices: a button with the unread count, opening the list (nearest event first). Opening it marks
 * what it shows as read. Escape or a click outside closes it, back to the button.
 */
import { useEffect, useRef, useState } from 'react';
import { useWalletStore } from '../../wallet/store.ts';
import { unreadCount } from './logic.ts';
import { useNotices } from './queries.ts';
import { useNoticeStore, useReadNotices } from './store.ts';

export function NoticesButton() {
  const address = useWalletStore((s) => s.address);
  const notices = useNotices(address);
  const read = useReadNotices(address);
  const markRead = useNoticeStore((s) => s.markRead);
  const [open, setOpen] = useState(false);
  /** What was unread when the list opened: still marked "new" while it stays open, though now read. */
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onClick = (e: MouseEvent) => root.current?.contains(e.target as Node) || setOpen(false);
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => (document.removeEventListener('keydown', onKey), document.removeEventListener('mousedown', onClick));
  }, [open]);

  // What the open list shows is read; a notice arriving while it is open is read too (and shown as new).
  useEffect(() => {
    if (!open || !address || !notices || unreadCount(notices, read) === 0) return;
    setFresh((f) => new Set([...f, ...notices.filter((n) => !read.has(n.id)).map((n) => n.id)]));
    markRead(address, notices.map((n) => n.id));
  }, [open, address, notices, read, markRead]);

  if (!address || !notices) return null;
  const unread = unreadCount(notices, read);
  return (
    <div className="notices" ref={root}>
      <button ref={button} type="button" aria-expanded={open} aria-controls="notices-list" onClick={() => (setFresh(new Set()), setOpen(!open))} data-testid="notices-button" data-unread={unread}>
        Notices{unread > 0 && <span className="notices-count">{unread}<span className="sr-only"> unread</span></span>}
      </button>
      {open && (
        <div id="notices-list" className="notices-list" role="region" aria-label="Notices">
          {notices.length === 0 ? <p className="muted">Nothing in the next or last 30 days: no lot or lockup release, no accreditation expiry.</p> : (
            <ul>
              {notices.map((n) => (
                <li key={n.id} className={`notice ${n.tone}`} data-testid="notice" data-id={n.id}>{n.text}{fresh.has(n.id) && <span className="notice-new"> new</span>}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
