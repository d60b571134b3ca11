/**
 * The dashboard shell: loads the runtime config and manifest, then the header (wallet, chain check), the eligibility
 * strip that is always visible, and one route at a time. Each route is its own chunk, loaded when first opened.
 */
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState, type ComponentType } from 'react';
import { loadVenue } from '../lib/config.ts';
import { EligibilityStrip } from '../features/eligibility/EligibilityStrip.tsx';
import { startWallets, useWalletStore } from '../wallet/store.ts';
import { Header } from './Header.tsx';
import { Toasts } from './Toasts.tsx';
import { Skeleton } from './ui.tsx';
import { VenueProvider } from './venue.tsx';

export const ROUTES: { path: string; label: string; page: ComponentType }[] = [
  { path: 'portfolio', label: 'Portfolio', page: lazy(() => import('../features/portfolio/PortfolioPage.tsx')) },
  { path: 'swap', label: 'Swap', page: lazy(() => import('../features/swap/SwapPage.tsx')) },
  { path: 'positions', label: 'Positions', page: lazy(() => import('../features/positions/PositionsPage.tsx')) },
  { path: 'market', label: 'Market', page: lazy(() => import('../features/market/MarketPage.tsx')) },
  { path: 'compliance', label: 'Compliance', page: lazy(() => import('../features/compliance/CompliancePage.tsx')) },
];

const SWAP = ROUTES.find((r) => r.path === 'swap')!;

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

function useHashRoute(): string {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('?')[0];
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function Shell() {
  const venue = useQuery({ queryKey: ['venue'], queryFn: loadVenue, staleTime: Infinity, retry: false });
  const route = useHashRoute();
  // A connected investor's home is the portfolio; with no wallet, the swap form (what a visitor can try).
  const home = useWalletStore((s) => (s.address ? 'portfolio' : 'swap'));
  useEffect(() => (venue.data ? startWallets(venue.data) : undefined), [venue.data]);
  if (venue.isPending) return <main className="boot"><Skeleton lines={3} label="Loading the venue" /></main>;
  if (venue.isError) {
    return (
      <main className="boot" role="alert">
        <h1>Accredex can't reach its venue</h1>
        <p>{venue.error.message}</p>
        <button onClick={() => void venue.refetch()}>Try again</button>
      </main>
    );
  }
  const current = ROUTES.find((r) => r.path === (route || home)) ?? SWAP;
  const Page = current.page;
  return (
    <VenueProvider venue={venue.data}>
      <Header route={current.path} />
      <EligibilityStrip />
      <main className="page" id="main">
        <Suspense fallback={<Skeleton lines={6} label={`Loading ${current.label}`} />}>
          <Page />
        </Suspense>
      </main>
      <Toasts />
    </VenueProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Shell />
    </QueryClientProvider>
  );
}
