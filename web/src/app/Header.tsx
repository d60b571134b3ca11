import { lazy, Suspense, useEffect } from 'react';
import { ROUTES } from './App.tsx';
import { ChainStatus } from './ChainStatus.tsx';
import { nextTheme, useResolvedTheme, useThemeStore } from './theme.ts';
import { useVenue } from './venue.tsx';
import { WalletButton } from '../wallet/WalletButton.tsx';
import { switchChain, useWalletStore } from '../wallet/store.ts';
import { SignInBanner } from '../features/session/SignInBanner.tsx';

/** Loaded after the first paint: the notices read lots the first route does not need. */
const NoticesButton = lazy(() => import('../features/notices/NoticesButton.tsx').then((m) => ({ default: m.NoticesButton })));

/** Out of sight, still read by screen readers (the shell's stylesheet is not loaded with a class for it). */
const VISUALLY_HIDDEN = { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' } as const;

export function Header({ route }: { route: string }) {
  const venue = useVenue();
  // Each route names itself: the tab's title (history, bookmarks) and the page's one h1 (screen readers' outline).
  const page = ROUTES.find((r) => r.path === route)?.label ?? 'Accredex';
  useEffect(() => {
    document.title = `${page} · Accredex`;
  }, [page]);
  const chainId = useWalletStore((s) => s.chainId);
  const wrongChain = chainId !== undefined && chainId !== venue.config.chainId;
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <div className="brand">
          Accredex <span className="muted">{venue.isLocal ? 'local venue' : venue.chain.name}</span>
        </div>
        <nav aria-label="Sections">
          {ROUTES.map((r) => (
            <a key={r.path} href={`#/${r.path}`} aria-current={r.path === route ? 'page' : undefined}>
              {r.label}
            </a>
          ))}
        </nav>
        <ThemeToggle />
        <Suspense fallback={null}><NoticesButton /></Suspense>
        <WalletButton />
      </header>
      <h1 style={VISUALLY_HIDDEN}>{page}</h1>
      {wrongChain && (
        <div className="banner bad" role="alert">
          Your wallet is on chain {chainId}; the venue is on chain {venue.config.chainId}.{' '}
          <button onClick={() => void switchChain(venue)}>Switch network</button>
        </div>
      )}
      <ChainStatus />
      <SignInBanner />
    </>
  );
}

const THEME_LABEL = { system: 'System', light: 'Light', dark: 'Dark' } as const;

/** Cycles the colour theme: the system's, light, dark. */
function ThemeToggle() {
  const { choice, choose } = useThemeStore();
  const resolved = useResolvedTheme();
  const next = nextTheme(choice);
  return (
    <button type="button" className="theme-toggle" onClick={() => choose(next)} data-testid="theme-toggle" data-theme-choice={choice}
      aria-label={`Colour theme: ${THEME_LABEL[choice].toLowerCase()}${choice === 'system' ? ` (${resolved})` : ''}. Switch to ${THEME_LABEL[next].toLowerCase()}`}>
      {resolved === 'light' ? '☀' : '☾'} {THEME_LABEL[choice]}
    </button>
  );
}
