/**
 * The ledger's schema, as ordered migrations (never edit one that shipped: add the next). Plain PostgreSQL, so
 * PGlite and a PostgreSQL server run the same statements. Amounts are numeric(78,0): raw token units, exact.
 */
export const MIGRATIONS: string[] = [
  `
  create table blocks (
    chain_id integer not null,
    number bigint not null,
    hash text not null,
    timestamp bigint not null,
    primary key (chain_id, number)
  );

  create table checkpoints (
    keeper text not null,
    chain_id integer not null,
    block_number bigint not null,
    block_hash text not null,
    updated_at timestamptz not null default now(),
    primary key (keeper, chain_id)
  );

  create table trades (
    chain_id integer not null,
    tx_hash text not null,
    log_index integer not null,
    pool_id text not null,
    pool_name text not null,
    security text not null,
    investor text not null,
    router text not null,
    side text not null check (side in ('buy', 'sell')),
    security_amount numeric(78, 0) not null,
    stable_amount numeric(78, 0) not null,
    price numeric not null,
    fee_pips integer not null,
    fee_amount numeric(78, 0) not null,
    block_number bigint not null,
    block_hash text not null,
    block_time bigint not null,
    status text not null check (status in ('pending', 'final', 'voided')),
    primary key (chain_id, tx_hash, log_index)
  );
  create index trades_investor on trades (chain_id, investor, block_number);
  create index trades_pool on trades (chain_id, pool_id, block_number);

  create table liquidity_events (
    chain_id integer not null,
    tx_hash text not null,
    log_index integer not null,
    pool_id text not null,
    investor text not null,
    router text not null,
    tick_lower integer not null,
    tick_upper integer not null,
    liquidity_delta numeric(78, 0) not null,
    salt text not null,
    block_number bigint not null,
    block_hash text not null,
    block_time bigint not null,
    status text not null check (status in ('pending', 'final', 'voided')),
    primary key (chain_id, tx_hash, log_index)
  );

  create table registry_events (
    chain_id integer not null,
    tx_hash text not null,
    log_index integer not null,
    event text not null,
    args jsonb not null,
    block_number bigint not null,
    block_hash text not null,
    block_time bigint not null,
    status text not null check (status in ('pending', 'final', 'voided')),
    primary key (chain_id, tx_hash, log_index)
  );
  `,
  `
  create table alerts (
    id bigserial primary key,
    chain_id integer not null,
    kind text not null,
    severity text not null check (severity in ('info', 'warning', 'critical')),
    subject text not null,
    message text not null,
    data jsonb not null,
    block_number bigint,
    tx_hash text,
    dedupe_key text not null,
    created_at timestamptz not null default now(),
    unique (chain_id, kind, dedupe_key)
  );

  create table monitored_investors (
    chain_id integer not null,
    investor text not null,
    primary key (chain_id, investor)
  );
  `,
  `
  create table quotes (
    chain_id integer not null,
    pool_id text not null,
    block_number bigint not null,
    block_hash text not null,
    block_time bigint not null,
    mid_price numeric not null,
    sqrt_price_x96 numeric(78, 0) not null,
    tick integer not null,
    liquidity numeric(78, 0) not null,
    ladder jsonb not null,
    depth jsonb not null,
    cross_check jsonb not null,
    primary key (chain_id, pool_id, block_number)
  );
  `,
  `
  create table webhook_outbox (
    chain_id integer not null,
    tx_hash text not null,
    log_index integer not null,
    payload jsonb not null,
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    delivered_at timestamptz,
    last_error text,
    primary key (chain_id, tx_hash, log_index)
  );
  create index webhook_outbox_due on webhook_outbox (next_attempt_at) where delivered_at is null;
  `,
  // Finalizing looks only at pending rows, which are few (the last few blocks) however large the ledger grows.
  `
  create index trades_pending on trades (chain_id, block_number) where status = 'pending';
  create index liquidity_events_pending on liquidity_events (chain_id, block_number) where status = 'pending';
  create index registry_events_pending on registry_events (chain_id, block_number) where status = 'pending';
  `,
  // Every insert and status change of a log row takes the next number of one sequence, so a subscriber can follow the
  // ledger's changes in order (new, final, voided, revived) from a cursor. The settlement keeper is the only writer
  // of these tables and commits one transaction at a time, so numbers become visible in order.
  `
  create sequence ledger_changes;
  alter table trades add column change_seq bigint not null default nextval('ledger_changes');
  alter table liquidity_events add column change_seq bigint not null default nextval('ledger_changes');
  alter table registry_events add column change_seq bigint not null default nextval('ledger_changes');
  create index trades_changes on trades (chain_id, change_seq);
  `,
  // The blocks each keeper other than settlement stopped at, so after a reorganization it walks back by hash to a
  // block still on the chain. Alerts of blocks a reorganization removed are voided, never deleted.
  `
  create table keeper_blocks (
    keeper text not null,
    chain_id integer not null,
    number bigint not null,
    hash text not null,
    primary key (keeper, chain_id, number)
  );
  alter table alerts add column voided_at timestamptz;
  `,
  // The webhook's outbox holds every status change of a trade (pending, final, voided; a revived row changes again),
  // queued by the statement that makes it and ordered by its ledger change number. Undelivered confirmations of the
  // old outbox move over with the status their trade has now.
  `
  create table webhook_deliveries (
    chain_id integer not null,
    tx_hash text not null,
    log_index integer not null,
    change_seq bigint not null,
    status text not null check (status in ('pending', 'final', 'voided')),
    state text not null default 'queued' check (state in ('queued', 'delivered', 'skipped')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    delivered_at timestamptz,
    last_error text,
    primary key (chain_id, change_seq)
  );
  create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where state = 'queued';
  create index webhook_deliveries_trade on webhook_deliveries (chain_id, tx_hash, log_index, change_seq);
  insert into webhook_deliveries (chain_id, tx_hash, log_index, change_seq, status)
    select o.chain_id, o.tx_hash, o.log_index, t.change_seq, t.status from webhook_outbox o join trades t using (chain_id, tx_hash, log_index) where o.delivered_at is null;
  drop table webhook_outbox;
  `,
  // Sign-in (script/keeper/auth): single-use SIWE nonces, sessions (only a hash of each token is stored, so a copy of
  // the database does not sign anyone in) and the access log of officers' reads of other investors' data.
  `
  create table auth_nonces (
    nonce text primary key,
    expires_at timestamptz not null
  );
  create table sessions (
    id text primary key,
    address text not null,
    chain_id integer not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz,
    ip text,
    user_agent text
  );
  create index sessions_address on sessions (address);
  create table access_log (
    id bigserial primary key,
    at timestamptz not null default now(),
    chain_id integer not null,
    actor text not null,
    roles text not null,
    action text not null,
    subject text not null,
    query text not null,
    ip text,
    user_agent text
  );
  create index access_log_at on access_log (chain_id, id);
  create table api_secrets (
    name text primary key,
    value text not null
  );
  `,
  // Off-chain investor profiles (script/keeper/investors/profiles.ts): personal data, never on chain, officers only.
  `
  create table investor_profiles (
    chain_id integer not null,
    identity text not null,
    legal_name text not null,
    kyc_provider text not null,
    kyc_reference text not null,
    notes text not null,
    document_hashes jsonb not null,
    updated_at timestamptz not null default now(),
    updated_by text not null,
    primary key (chain_id, identity)
  );
  `,
  // Alerts are cases (script/keeper/cases): one live case per kind and subject, its history never edited. Warnings
  // and critical alerts already raised are filed into cases, so an upgraded ledger starts with its work listed.
  `
  create table alert_cases (
    id bigserial primary key,
    chain_id integer not null,
    group_key text not null,
    kind text not null,
    subject text not null,
    severity text not null check (severity in ('info', 'warning', 'critical')),
    status text not null check (status in ('open', 'acknowledged', 'resolved')),
    escalated boolean not null default false,
    assignee text,
    opened_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    resolved_at timestamptz
  );
  create unique index alert_cases_live on alert_cases (chain_id, group_key) where status <> 'resolved';
  create table alert_case_events (
    id bigserial primary key,
    case_id bigint not null references alert_cases (id),
    at timestamptz not null default now(),
    actor text not null,
    action text not null check (action in ('opened', 'alert', 'acknowledged', 'assigned', 'escalated', 'resolved', 'reopened')),
    note text not null default '',
    assignee text,
    alert_id bigint
  );
  create index alert_case_events_case on alert_case_events (case_id, id);
  alter table alerts add column case_id bigint references alert_cases (id);
  insert into alert_cases (chain_id, group_key, kind, subject, severity, status, opened_at, updated_at)
    select chain_id, kind || ':' || lower(subject), kind, min(subject),
      case when bool_or(severity = 'critical') then 'critical' else 'warning' end, 'open', min(created_at), max(created_at)
    from alerts where severity <> 'info' and voided_at is null group by chain_id, kind, lower(subject);
  update alerts set case_id = c.id from alert_cases c
    where c.chain_id = alerts.chain_id and c.group_key = alerts.kind || ':' || lower(alerts.subject) and alerts.severity <> 'info' and alerts.voided_at is null;
  insert into alert_case_events (case_id, at, actor, action, alert_id)
    select case_id, created_at, 'monitor', 'alert', id from alerts where case_id is not null;
  `,
  // The API's reads, keyed as it pages them (every filter is on a lowercased column): an investor's own trades or
  // liquidity, a pool's trades, everyone's for officers, a pool's tape. Without them each page scans every row.
  `
  create index trades_by_investor on trades (chain_id, lower(investor), block_number, log_index, tx_hash);
  create index trades_by_pool on trades (chain_id, lower(pool_id), block_number, log_index, tx_hash);
  create index trades_in_order on trades (chain_id, block_number, log_index, tx_hash);
  create index trades_tape on trades (chain_id, lower(pool_id), change_seq);
  create index liquidity_by_investor on liquidity_events (chain_id, lower(investor), block_number, log_index, tx_hash);
  create index alerts_by_subject on alerts (chain_id, lower(subject), id);
  `,
];

/** The tables whose rows come from chain logs and carry a block and a status. */
export const LOG_TABLES = ['trades', 'liquidity_events', 'registry_events'] as const;

/** Every table the migrations create (reset drops exactly these from a PostgreSQL database). */
export const LEDGER_TABLES = new Set(MIGRATIONS.flatMap((m) => [...m.matchAll(/create table (\w+)/g)].map((x) => x[1])));
