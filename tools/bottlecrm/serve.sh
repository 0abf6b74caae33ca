#!/usr/bin/env bash
# (Re)starts the gunicorn of an instance made by start.sh and waits until it answers. The fault tests stop
# only this process (stop.sh --server-only) and start it again with this script, keeping the data.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
state="$1"
source "$state/env"
bottlecrm_django_env "$db"
export CELERY_BROKER_URL="redis://127.0.0.1:$redis_port/0" CELERY_RESULT_BACKEND="redis://127.0.0.1:$redis_port/0"
cd /tmp
"$BOTTLECRM_VENV/bin/gunicorn" crm.wsgi -b "127.0.0.1:$port" -w "${BOTTLECRM_WORKERS:-2}" --daemon \
  --pid "$state/gunicorn.pid" --error-logfile "$state/gunicorn.log" --timeout 60 --control-socket "$state/gunicorn.ctl"
for _ in $(seq 1 150); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/contacts/" || true)
  if [ "$code" = "401" ] || [ "$code" = "403" ] || [ "$code" = "200" ]; then exit 0; fi
  sleep 0.2
done
echo "BottleCRM did not answer on port $port within 30 s; see $state/gunicorn.log" >&2
exit 1
