#!/usr/bin/env bash
# Runs a Python script inside an instance made by start.sh (Django set up on its database): python.sh <dir> script.py [args]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
state="$1"; shift
source "$state/env"
bottlecrm_django_env "$db"
export CELERY_BROKER_URL="redis://127.0.0.1:$redis_port/0" CELERY_RESULT_BACKEND="redis://127.0.0.1:$redis_port/0"
cd /tmp && exec "$BOTTLECRM_VENV/bin/python" "$@"
