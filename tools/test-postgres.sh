#!/usr/bin/env bash
# Start a local PostgreSQL server for marsad's tests and print the URL for MARSAD_TEST_PG_URL.
# Installs Debian's postgresql package when no server is installed (as root, or with sudo).
# Everything but the URL goes to stderr, so: export MARSAD_TEST_PG_URL="$(bash tools/test-postgres.sh)"
set -euo pipefail
exec 3>&1 1>&2
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
as_postgres() { as_root su postgres -s /bin/sh -c "$1"; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  as_root pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
  # The server must not inherit this script's output: $(…) would wait for it forever.
  as_root pg_ctlcluster "$version" main start 3>&- </dev/null >/dev/null 2>&1
fi
user=$(id -un)
as_postgres "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$user'\" | grep -q 1 || createuser -s '$user'"
psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'marsad_test'" | grep -q 1 || createdb marsad_test
echo "postgresql:///marsad_test?host=/var/run/postgresql" >&3
