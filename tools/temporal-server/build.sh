#!/usr/bin/env bash
# Builds the real Temporal server (and temporal-sql-tool) from the Go module proxy into a cache outside
# the repo, so the production-topology tests run the same server that docker-compose.yml starts.
# Idempotent: when the cached binaries of this version exist it does nothing (a cold build takes 11+
# minutes on a busy 2-core machine, so CI rebuilds only when the version below changes).
# Prints the cache directory on its last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="$(tr -d ' \n' < "$here/VERSION")"
cache="${KESSLER_CACHE:-$HOME/.cache/kessler}/temporal-server-$version"

if [ -x "$cache/temporal-server" ] && [ -x "$cache/temporal-sql-tool" ] && [ -d "$cache/schema/postgresql" ]; then
  echo "$cache"
  exit 0
fi

# v1.32 needs a newer Go than the machine's; the go command fetches this approved toolchain from the proxy.
export GOTOOLCHAIN="${GOTOOLCHAIN_TEMPORAL:-go1.27.3}"
export CGO_ENABLED=0
mkdir -p "$cache.tmp"
started=$(date +%s)
echo "--- building go.temporal.io/server@$version (cmd/server, cmd/tools/sql) into $cache" >&2
GOBIN="$cache.tmp" go install -trimpath "go.temporal.io/server/cmd/server@$version" \
  "go.temporal.io/server/cmd/tools/sql@$version" >&2
mv "$cache.tmp/server" "$cache.tmp/temporal-server"
mv "$cache.tmp/sql" "$cache.tmp/temporal-sql-tool"
# The module's own schema and config templates, so setup and config come from the same version.
src="$(go env GOMODCACHE)/go.temporal.io/server@$version"
cp -r "$src/schema" "$cache.tmp/schema"
cp -r "$src/config" "$cache.tmp/config"
chmod -R u+w "$cache.tmp"
rm -rf "$cache"
mv "$cache.tmp" "$cache"
echo "--- built in $(( $(date +%s) - started )) s" >&2
echo "$cache"
