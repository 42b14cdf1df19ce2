#!/usr/bin/env bash
# Start a local PostgreSQL server for marsad's tests and print the URL for MARSAD_TEST_PG_URL.
# Installs Debian's postgresql package when no server is installed (as root, or with sudo).
# Everything but the URL goes to stderr, so: export MARSAD_TEST_PG_URL="$(bash tools/test-postgres.sh)"
set -euo pipefail
exec 3>&1 1>&2
if [ "$(id -u)" = 0 ]; then as_root=(); else as_root=(sudo -n); fi
as_postgres() { "${as_root[@]}" su postgres -s /bin/sh -c "$1" 3>&-; }
log=${TMPDIR:-/tmp}/marsad-test-postgres.log

# A command that may leave the server running, run with none of this script's descriptors open:
# a server holding them would keep $(…), and whatever reads CI's output, waiting for ever.
detached() {
  python3 -c 'import subprocess, sys
with open(sys.argv[1], "ab") as log:
    sys.exit(subprocess.call(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=True))' \
    "$log" "$@" 3>&- || { echo "failed: $* (log: $log)"; tail -n 5 "$log"; return 1; }
}

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  detached "${as_root[@]}" apt-get update -qq
  detached "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  detached "${as_root[@]}" pg_createcluster "$version" main
fi
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
  # A server killed without a shutdown (a machine restored from a snapshot) leaves its socket's
  # lock file behind; the cluster is down, so the lock is stale: remove it and start again.
  detached "${as_root[@]}" pg_ctlcluster "$version" main start || {
    "${as_root[@]}" rm -f /var/run/postgresql/.s.PGSQL.*.lock
    detached "${as_root[@]}" pg_ctlcluster "$version" main start
  }
fi
user=$(id -un)
as_postgres "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$user'\" | grep -q 1 || createuser -s '$user'"
psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'marsad_test'" 3>&- | grep -q 1 \
  || createdb marsad_test 3>&-
echo "postgresql:///marsad_test?host=/var/run/postgresql" >&3
