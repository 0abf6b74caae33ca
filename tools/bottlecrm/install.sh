#!/usr/bin/env bash
# Installs BottleCRM (PyPI django-crm) into a cached venv and migrates it once into a template database.
# Idempotent: a second run finds both and returns in a second. Used by .ci/run and the integration tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
mkdir -p "$KESSLER_CACHE"
# One install at a time (CI starts one in the background; the first test that needs the CRM waits on it).
exec 9>"$KESSLER_CACHE/bottlecrm-install.lock"
flock 9
if [ ! -x "$BOTTLECRM_PYTHON" ]; then BOTTLECRM_PYTHON="$(command -v python3.13 || command -v python3.12 || command -v python3)"; fi
if [ ! -x "$BOTTLECRM_VENV/bin/gunicorn" ] || ! "$BOTTLECRM_VENV/bin/python" -c "import crm, packaging" 2>/dev/null; then
  "$BOTTLECRM_PYTHON" -m venv "$BOTTLECRM_VENV"
  # packaging: kombu's Redis transport imports it but django-crm 1.35 does not declare it (every create
  # answers 500 "No module named 'packaging'" without it).
  "$BOTTLECRM_VENV/bin/pip" install -q "django-crm==$BOTTLECRM_VERSION" gunicorn packaging
fi
exists=$(psql "$BOTTLECRM_PG_URL" -Atc "select 1 from pg_database where datname = '$BOTTLECRM_TEMPLATE_DB'")
if [ "$exists" != "1" ]; then
  building="${BOTTLECRM_TEMPLATE_DB}_building"
  psql "$BOTTLECRM_PG_URL" -qc "drop database if exists $building" -c "create database $building"
  ( bottlecrm_django_env "$building"; cd /tmp && "$BOTTLECRM_VENV/bin/python" -m django migrate --noinput >/dev/null )
  # Renamed only when complete, so a killed install never leaves a half-migrated template behind.
  psql "$BOTTLECRM_PG_URL" -qc "alter database $building rename to $BOTTLECRM_TEMPLATE_DB"
fi
echo "BottleCRM $BOTTLECRM_VERSION: venv $BOTTLECRM_VENV, template database $BOTTLECRM_TEMPLATE_DB"
