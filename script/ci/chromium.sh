#!/usr/bin/env bash
# Debian's Chromium for the dashboard's end-to-end tests (playwright-core drives it; Playwright's own browser
# download can't reach its servers here). Installs it if missing; idempotent; needs root (CI machines are).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version
