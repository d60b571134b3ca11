/**
 * The approvals that come before an add, as buttons in order: each token approves Permit2 once (ERC-20 approve), then
 * Permit2 lets PositionManager pull it (`permit2.approve`, for a month). PositionManager pulls only what the add costs.
 */
import { encodeFunctionData, erc20Abi, maxUint160, maxUint256 } from 'viem';
import { permit2Abi } from '../../../../sdk/abis/generated.ts';
import { useChainNow, useVenue, type TokenInfo } from '../../app/venue.tsx';
import { useSend } from '../../lib/useSend.ts';
import { useWalletStore } from '../../wallet/store.ts';
import { missingApprovals, PERMIT2_LIFETIME_S, type ApprovalStep, type PaymentNeed } from './logic.ts';
import { usePositionPermits } from './queries.ts';

/** The approval steps still missing for `needs`, or undefined while the allowances load. */
export function useMissingApprovals(needs: PaymentNeed[]) {
  const address = useWalletStore((s) => s.address);
  const permits = usePositionPermits(needs.map((n) => n.token), address);
  const now = useChainNow();
  if (!permits.data || now === undefined) return undefined;
  return missingApprovals(needs, permits.data, now);
}

export function ApprovalSteps({ needs, tokens }: { needs: PaymentNeed[]; tokens: readonly TokenInfo[] }) {
  const { deployment } = useVenue();
  const { send, busy } = useSend();
  const now = useChainNow();
  const steps = useMissingApprovals(needs);
  if (!steps || steps.length === 0) return null;

  const symbol = (token: string) => tokens.find((t) => t.address.toLowerCase() === token.toLowerCase())?.symbol ?? token;

  async function run(step: ApprovalStep) {
    if (now === undefined) return;
    if (step.kind === 'erc20') {
      await send(`Approve ${symbol(step.token)} for Permit2`, step.token, encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [deployment.permit2, maxUint256] }));
    } else {
      await send(
        `Let PositionManager spend ${symbol(step.token)} via Permit2`,
        deployment.permit2,
        encodeFunctionData({ abi: permit2Abi, functionName: 'approve', args: [step.token, deployment.positionManager, maxUint160, now + PERMIT2_LIFETIME_S] }),
      );
    }
  }

  return (
    // One step at a time, in order: each button is enabled once the steps before it are done.
    <ol className="lp-steps" aria-label="Approvals needed first" data-testid="approval-steps">
      {steps.map((step, i) => (
        <li key={`${step.token}-${step.kind}`}>
          <button className="primary" onClick={() => void run(step)} disabled={busy || i > 0}>
            {step.kind === 'erc20'
              ? `Approve ${symbol(step.token)} (once, for Permit2)`
              : `Allow PositionManager to spend ${symbol(step.token)} (Permit2, 30 days)`}
          </button>
        </li>
      ))}
    </ol>
  );
}
