#!/usr/bin/env bash
# Starts one BottleCRM instance: its own Redis, its own database (copied from the migrated template), an
# admin with an org and a personal access token, and gunicorn on a port.
#   BOTTLECRM_STATE=<dir> BOTTLECRM_PORT=<port> BOTTLECRM_REDIS_PORT=<port> [KESSLER_CRM_REPS=a@x,b@y] start.sh
# Prints one JSON line {"url","token","orgId","database","state"}; stop.sh <dir> stops it again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
state="${BOTTLECRM_STATE:?BOTTLECRM_STATE (a directory for pid files and logs) is required}"
port="${BOTTLECRM_PORT:-8390}"
redis_port="${BOTTLECRM_REDIS_PORT:-6390}"
db="${BOTTLECRM_DB:-bottlecrm_$port}"
mkdir -p "$state"
"$here/install.sh" >/dev/null

redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
  --pidfile "$state/redis.pid" --logfile "$state/redis.log" --dir "$state"
psql "$BOTTLECRM_PG_URL" -qc "drop database if exists $db" -c "create database $db template $BOTTLECRM_TEMPLATE_DB"
bottlecrm_django_env "$db"
export CELERY_BROKER_URL="redis://127.0.0.1:$redis_port/0" CELERY_RESULT_BACKEND="redis://127.0.0.1:$redis_port/0"
credentials=$(cd /tmp && "$BOTTLECRM_VENV/bin/python" "$here/bootstrap.py")
cat > "$state/env" <<ENV
db=$db
port=$port
redis_port=$redis_port
ENV
"$here/serve.sh" "$state"
printf '{"url":"http://127.0.0.1:%s","database":"%s","state":"%s",%s\n' "$port" "$db" "$state" "${credentials#\{}"
