# Shared settings of the BottleCRM scripts (sourced). Everything is overridable from the environment.
BOTTLECRM_VERSION="${BOTTLECRM_VERSION:-1.35}"
KESSLER_CACHE="${KESSLER_CACHE:-$HOME/.cache/kessler}"
BOTTLECRM_VENV="${BOTTLECRM_VENV:-$KESSLER_CACHE/bottlecrm-venv}"
BOTTLECRM_PYTHON="${BOTTLECRM_PYTHON:-/root/.pyenv/versions/3.12.1/bin/python3.12}"
# The Postgres server BottleCRM keeps its databases on (each CRM instance gets a database of its own).
BOTTLECRM_PG_URL="${BOTTLECRM_PG_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}"
# Migrating BottleCRM takes minutes; it is done once into this template and copied per instance.
BOTTLECRM_TEMPLATE_DB="${BOTTLECRM_TEMPLATE_DB:-bottlecrm_template_${BOTTLECRM_VERSION//./_}}"

# The Django settings BottleCRM reads (crm/settings.py), for a database name in $1.
bottlecrm_django_env() {
  local db="$1"
  local rest="${BOTTLECRM_PG_URL#postgres://}"
  export DJANGO_SETTINGS_MODULE=crm.settings ENV_TYPE=dev DEBUG=false
  export DBUSER="${rest%%:*}"; rest="${rest#*:}"
  export DBPASSWORD="${rest%%@*}"; rest="${rest#*@}"
  export DBHOST="${rest%%:*}"; rest="${rest#*:}"
  export DBPORT="${rest%%/*}"
  export DBNAME="$db"
  export SECRET_KEY="${BOTTLECRM_SECRET_KEY:-kessler-bottlecrm-local-secret-key-0123456789abcdef}"
  export ALLOWED_HOSTS="localhost,127.0.0.1"
}
