#!/usr/bin/env bash
# `npm start`: services up, local secrets made once, the platform started with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/ensure-services.sh

mkdir -p .data
fresh_secrets=false
if [[ ! -f .data/parley.env ]]; then
  fresh_secrets=true
  # Secrets for this machine only: the platform admin key and the key that seals app secrets.
  umask 077
  {
    echo "PARLEY_ADMIN_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+=' )"
    echo "PARLEY_SECRET_KEY=$(head -c 32 /dev/urandom | base64)"
  } > .data/parley.env
fi
if ! grep -q '^PARLEY_ANALYST_KEY=' .data/parley.env; then
  # The platform analyst key (read-only SQL over ClickHouse) came later: add it once.
  echo "PARLEY_ANALYST_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+=' )" >> .data/parley.env
fi
if ! grep -q '^STRIPE_WEBHOOK_SECRETS=' .data/parley.env; then
  # Stripe's webhook signing secret: the demo's local fake Stripe signs with it. Added once.
  echo "STRIPE_WEBHOOK_SECRETS=whsec_$(head -c 24 /dev/urandom | base64 | tr -d '/+=' )" >> .data/parley.env
fi
if ! grep -q '^DASHBOARD_SESSION_SECRET=' .data/parley.env; then
  # The dashboard seals its session cookies with it (at least 32 characters): added once.
  echo "DASHBOARD_SESSION_SECRET=$(head -c 32 /dev/urandom | base64 | tr -d '/+=' )" >> .data/parley.env
fi
set -a
# shellcheck disable=SC1091
. .data/parley.env
set +a
export PARLEY_DATABASE_URL="${PARLEY_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/parley}"
export PARLEY_DEMO_FILE="${PARLEY_DEMO_FILE:-.data/demo.json}"
# A development machine: tenants' webhooks may point at local receivers (never in production).
export PARLEY_WEBHOOKS_ALLOW_LOOPBACK="${PARLEY_WEBHOOKS_ALLOW_LOOPBACK:-true}"

db=$(basename "${PARLEY_DATABASE_URL%%\?*}")
if $fresh_secrets && [[ "$PARLEY_DATABASE_URL" == postgres://postgres@127.0.0.1:5432/parley ]] &&
  psql "${PARLEY_DATABASE_URL%/*}/postgres" -Atqc "select 1 from pg_database where datname = 'parley'" | grep -q 1; then
  # The default demo database was sealed with secrets that are gone with .data/: start it anew.
  echo "[start] new secrets in .data/: recreating the demo database 'parley'"
  psql "${PARLEY_DATABASE_URL%/*}/postgres" -qc 'DROP DATABASE parley WITH (FORCE)'
fi
if ! psql "${PARLEY_DATABASE_URL%/*}/postgres" -Atqc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
  psql "${PARLEY_DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$db\""
  rm -f "$PARLEY_DEMO_FILE" # a new database has no demo yet
fi
# A larger young generation: the API allocates per request, and scavenges are its GC cost.
export NODE_OPTIONS="${NODE_OPTIONS:-} --max-semi-space-size=64"
exec npx tsx infra/src/run-platform.ts
