#!/usr/bin/env bash
# Laravel apps: the schema migsmith reads from the migration files, against the live catalog
# after `php artisan migrate` ran those same files on a scratch PostgreSQL database.
# Runs the apps' migrations with Debian's Laravel 8.83 (apt: php-cli php-pgsql
# php-laravel-framework) in the harness of tests/fixtures/e2e/laravel, plus the hash service
# and the `Schema`/`DB` facade aliases the apps use. The apps' Composer dependencies are not
# installed, so `migrate` stops at the first migration that needs one (a model class, a
# package, doctrine/dbal for `->change()`); the comparison covers the migrations that ran.
# Needs scripts/real-projects-laravel-prisma.sh to have extracted the apps into $OUT first.
# Usage: scripts/real-projects-laravel-live.sh [path/to/migsmith]   (figures: BENCHMARKS.md)
set -euo pipefail
M=$(realpath "${1:-target/release/migsmith}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/tmp/lp}
PG=${PG:-postgres://postgres@127.0.0.1:5432}

for app in bookstack koel; do
  [ -d "$OUT/$app/database/migrations" ] || { echo "$app: not extracted (skipped)"; continue; }
  live="$OUT/live-$app" db="laravel_prisma_live_$app"
  rm -rf "$live" && cp -a "$ROOT/tests/fixtures/e2e/laravel" "$live"
  cp "$OUT/$app"/database/migrations/*.php "$live/database/migrations/"
  # Files that cannot even be required without the app's packages.
  { grep -l 'Laravel\\Ai' "$live"/database/migrations/*.php || true; } | xargs -r rm
  sed -i "s|^    'providers' => \[|    'aliases' => ['Schema' => Illuminate\\\\Support\\\\Facades\\\\Schema::class, 'DB' => Illuminate\\\\Support\\\\Facades\\\\DB::class],\n    'providers' => [\n        Illuminate\\\\Hashing\\\\HashServiceProvider::class,|" "$live/config/app.php"
  printf "<?php\nreturn ['driver' => 'bcrypt'];\n" >"$live/config/hashing.php"
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  (cd "$live" && DATABASE_URL="$PG/$db" php artisan migrate --force >"$OUT/live-$app.log" 2>&1) || true
  ran=$(grep '^Migrated' "$OUT/live-$app.log" | awk '{print $2}')
  stop=$(grep -m1 -A4 '^In ' "$OUT/live-$app.log" | grep -v '^\s*$' | tr -s ' ' | tr '\n' ' ' | cut -c1-160)
  files="$OUT/files-$app"
  rm -rf "$files" && mkdir -p "$files/database/migrations"
  cp "$OUT/$app/artisan" "$files/" && echo DB_CONNECTION=pgsql >"$files/.env"
  for f in $ran; do cp "$OUT/$app/database/migrations/$f.php" "$files/database/migrations/"; done
  (cd "$files" && "$M" schema --format json >"$OUT/files-$app.json")
  "$M" schema --database-url "$PG/$db" --format json >"$OUT/live-$app.json"
  echo "== $app: $(echo "$ran" | wc -w) migrations ran; stopped at: $stop"
  python3 - "$OUT/files-$app.json" "$OUT/live-$app.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ta = {x["name"]: x for x in a["tables"]}
tb = {x["name"]: x for x in b["tables"] if x["name"] != "migrations"}
diffs = [f"table {k} only on one side" for k in set(ta) ^ set(tb)]
for k in sorted(set(ta) & set(tb)):
    col = lambda t: {c["name"]: (c["type"], c["nullable"], c.get("default")) for c in t["columns"]}
    ca, cb = col(ta[k]), col(tb[k])
    diffs += [f"{k}.{c}: files {ca.get(c)} live {cb.get(c)}" for c in sorted(set(ca) | set(cb)) if ca.get(c) != cb.get(c)]
    for key in ["indexes", "foreign_keys", "unique_constraints", "check_constraints"]:
        na, nb = ({i["name"] for i in t.get(key, [])} for t in (ta[k], tb[k]))
        diffs += [f"{k} {key}: {sorted(na ^ nb)}"] if na != nb else []
    pk = lambda t: (t.get("primary_key") or {}).get("columns")
    diffs += [f"{k} primary key: {pk(ta[k])} / {pk(tb[k])}"] if pk(ta[k]) != pk(tb[k]) else []
cols = sum(len(t["columns"]) for t in ta.values())
print(f"tables {len(ta)} / {len(tb)}, columns {cols}, differences: {len(diffs)}")
for d in diffs[:20]:
    print("  " + d)
PY
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $db"
done
