#!/usr/bin/env bash
# Bring up (or stop) the PostgreSQL and Redis this checkout uses.
#
#   scripts/services.sh up     start private instances unless DATABASE_URL / REDIS_URL
#                              point at existing services; print the URLs as
#                              shell assignments (eval-able)
#   scripts/services.sh down   stop the private instances
#
# Private instances live in .services/ with their own ports (PORTAL_PG_PORT, default
# 25432; PORTAL_REDIS_PORT, default 26379: below the ephemeral port range, so an
# outgoing connection never holds them), so another cluster's data is never touched.
# Missing server binaries are installed from the OS packages (Debian/Ubuntu).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="$ROOT/.services"
PG_PORT="${PORTAL_PG_PORT:-25432}"
REDIS_PORT="${PORTAL_REDIS_PORT:-26379}"
PG_DATA="$STATE/pg"
REDIS_DIR="$STATE/redis"

log() { echo "[services] $*" >&2; }

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0 || return 1
}

# The first free port from $1 upwards: another program (or another checkout's
# private cluster) on the preferred port is never disturbed.
free_port() {
  local port="$1"
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  log "installing $* from the OS packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2
}

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    apt_install postgresql postgresql-contrib
    dir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  echo "$dir"
}

# PostgreSQL refuses to run as root; run it as the OS "postgres" user then.
pg_run() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# As root, PostgreSQL runs as the "postgres" user, which must be able to reach its
# data folder. A checkout under a private folder (mktemp -d is mode 700) is out of its
# reach: the cluster then lives in a folder of its own under /var/lib/postgresql,
# named after this checkout, still never another cluster's.
choose_pg_data() {
  [ "$(id -u)" -eq 0 ] || return 0
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  mkdir -p "$STATE"
  chmod 755 "$STATE"
  if ! runuser -u postgres -- test -x "$STATE"; then
    PG_DATA="/var/lib/postgresql/portal-dev/$(printf %s "$ROOT" | sha1sum | cut -c1-12)/pg"
    mkdir -p "$(dirname "$PG_DATA")"
    chown postgres "$(dirname "$PG_DATA")"
  fi
}

pg_up() {
  local bin
  bin="$(pg_bin)"
  choose_pg_data
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    log "initialising a private PostgreSQL cluster in $PG_DATA"
    mkdir -p "$PG_DATA"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$PG_DATA"; fi
    pg_run "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >"$STATE/initdb.log" 2>&1
  fi
  if pg_run "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    PG_PORT="$(sed -n 4p "$PG_DATA/postmaster.pid")"
    log "PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    PG_PORT="$(free_port "$PG_PORT")"
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    pg_run "$bin/pg_ctl" -D "$PG_DATA" -w -t 60 -l "$PG_DATA/server.log" \
      -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c synchronous_commit=off -c max_connections=200" start >&2
  fi
  pg_run "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='portal'" | grep -q 1 ||
    pg_run "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres portal
}

redis_up() {
  if ! command -v redis-server >/dev/null 2>&1; then apt_install redis-server; fi
  mkdir -p "$REDIS_DIR"
  if [ -f "$REDIS_DIR/redis.pid" ] && kill -0 "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null \
      && [ -f "$REDIS_DIR/port" ]; then
    REDIS_PORT="$(cat "$REDIS_DIR/port")"
    log "Redis already running on 127.0.0.1:$REDIS_PORT"
  else
    REDIS_PORT="$(free_port "$REDIS_PORT")"
    echo "$REDIS_PORT" >"$REDIS_DIR/port"
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" \
      --appendonly no --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" \
      --logfile "$REDIS_DIR/redis.log" >&2
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

up() {
  if [ -z "${DATABASE_URL:-}" ]; then
    pg_up
    echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/portal"
  else
    log "using DATABASE_URL from the environment"
    echo "export DATABASE_URL=$DATABASE_URL"
  fi
  if [ -z "${REDIS_URL:-}" ]; then
    redis_up
    echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
    echo "export PORTAL_REDIS_PORT=$REDIS_PORT"
  else
    log "using REDIS_URL from the environment"
    echo "export REDIS_URL=$REDIS_URL"
  fi
}

down() {
  choose_pg_data
  if [ -s "$PG_DATA/PG_VERSION" ]; then
    pg_run "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast stop >&2 || true
  fi
  if [ -f "$REDIS_DIR/redis.pid" ] && [ -f "$REDIS_DIR/port" ]; then
    redis-cli -p "$(cat "$REDIS_DIR/port")" shutdown nosave >&2 || true
    rm -f "$REDIS_DIR/redis.pid"
  fi
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
