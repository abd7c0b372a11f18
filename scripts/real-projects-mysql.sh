#!/usr/bin/env bash
# Load real MySQL schema dumps (e.g. a Laravel app's database/schema/mysql-schema.sql) with
# `migsmith schema --schema`, then check them against the real MariaDB on 127.0.0.1:3306:
#   1. the file's share that loads: CREATE TABLE statements in the file vs tables in the model,
#      and the notes (statements not modelled or not understood);
#   2. the file is applied to a scratch database; the live read must equal loading that
#      database's own `mysqldump --no-data` (server and statistics aside);
#   3. the file's model against the live read: columns (nullability, type without integer
#      display widths, which MySQL 8 no longer prints), primary keys, index and FK names.
#
#   scripts/real-projects-mysql.sh target/debug/migsmith NAME=FILE...
#
# Needs mysql, mysqldump and jq. Scratch databases are named mysqlschema_real_<n> and dropped.
set -euo pipefail
migsmith="$1"
shift
my=(mysql -h 127.0.0.1 -P 3306 -u root)
tmp="$(mktemp -d)"
dbs=()
cleanup() {
  for db in "${dbs[@]}"; do "${my[@]}" -e "DROP DATABASE IF EXISTS \`$db\`" || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# One line per fact, so two models compare with `comm`.
shape='.tables[] | .name as $t |
  ([.columns[] | "\($t).\(.name) \(.type | gsub("(?<k>(tiny|small|medium|big)?int)\\([0-9]+\\)"; .k)) \(if .nullable then "null" else "not null" end)"]
   + ["\($t) pk \(.primary_key.columns // [] | join(","))"]
   + [(.indexes // [])[] | "\($t) index \(.name)"]
   + [(.foreign_keys // [])[] | "\($t) fk \(.name) -> \(.ref_table)"]) | .[]'
strip='del(.server) | .tables |= map(del(.stats))'

printf '| app | file | CREATE TABLE | loaded | columns | indexes | FKs | notes | load | live = its mysqldump | file vs live |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
n=0
for arg in "$@"; do
  name="${arg%%=*}"
  file="${arg#*=}"
  n=$((n + 1))
  creates=$(grep -ci '^CREATE TABLE' "$file" || true)
  start=$(date +%s.%N)
  "$migsmith" schema --schema "$file" --format json > "$tmp/file.json"
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  read -r tables columns indexes fks notes < <(jq -r '[(.tables|length), ([.tables[].columns|length]|add), ([.tables[].indexes//[]|length]|add), ([.tables[].foreign_keys//[]|length]|add), (.notes//[]|length)] | @tsv' "$tmp/file.json")

  db="mysqlschema_real_${n}_$$"
  dbs+=("$db")
  "${my[@]}" -e "CREATE DATABASE \`$db\`"
  "${my[@]}" "$db" < "$file"
  url="mysql://root@127.0.0.1:3306/$db"
  "$migsmith" schema --database-url "$url" --format json | jq -S "$strip" > "$tmp/live.json"
  mysqldump -h 127.0.0.1 -P 3306 -u root --no-data --routines "$db" > "$tmp/dump.sql"
  "$migsmith" schema --schema "$tmp/dump.sql" --format json | jq -S . > "$tmp/dump.json"
  if diff -q "$tmp/live.json" "$tmp/dump.json" >/dev/null; then
    roundtrip="equal"
  else
    roundtrip="DIFFERENT ($(diff "$tmp/live.json" "$tmp/dump.json" | grep -c '^[<>]') lines)"
  fi
  jq -r "$shape" "$tmp/file.json" | sort > "$tmp/file.shape"
  jq -r "$shape" "$tmp/live.json" | sort > "$tmp/live.shape"
  facts=$(wc -l < "$tmp/live.shape")
  differ=$(comm -3 "$tmp/file.shape" "$tmp/live.shape" | wc -l)
  if [[ -n "${VERBOSE:-}" ]]; then comm -3 "$tmp/file.shape" "$tmp/live.shape" >&2; fi
  printf '| %s | `%s` | %s | %s | %s | %s | %s | %s | %.2f s | %s | %s of %s facts differ |\n' \
    "$name" "$(basename "$file")" "$creates" "$tables" "$columns" "$indexes" "$fks" "$notes" "$secs" "$roundtrip" "$differ" "$facts"
done
