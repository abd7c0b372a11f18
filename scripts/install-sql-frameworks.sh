#!/usr/bin/env bash
# Installs the real CLIs of the SQL-file frameworks that run on this machine, project-locally,
# for tests/e2e_sql_frameworks.rs: dbmate and Liquibase 4.28.1 (npm packages; Liquibase needs
# Java, installed with apt when missing). Versions are pinned by scripts/e2e/sql-frameworks/
# package.json and its package-lock.json; the install lands in .e2e/sql-frameworks/. Also the
# Prisma CLI 6.19.3 (npm, without its native engines; see below) in .e2e/prisma/, for
# tests/e2e_prisma_schema.rs.
# Idempotent and fast when already installed. Prints the binaries' paths at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v java >/dev/null; then
  echo "install-sql-frameworks: installing Java (Liquibase runs on it)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi
if ! command -v npm >/dev/null; then
  echo "install-sql-frameworks: installing npm"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
fi

dest=.e2e/sql-frameworks
src=scripts/e2e/sql-frameworks
mkdir -p "$dest"
if ! cmp -s "$src/package.json" "$dest/package.json" \
   || ! cmp -s "$src/package-lock.json" "$dest/package-lock.json" 2>/dev/null \
   || [ ! -x "$dest/node_modules/.bin/dbmate" ] || [ ! -x "$dest/node_modules/liquibase/dist/liquibase/liquibase" ]; then
  cp "$src/package.json" "$dest/"
  if [ -f "$src/package-lock.json" ]; then
    cp "$src/package-lock.json" "$dest/"
    # `npm install` with the pinned lock, not `npm ci`: npm 11 writes locks without dbmate's
    # other-platform optional packages, then `npm ci` refuses its own lock (EUSAGE). Keep the
    # committed lock as the record of what is installed (the check above compares it).
    (cd "$dest" && npm install --no-audit --no-fund --loglevel=error)
    cp "$src/package-lock.json" "$dest/"
  else
    (cd "$dest" && npm install --no-audit --no-fund --loglevel=error)
    cp "$dest/package-lock.json" "$src/"
  fi
fi
"$dest/node_modules/.bin/dbmate" --version

# The Prisma CLI, for `prisma validate` of the schema.prisma files migsmith edits
# (tests/e2e_prisma_schema.rs). Validation runs on the CLI's bundled WebAssembly schema engine;
# --ignore-scripts skips the native engines' download (binaries.prisma.sh is not reachable
# offline), and the test points PRISMA_SCHEMA_ENGINE_BINARY / PRISMA_QUERY_ENGINE_LIBRARY at
# placeholders so the CLI does not try to fetch them.
prisma_dest=.e2e/prisma
if [ ! -x "$prisma_dest/node_modules/.bin/prisma" ]; then
  mkdir -p "$prisma_dest"
  (cd "$prisma_dest" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error prisma@6.19.3)
fi
echo "install-sql-frameworks: dbmate at $dest/node_modules/.bin/dbmate, liquibase at $dest/node_modules/liquibase/dist/liquibase/liquibase, prisma at $prisma_dest/node_modules/.bin/prisma"
