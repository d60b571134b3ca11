/**
 * The gate's switches: pausing pools (pauser role) and which routers it trusts (default admin). Both roles live in the
 * investor registry; the gate defers to it.
 */
import { useState, type FormEvent } from 'react';
import { encodeFunctionData, getAddress, type Address } from 'viem';
import { gateHookAbi } from '../../../../sdk/abis/generated.ts';
import type { Pool } from '../../../../sdk/manifest.ts';
import { Field, Panel, Skeleton, StackedTable } from '../../app/ui.tsx';
import { useVenue } from '../../app/venue.tsx';
import { parseAddress } from '../../lib/amount.ts';
import { AddressCell, Confirm, RoleNote, useNames } from './common.tsx';
import { allowedRouterKinds, checkRouterKind, ROUTER_KIND_TEXT, ROUTER_KINDS, type Capabilities, type RouterKind } from './logic.ts';
import { usePoolConfigs, useRouterKinds } from './queries.ts';
import { useSend } from '../../lib/useSend.ts';

export function PoolsPanel({ caps }: { caps: Capabilities }) {
  const { deployment } = useVenue();
  const configs = usePoolConfigs();
  const { send, busy, blocker } = useSend();
  const [confirming, setConfirming] = useState<'all' | string>();

  async function setPaused(pools: Pool[], paused: boolean) {
    const what = pools.length === 1 ? pools[0].name : `${pools.length} pools`;
    const receipt = await send(
      `${paused ? 'Pause' : 'Unpause'} ${what}`,
      deployment.gateHook,
      encodeFunctionData({ abi: gateHookAbi, functionName: 'setPaused', args: [pools.map((p) => p.poolId), paused] }),
    );
    if (receipt) setConfirming(undefined);
  }

  const live = configs.data?.filter((c) => !c.paused).map((c) => c.pool) ?? [];
  return (
    <Panel
      title="Pools"
      actions={caps.pauser && live.length > 1 && (
        <button className="danger" disabled={busy || !!blocker} onClick={() => setConfirming('all')}>Pause all</button>
      )}
    >
      {!caps.pauser && <RoleNote role="pauser" />}
      {caps.pauser && blocker && <p className="blocker" role="alert">{blocker}</p>}
      {confirming === 'all' && (
        <Confirm
          text={`Pause all ${live.length} trading pools? Swaps, adds and donations are refused until unpaused; removing liquidity still works.`}
          action="Pause all pools"
          busy={busy}
          onConfirm={() => void setPaused(live, true)}
          onCancel={() => setConfirming(undefined)}
        />
      )}
      {!configs.data ? (
        <Skeleton lines={2} label="Loading pools" />
      ) : (
        <StackedTable data-testid="pools">
          <thead><tr><th>Pool</th><th>Status</th>{caps.pauser && <th><span className="sr-only">Actions</span></th>}</tr></thead>
          <tbody>
            {configs.data.map(({ pool, paused, authorized, initialized }) => (
              <tr key={pool.poolId} data-testid="pool-row" data-pool={pool.name}>
                <td>{pool.name}</td>
                <td>
                  {!authorized ? <span className="tag bad">Not authorized</span>
                    : !initialized ? <span className="tag warn">Not initialized</span>
                      : paused ? <span className="tag bad">Paused</span>
                        : <span className="tag good">Trading</span>}
                </td>
                {caps.pauser && (
                  <td className="actions">
                    {paused ? (
                      <button disabled={busy || !!blocker} onClick={() => void setPaused([pool], false)}>Unpause</button>
                    ) : (
                      <button className="danger" disabled={busy || !!blocker} onClick={() => setConfirming(pool.poolId)} aria-label={`Pause ${pool.name}`}>Pause</button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </StackedTable>
      )}
      {configs.data?.map(({ pool }) =>
        confirming === pool.poolId ? (
          <Confirm
            key={pool.poolId}
            text={`Pause ${pool.name}? Swaps, adds and donations are refused until it is unpaused; removing liquidity still works.`}
            action={`Pause ${pool.name}`}
            busy={busy}
            onConfirm={() => void setPaused([pool], true)}
            onCancel={() => setConfirming(undefined)}
          />
        ) : null,
      )}
    </Panel>
  );
}

export function RoutersPanel({ caps }: { caps: Capabilities }) {
  const { deployment } = useVenue();
  const { nameOf } = useNames();
  const [extra, setExtra] = useState<Address[]>([]);
  const [text, setText] = useState('');
  const [textError, setTextError] = useState<string>();
  const routers = [deployment.universalRouter, deployment.positionManager, deployment.v4Quoter, ...extra];
  const kinds = useRouterKinds(routers);

  function check(e: FormEvent) {
    e.preventDefault();
    const parsed = parseAddress(text);
    if (!parsed.ok) return setTextError(parsed.error);
    const address = getAddress(parsed.value);
    if (!routers.some((r) => r.toLowerCase() === address.toLowerCase())) setExtra([...extra, address]);
    setText('');
    setTextError(undefined);
  }

  return (
    <Panel title="Trusted routers">
      {!caps.admin && <RoleNote role="default admin" />}
      <p className="muted">How the gate treats a contract that calls the PoolManager. Only trusted routers may act for an investor.</p>
      {!kinds.data ? (
        <Skeleton lines={3} label="Loading routers" />
      ) : (
        <StackedTable data-testid="routers">
          <thead><tr><th>Router</th><th>Kind</th>{caps.admin && <th>Change</th>}</tr></thead>
          <tbody>
            {routers.map((r) => (
              <RouterRow key={r} router={r} name={nameOf(r)} kind={kinds.data.get(r.toLowerCase())} caps={caps} />
            ))}
          </tbody>
        </StackedTable>
      )}
      <form className="inline-form" onSubmit={check} aria-label="Look up a router">
        <Field label="Look up another address" placeholder="0x…" value={text} onChange={(e) => (setText(e.target.value), setTextError(undefined))} error={textError} spellCheck={false} autoComplete="off" />
        <button type="submit">Look up</button>
      </form>
    </Panel>
  );
}

function RouterRow({ router, name, kind, caps }: { router: Address; name: string; kind: RouterKind | undefined; caps: Capabilities }) {
  const { deployment } = useVenue();
  const { send, busy, blocker } = useSend();
  const allowed = allowedRouterKinds(router, deployment);
  const [choice, setChoice] = useState<RouterKind>();
  const [confirming, setConfirming] = useState(false);
  const target = choice ?? kind;
  const problem = target ? checkRouterKind(router, target, deployment) : undefined;
  // Untrusting a canonical router stops every investor trading or providing liquidity through it.
  const drastic = target === 'Untrusted' && kind !== 'Untrusted' && allowed.length === 2;

  async function apply() {
    if (!target || problem) return;
    const receipt = await send(`Set ${name} as ${target}`, deployment.gateHook, encodeFunctionData({ abi: gateHookAbi, functionName: 'setRouter', args: [router, ROUTER_KINDS.indexOf(target)] }));
    if (receipt) (setChoice(undefined), setConfirming(false));
  }

  return (
    <>
      <tr data-testid="router-row" data-router={router}>
        <td><AddressCell address={router} name={name.startsWith('0x') ? undefined : name} /></td>
        <td title={kind ? ROUTER_KIND_TEXT[kind] : undefined}>
          {kind ? <span className={`tag ${kind === 'Untrusted' ? '' : 'good'}`}>{kind}</span> : '…'}
        </td>
        {caps.admin && (
          <td className="actions">
            <label className="sr-only" htmlFor={`kind-${router}`}>Kind for {name}</label>
            <select id={`kind-${router}`} value={target ?? ''} onChange={(e) => (setChoice(e.target.value as RouterKind), setConfirming(false))} disabled={busy}>
              {allowed.map((k) => <option key={k} value={k}>{k}</option>)}
            </select>
            <button disabled={busy || !!blocker || !target || target === kind || !!problem} onClick={() => (drastic && !confirming ? setConfirming(true) : void apply())}>
              Set
            </button>
          </td>
        )}
      </tr>
      {caps.admin && (problem || (target !== kind && blocker) || (drastic && confirming)) && (
        <tr>
          <td colSpan={3}>
            {problem && <p className="field-error" role="alert">{problem}</p>}
            {target !== kind && blocker && <p className="blocker" role="alert">{blocker}</p>}
            {drastic && confirming && (
              <Confirm
                text={`Untrust ${name}? Investors can no longer trade or add liquidity through it until it is trusted again.`}
                action={`Untrust ${name}`}
                busy={busy}
                onConfirm={() => void apply()}
                onCancel={() => (setConfirming(false), setChoice(undefined))}
              />
            )}
          </td>
        </tr>
      )}
    </>
  );
}
