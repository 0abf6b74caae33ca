#!/usr/bin/env bash
# Stops an instance made by start.sh: stop.sh <dir> [--server-only]. Without --server-only its Redis stops
# and its database is dropped too.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
state="$1"
source "$state/env"
if [ -f "$state/gunicorn.pid" ]; then
  pid=$(cat "$state/gunicorn.pid")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$state/gunicorn.pid"
fi
[ "${2:-}" = "--server-only" ] && exit 0
[ -f "$state/redis.pid" ] && kill "$(cat "$state/redis.pid")" 2>/dev/null
psql "$BOTTLECRM_PG_URL" -qc "drop database if exists $db with (force)" >/dev/null
exit 0
