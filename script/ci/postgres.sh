#!/usr/bin/env bash
# Debian's PostgreSQL for the ledger tests: install if missing, start the default cluster, and create the role the
# tests connect as. Prints the URL to export as ACCREDEX_TEST_DATABASE_URL. Idempotent; needs root (CI machines are).
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
pg_ctlcluster "$version" main status >/dev/null 2>&1 || pg_ctlcluster "$version" main start
for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 && break; sleep 0.2; done
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
do $$ begin
  if not exists (select from pg_roles where rolname = 'accredex') then
    create role accredex login password 'accredex' createdb;
  end if;
end $$;
SQL
echo "postgresql://accredex:accredex@127.0.0.1:5432/postgres"
