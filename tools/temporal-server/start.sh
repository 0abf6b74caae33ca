#!/usr/bin/env bash
# Starts the production topology's Temporal server: creates and migrates its two Postgres databases with
# temporal-sql-tool from the schema embedded in the same module version (idempotent, so every start may
# run it, like Temporal's auto-setup image did), then runs temporal-server on the module's own templated
# config (config/docker.yaml, read from the environment). docker-compose.yml and the topology tests
# (test/helpers/temporal-cluster.ts) both start Temporal through this script with the same variables:
#   DB=postgres12 POSTGRES_SEEDS DB_PORT POSTGRES_PORT POSTGRES_USER POSTGRES_PWD DBNAME VISIBILITY_DBNAME
#   BIND_ON_IP FRONTEND_GRPC_PORT (and the other services' *_GRPC_PORT / *_MEMBERSHIP_PORT)
# TEMPORAL_SERVER_HOME is the folder with temporal-server, temporal-sql-tool and config/ (default: the
# cache that build.sh fills, building it first if needed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
home="${TEMPORAL_SERVER_HOME:-$("$here/build.sh" | tail -n 1)}"
: "${DB:=postgres12}" "${POSTGRES_SEEDS:?set POSTGRES_SEEDS (the Postgres host)}" "${POSTGRES_USER:?set POSTGRES_USER}"
: "${POSTGRES_PWD:?set POSTGRES_PWD}" "${DB_PORT:=5432}" "${DBNAME:=temporal}" "${VISIBILITY_DBNAME:=temporal_visibility}"
# The visibility store's port is read from POSTGRES_PORT by the module's template, the main store's from DB_PORT.
: "${POSTGRES_PORT:=$DB_PORT}" "${DYNAMIC_CONFIG_FILE_PATH:=$here/dynamicconfig.yaml}"
# As Temporal's own image does: bind to this host's address unless told, and announce a reachable one
# to the other services when binding to all interfaces.
: "${BIND_ON_IP:=$(getent hosts "$(hostname)" | awk '{print $1; exit}')}"
if [ "$BIND_ON_IP" = "0.0.0.0" ] || [ "$BIND_ON_IP" = "::0" ]; then
  : "${TEMPORAL_BROADCAST_ADDRESS:=$(getent hosts "$(hostname)" | awk '{print $1; exit}')}"
  export TEMPORAL_BROADCAST_ADDRESS
fi
export BIND_ON_IP DB POSTGRES_SEEDS POSTGRES_USER POSTGRES_PWD DB_PORT POSTGRES_PORT DBNAME VISIBILITY_DBNAME DYNAMIC_CONFIG_FILE_PATH

sql_tool() {
  "$home/temporal-sql-tool" --plugin "$DB" --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"
}
for store in "$DBNAME:temporal" "$VISIBILITY_DBNAME:visibility"; do
  database="${store%%:*}"; schema="${store#*:}"
  # create-database fails when the database exists; a real connection problem fails the next command.
  sql_tool --db "$database" create-database >/dev/null 2>&1 || true
  sql_tool --db "$database" setup-schema -v 0.0
  sql_tool --db "$database" update-schema --schema-name "postgresql/v12/$schema"
done
exec "$home/temporal-server" --config-file "$home/config/docker.yaml" --allow-no-auth start
