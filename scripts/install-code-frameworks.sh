#!/usr/bin/env bash
# Installs the real CLIs of the code-based migration frameworks, project-locally, for the
# end-to-end suite (scripts/e2e.sh, tests/e2e_code_frameworks.rs):
#   - npm: sequelize-cli, typeorm (+ typescript@5, ts-node), knex, pg, mysql2 → .e2e/node
#     (versions pinned by the committed scripts/e2e/node/package-lock.json, installed with `npm ci`)
#   - pip: django, alembic, sqlalchemy, psycopg, mysqlclient → .e2e/venv (pinned in scripts/e2e/requirements.txt;
#     mysqlclient builds against libmariadb-dev, found with pkg-config)
#   - apt: ruby + ActiveRecord/railties + pg + sqlite3 + mysql2 (Rails migrations on PostgreSQL, SQLite
#     and MariaDB), php + Laravel + pdo_pgsql/pdo_mysql (Debian packages)
# Idempotent: each part is skipped when its lock/requirements file has not changed since the
# last install (a stamp file beside it), so a second run takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
e2e="$root/.e2e"
mkdir -p "$e2e"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# apt: Ruby/ActiveRecord and PHP/Laravel.
apt_packages=(ruby ruby-activerecord ruby-railties ruby-activejob ruby-pg ruby-sqlite3 ruby-mysql2
  bundler php-cli php-pgsql php-mysql php-laravel-framework libmariadb-dev pkg-config)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-code-frameworks: apt installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm: project-local, exact versions from the committed lock file.
node_src="$root/scripts/e2e/node"
node_dir="$e2e/node"
if ! cmp -s "$node_src/package-lock.json" "$node_dir/.installed-lock" 2>/dev/null; then
  echo "install-code-frameworks: npm ci into .e2e/node"
  mkdir -p "$node_dir"
  cp "$node_src/package.json" "$node_src/package-lock.json" "$node_dir/"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$node_src/package-lock.json" "$node_dir/.installed-lock"
fi

# pip: a venv with pinned versions.
req="$root/scripts/e2e/requirements.txt"
venv="$e2e/venv"
if ! cmp -s "$req" "$venv/.installed-requirements" 2>/dev/null; then
  echo "install-code-frameworks: pip installing into .e2e/venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  cp "$req" "$venv/.installed-requirements"
fi

echo "install-code-frameworks: ready (node: $node_dir/node_modules/.bin, python: $venv/bin, ruby: $(command -v ruby), php: $(command -v php))"
