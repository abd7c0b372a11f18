#!/usr/bin/env bash
# Real public Laravel and Prisma applications read unmodified: for each, `migsmith detect`,
# `migsmith schema` (tables / columns / indexes / notes and the wall time) and one
# `migsmith generate --dry-run`. The apps are extracted from git mirrors (the `fetch` tool of
# the dev environment, or any clone: set MIRRORS to a directory holding <owner>+<name>/repo).
# For the Prisma apps that have migrations, the schema read from their `.prisma` files alone
# is also measured, to compare with the one the migrations give.
# Usage: scripts/real-projects-laravel-prisma.sh [path/to/migsmith]   (figures: BENCHMARKS.md)
set -euo pipefail
M=${1:-target/release/migsmith}
M=$(realpath "$M")
MIRRORS=${MIRRORS:-/work/.mirror}
OUT=${OUT:-/tmp/lp}
mkdir -p "$OUT"

# app  mirror  paths to extract  description
APPS=(
  "bookstack|BookStackApp+BookStack|database artisan .env.example|add column reading_time integer to pages"
  "koel|koel+koel|database artisan .env.example|add index on songs.year"
  "documenso|documenso+documenso|packages/prisma|add column archived boolean default false to \"User\""
  "papermark|mfts+papermark|prisma package.json|add index on \"Link\".\"createdAt\""
  "dub|dubinc+dub|apps/web/prisma apps/web/package.json|add index on \"Link\".\"createdAt\""
)

shape() { # tables columns indexes foreign-keys notes of a `schema --format json`
  python3 -c '
import json,sys
s=json.load(sys.stdin); t=s["tables"]
print(len(t), sum(len(x["columns"]) for x in t),
      sum(len(x.get("indexes",[]))+len(x.get("unique_constraints",[])) for x in t),
      sum(len(x.get("foreign_keys",[])) for x in t), len(s.get("notes",[])))'
}

for entry in "${APPS[@]}"; do
  IFS='|' read -r app mirror paths description <<<"$entry"
  git_dir="$MIRRORS/$mirror/repo"
  [ -d "$git_dir" ] || { echo "$app: no mirror at $git_dir (skipped)"; continue; }
  dir="$OUT/$app"
  rm -rf "$dir" && mkdir -p "$dir"
  for p in $paths; do
    git --git-dir "$git_dir" archive HEAD "$p" 2>/dev/null | tar -x -C "$dir" || true
  done
  # Laravel apps: the .env the app ships, on PostgreSQL (which both support).
  if [ -f "$dir/.env.example" ]; then
    sed "s/^DB_CONNECTION=.*/DB_CONNECTION=pgsql/" "$dir/.env.example" >"$dir/.env"
  fi
  echo "== $app $(git --git-dir "$git_dir" rev-parse HEAD)"
  (cd "$dir" && "$M" detect | head -1) || true
  start=$(date +%s.%N)
  if (cd "$dir" && "$M" schema --format json >"$OUT/$app.json" 2>"$OUT/$app.err"); then
    end=$(date +%s.%N)
    echo "schema: tables columns indexes fks notes = $(shape <"$OUT/$app.json"); $(echo "$end - $start" | bc) s"
  else
    echo "schema: $(cat "$OUT/$app.err" "$OUT/$app.json" | grep -m1 -o "\"message\": *\"[^\"]*\"\|error: .*")"
  fi
  if (cd "$dir" && "$M" generate "$description" --dry-run >"$OUT/$app.generate.md" 2>&1); then
    echo "generate \"$description\": ok ($(grep -m1 'Schema source' "$OUT/$app.generate.md" | sed 's/.*: //'))"
  else
    echo "generate \"$description\": $(tail -1 "$OUT/$app.generate.md")"
  fi
done

# Prisma apps with migrations: the schema files alone (migrations moved away) against them.
for app_prisma in papermark:prisma documenso:packages/prisma; do
  app=${app_prisma%%:*}; pdir=${app_prisma#*:}
  [ -d "$OUT/$app/$pdir" ] || continue
  rm -rf "$OUT/$app-files" && mkdir -p "$OUT/$app-files"
  cp -a "$OUT/$app/." "$OUT/$app-files/"
  rm -rf "$OUT/$app-files/$pdir/migrations"
  (cd "$OUT/$app-files" && "$M" schema --format json >"$OUT/$app-files.json")
  echo "$app from its .prisma files only: tables columns indexes fks notes = $(shape <"$OUT/$app-files.json")"
done
