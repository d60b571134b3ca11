/**
 * Says when the chain's RPC does not answer, naming it, while the block poll keeps trying each second; when it answers
 * again, every read that failed meanwhile is made again, so no panel is left on a skeleton or a stale error.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useBlock, useVenue } from './venue.tsx';

export function ChainStatus() {
  const { config } = useVenue();
  const block = useBlock();
  const queryClient = useQueryClient();
  const down = block.isError;
  useEffect(() => {
    if (!down) void queryClient.refetchQueries({ type: 'active', predicate: (q) => q.state.status === 'error' });
  }, [down, queryClient]);
  if (!down) return null;
  const last = block.data ? ` The last block read was ${block.data.number}: what is shown may be out of date, and nothing can be sent.` : ' Nothing can be read or sent until it answers.';
  return (
    <div className="banner bad" role="alert" data-testid="chain-unreachable">
      The chain is unreachable: its RPC at {config.rpcUrl} does not answer. Retrying every second.{last}
    </div>
  );
}
