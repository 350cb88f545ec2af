#!/usr/bin/env bash
# Makes sure the services Parley needs run on this machine: PostgreSQL and Redis on
# 127.0.0.1, and Chromium for the dashboard's browser tests. Installs them with apt-get on
# Debian when missing (as root); otherwise says what to install. Idempotent: safe to run
# before every start and every test run.
set -euo pipefail

PG_PORT=5432
REDIS_PORT=6379
say() { echo "[services] $*"; }

missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# The dashboard's browser tests drive Debian's Chromium (/usr/bin/chromium) through playwright-core.
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if ((${#missing[@]})); then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif [[ "${missing[*]}" == chromium ]]; then
    # The platform runs without a browser: only the dashboard's browser tests need it.
    say "missing: chromium (the dashboard's browser tests need /usr/bin/chromium). On Debian/Ubuntu: sudo apt-get install -y chromium" >&2
  else
    say "missing: ${missing[*]}. On Debian/Ubuntu: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# PostgreSQL: start the newest cluster if nothing answers.
if ! pg_isready -h 127.0.0.1 -p "$PG_PORT" -q; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  say "starting PostgreSQL $version"
  if [[ $EUID -eq 0 ]]; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  else
    sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -p "$PG_PORT" -q && break; sleep 0.2; done
fi

# Local development connects as postgres over TCP without a password. A fresh Debian
# cluster asks for one: trust loopback connections (development machines only).
if ! psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1 </dev/null; then
  if [[ $EUID -eq 0 ]]; then
    hba=$(su postgres -c "psql -Atqc 'show hba_file'")
    say "allowing trusted loopback connections in $hba (development set-up)"
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    su postgres -c "psql -Atqc 'select pg_reload_conf()'" >/dev/null
    sleep 0.5
  fi
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null </dev/null || {
    say "cannot connect to PostgreSQL as postgres@127.0.0.1:$PG_PORT without a password" >&2
    exit 1
  }
fi

# Redis: nothing kept on disk; it carries queues, not the truth.
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "${TMPDIR:-/tmp}" --logfile "${TMPDIR:-/tmp}/parley-redis.log"
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
fi

say "PostgreSQL  postgres://postgres@127.0.0.1:$PG_PORT"
say "Redis       redis://127.0.0.1:$REDIS_PORT"
if [[ -x /usr/bin/chromium ]]; then say "Chromium    /usr/bin/chromium (dashboard browser tests)"; fi
