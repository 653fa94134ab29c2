#!/usr/bin/env bash
# Start the machine's PostgreSQL 15 (installing Debian's package if absent) and make sure
# the test role exists. Exit 1 only when no server can be started at all.
set -uo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -n -u postgres bash -c "$1"; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /usr/lib/postgresql/15 ]; then
  echo "Installing PostgreSQL 15 (Debian package)…"
  as_root apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null 2>&1 || exit 1
fi
if ! pg_lsclusters -h 2>/dev/null | grep -q "^15 \+main"; then
  as_root pg_createcluster 15 main >/dev/null 2>&1 || exit 1
fi
if ! pg_lsclusters -h | grep -q "^15 \+main .* online"; then
  as_root pg_ctlcluster --skip-systemctl-redirect 15 main start || exit 1
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
pg_isready -q -h 127.0.0.1 -p 5432 || exit 1
as_postgres "psql -q -v ON_ERROR_STOP=1 -c \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'affiche') THEN CREATE ROLE affiche LOGIN CREATEDB PASSWORD 'affiche'; END IF; END\\\$\\\$;\"" || exit 1
echo "PostgreSQL 15 is up on 127.0.0.1:5432 (role affiche)."
