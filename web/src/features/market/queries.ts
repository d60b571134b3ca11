/**
 * The market page's keeper data (the pool's chain state is app/pools.ts's `usePoolSnapshot`, which works without
 * the keepers), from the keepers' ledger over their HTTP API: trade history (every page), the live trade stream (SSE), the latest quote
 * board and the API's health. Each keeper-backed hook reports an error when the API can't be reached, so the panel can
 * say so instead of going blank.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Pool } from '../../../../sdk/manifest.ts';
import { useBlock, useVenue } from '../../app/venue.tsx';
import { apiGet, apiUrlOf } from '../../lib/api.ts';
import { useViewer } from '../session/queries.ts';
import { mergeTrades, parseBoardResponse, parseTradePage, parseTradeRow, type QuoteBoard, type Trade } from './logic.ts';

/** The API's page size limit: fewer round trips for the history. */
const PAGE = 500;
const PER_BLOCK_GC_MS = 15_000;

/** Every row of a trades route (`/tape` or `/trades`) with `filters`, following `nextCursor` to the last page. */
export async function fetchAllTrades(apiUrl: string, route: '/tape' | '/trades', filters: Record<string, string>, session: boolean, signal: AbortSignal): Promise<Trade[]> {
  const out: Trade[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ ...filters, limit: String(PAGE) });
    if (cursor) query.set('cursor', cursor);
    const page = parseTradePage(await apiGet(apiUrl, `${route}?${query}`, { signal, session }));
    out.push(...page.trades);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/**
 * The pool's tape, live (anonymized except the viewer's own trades; whole for officers): the history from `/tape`
 * merged with the `/tape/stream` events, keeping the latest state
 * of each (tx, log index). The history is fetched only once the stream is open (and again each time it reopens), so a
 * change made between the two is in one or the other; merging by change number makes the order they land irrelevant.
 * If the stream can't open, the history is fetched anyway (it may still answer, and its error is what the panels show).
 */
export function useMarketTrades(pool: Pool) {
  const { config } = useVenue();
  const viewer = useViewer().session?.address;
  const queryClient = useQueryClient();
  const key = ['api:tape', config.apiUrl, pool.poolId, viewer];
  const [stream, setStream] = useState<StreamState>('connecting');
  const history = useQuery({
    queryKey: key,
    enabled: stream !== 'connecting',
    staleTime: Infinity,
    queryFn: ({ signal }) => fetchAllTrades(config.apiUrl, '/tape', { pool: pool.poolId }, viewer !== undefined, signal),
    // When the API is down, look again now and then, so the panels come back on their own.
    refetchInterval: (q) => (q.state.status === 'error' ? 5_000 : false),
  });
  const [live, setLive] = useState<ReadonlyMap<string, Trade>>(new Map());
  const keyRef = useRef(key);
  keyRef.current = key;

  useEffect(() => {
    // Another viewer (or none) sees other rows: nothing streamed for the last one stays.
    setLive(new Map());
    let source: EventSource | undefined;
    let lastEventId: string | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let delay = 1_000;
    let stopped = false;
    const connect = () => {
      const query = new URLSearchParams({ pool: pool.poolId });
      // A stream the browser gave up on is reopened by hand: the cursor resumes after the last event it delivered.
      if (lastEventId) query.set('cursor', lastEventId);
      // The session cookie goes along only for a signed-in wallet (the API admits this origin).
      source = new EventSource(apiUrlOf(config.apiUrl, `/tape/stream?${query}`), { withCredentials: viewer !== undefined });
      source.onopen = () => {
        delay = 1_000;
        // Marks any history fetched before this (re)opening stale: it is fetched again now that the stream is open
        // (the first time, enabling the query below fetches it; an inactive query is not refetched twice).
        void queryClient.invalidateQueries({ queryKey: keyRef.current });
        setStream('live');
      };
      source.addEventListener('trade', (event) => {
        const e = event as MessageEvent<string>;
        if (e.lastEventId) lastEventId = e.lastEventId;
        let trade: Trade | undefined;
        try {
          trade = parseTradeRow(JSON.parse(e.data));
        } catch {
          trade = undefined;
        }
        if (trade && trade.poolId.toLowerCase() === pool.poolId.toLowerCase()) setLive((known) => mergeTrades(known, [trade]));
      });
      source.onerror = () => {
        if (stopped) return;
        setStream('reconnecting');
        // CONNECTING: the browser retries by itself (with Last-Event-ID). CLOSED: it gave up; back off and retry.
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          retry = setTimeout(connect, delay);
          delay = Math.min(delay * 2, 30_000);
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [config.apiUrl, pool.poolId, queryClient, viewer]);

  const trades = useMemo(() => mergeTrades(mergeTrades(new Map(), history.data ?? []), [...live.values()]), [history.data, live]);
  return { trades, history, stream };
}

/** The quote keeper's newest board of the pool (null before its first), looked at each block and every two seconds. */
export function useQuoteBoard(pool: Pool) {
  const { config } = useVenue();
  const viewer = useViewer().session?.address;
  const block = useBlock().data?.number;
  return useQuery<QuoteBoard | null>({
    queryKey: ['api:board', config.apiUrl, pool.poolId, viewer, block?.toString()],
    placeholderData: (previous) => previous,
    gcTime: PER_BLOCK_GC_MS,
    // The keeper writes a block's board shortly after the block: poll too, or a quiet chain would show the last one.
    refetchInterval: 2_000,
    retry: false,
    queryFn: async ({ signal }) => parseBoardResponse(await apiGet(config.apiUrl, `/quotes/latest?pool=${pool.poolId}`, { signal, session: viewer !== undefined })),
  });
}

export interface ApiHealth {
  head: number | null;
  lagBlocks: number | null;
}

/** Whether the keepers' API answers, and how far its ledger is behind the chain. */
export function useApiHealth() {
  const { config } = useVenue();
  return useQuery({
    queryKey: ['market-health', config.apiUrl],
    refetchInterval: 5_000,
    retry: false,
    queryFn: async ({ signal }): Promise<ApiHealth> => {
      const body = (await apiGet(config.apiUrl, '/health', { signal })) as Partial<Record<keyof ApiHealth, unknown>> | null;
      const num = (v: unknown) => (typeof v === 'number' ? v : null);
      return { head: num(body?.head), lagBlocks: num(body?.lagBlocks) };
    },
  });
}
