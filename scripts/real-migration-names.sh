#!/usr/bin/env bash
# Real migration names through migsmith's name reader (names only, no schema).
# Usage: scripts/real-migration-names.sh            (uses the lists in scripts/real-migration-names/)
#        scripts/real-migration-names.sh GITDIR...   (lists db/migrate/*.rb at HEAD of each bare repo)
# The lists: rubygems.org, diaspora and lobsters are `git ls-tree -r HEAD --name-only | grep ^db/migrate/`
# of their snapshots (see BENCHMARKS.md for the commits); mastodon.txt is the first 99 db/migrate
# names (2016-02 … 2017-05) of mastodon/mastodon, as the code index lists them — the repository is
# too large to fetch here.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --example parse_migration_names
bin=target/debug/examples/parse_migration_names
if [ $# -gt 0 ]; then
  for g in "$@"; do
    git --git-dir "$g" ls-tree -r HEAD --name-only | grep '^db/migrate/.*\.rb$' | "$bin" | tail -1
  done
  exit 0
fi
for list in scripts/real-migration-names/*.txt; do
  printf '%s\t' "$(basename "$list" .txt)"
  "$bin" < "$list" | tail -1
done
printf 'all\t'
cat scripts/real-migration-names/*.txt | "$bin" | tail -1
