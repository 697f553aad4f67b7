#!/usr/bin/env bash
# OS tools the benchmark harness needs, installed from Debian's packages only when
# missing: wrk (the HTTP load generator) and pgbench (the database baseline).
set -euo pipefail
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if ! command -v pgbench >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1; then
  missing+=(postgresql-contrib)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "[bench-deps] installing ${missing[*]}" >&2
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || true
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
fi
