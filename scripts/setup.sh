#!/usr/bin/env bash
# Installs what building and testing migsmith needs, and starts the database servers the tests
# use when they are installed but stopped. Safe to run again; does nothing that is already done.
#   - libclang (pg_query, the real PostgreSQL parser, generates its bindings with bindgen)
#   - psql / pg_dump (tests apply migrations with psql -f, and load real pg_dump output)
#   - mysql / mysqldump (the MySQL/MariaDB schema tests, the same way)
#   - sqlite3 (the SQLite tests load `sqlite3 DB .schema` output)
#   - man, groff, zsh, fish and script (the CLI tests check the man page renders, the completion
#     scripts parse in their shells, and colour appears on a pseudo-terminal)
#   - PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) and MariaDB on 127.0.0.1:3306
set -euo pipefail

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
# (grep without -q: with pipefail, -q's early exit would SIGPIPE ldconfig and read as missing)
ldconfig -p 2>/dev/null | grep 'libclang[-.0-9]*\.so' >/dev/null || missing+=(libclang-dev)
command -v psql >/dev/null || missing+=(postgresql-client)
command -v pg_dump >/dev/null || missing+=(postgresql-client)
command -v cc >/dev/null || missing+=(build-essential)
# migsmith verify/calibrate start ephemeral clusters with initdb/pg_ctl (the server package).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v man >/dev/null || missing+=(man-db)
command -v groff >/dev/null || missing+=(groff-base)
command -v zsh >/dev/null || missing+=(zsh)
command -v fish >/dev/null || missing+=(fish)
command -v script >/dev/null || missing+=(bsdutils)
# The MySQL/MariaDB tests apply scripts with the mysql client and load real mysqldump output.
command -v mysql >/dev/null || missing+=(mariadb-client)
command -v mysqldump >/dev/null || missing+=(mariadb-client)
# The SQLite tests compare the loader with what `sqlite3 DB .schema` prints.
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if [ -d /etc/postgresql ]; then
    echo "setup: starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "setup: PostgreSQL is up on 127.0.0.1:5432"
else
  echo "setup: PostgreSQL is NOT reachable on 127.0.0.1:5432; database tests will be skipped (and fail under CI)" >&2
fi

if [ -x /usr/sbin/mariadbd ] && ! (echo > /dev/tcp/127.0.0.1/3306) 2>/dev/null; then
  echo "setup: starting MariaDB"
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
fi
