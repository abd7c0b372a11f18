#!/usr/bin/env bash
# `migsmith check` throughput against squawk on the same corpus, in one run.
#
#   benches/check.sh [FILES]        (default 1000 files)
#
# Generates a deterministic corpus of FILES migration files (a mix of realistic statements:
# new tables, column adds with and without defaults, indexes plain and concurrent, constraints
# with and without NOT VALID, type changes, renames, drops, backfills, enum values, explicit
# transactions), then times one `migsmith check` process and one `squawk` process over all of
# it, three rounds each, interleaved, and prints files per second (best round) and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES="${1:-1000}"
scripts/bench-setup.sh >/dev/null
# MIGSMITH_BENCH_BIN=path uses that binary instead of building the release one (for a quick try).
MIGSMITH="${MIGSMITH_BENCH_BIN:-target/release/migsmith}"
[ -n "${MIGSMITH_BENCH_BIN:-}" ] || cargo build --release --quiet
CORPUS=target/check-bench-corpus
rm -rf "$CORPUS"
mkdir -p "$CORPUS"

tables=(users posts orders invoices accounts events comments payments sessions products)
cols=(email status note total score title amount region source label)
stmt() { # stmt KIND I → one statement, deterministic in I
  local t=${tables[$(( $2 % 10 ))]} c=${cols[$(( ($2 / 10) % 10 ))]}_$2
  case $1 in
    0) echo "CREATE TABLE ${t}_$2 (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ${c} text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());" ;;
    1) echo "ALTER TABLE $t ADD COLUMN $c text;" ;;
    2) echo "ALTER TABLE $t ADD COLUMN $c boolean NOT NULL DEFAULT false;" ;;
    3) echo "CREATE INDEX ${t}_${c}_idx ON $t ($c);" ;;
    4) echo "CREATE INDEX CONCURRENTLY ${t}_${c}_idx ON $t (lower($c)) WHERE $c IS NOT NULL;" ;;
    5) echo "ALTER TABLE $t ADD CONSTRAINT ${t}_${c}_check CHECK (char_length($c) <= 200) NOT VALID;" ;;
    6) echo "ALTER TABLE $t ADD CONSTRAINT ${t}_${c}_fkey FOREIGN KEY (${c}) REFERENCES users (id);" ;;
    7) echo "ALTER TABLE $t ALTER COLUMN $c TYPE bigint USING $c::bigint;" ;;
    8) echo "ALTER TABLE $t RENAME COLUMN $c TO ${c}_old;" ;;
    9) echo "UPDATE $t SET $c = 'x' WHERE id BETWEEN $(( $2 * 1000 )) AND $(( $2 * 1000 + 999 )) AND $c IS NULL;" ;;
    10) echo "ALTER TABLE $t ALTER COLUMN $c SET NOT NULL;" ;;
    11) echo "ALTER TYPE ${t}_kind ADD VALUE 'v$2';" ;;
    12) echo "CREATE TABLE ${t}_audit_$2 (id serial PRIMARY KEY, payload json, at timestamp, code varchar(20));" ;;
    13) echo "ALTER TABLE $t DROP COLUMN IF EXISTS $c;" ;;
    14) printf "CREATE OR REPLACE FUNCTION ${t}_touch_$2() RETURNS trigger LANGUAGE plpgsql AS \$\$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND\n\$\$;\n" ;;
    15) echo "ALTER TABLE $t ADD COLUMN $c uuid DEFAULT gen_random_uuid();" ;;
  esac
}
for i in $(seq 1 "$FILES"); do
  f=$(printf "%s/%05d_migration.sql" "$CORPUS" "$i")
  {
    echo "-- migration $i"
    (( i % 3 == 0 )) && echo "SET lock_timeout = '5s';"
    (( i % 4 == 0 )) && echo "BEGIN;"
    n=$(( 3 + i % 6 ))
    for k in $(seq 1 "$n"); do stmt $(( (i * 7 + k * 3) % 16 )) $(( i * 10 + k )); done
    (( i % 4 == 0 )) && echo "COMMIT;"
  } > "$f"
done
echo "corpus: $FILES files, $(cat "$CORPUS"/*.sql | wc -l) lines, $(du -sh "$CORPUS" | cut -f1)"

now() { date +%s.%N; }
best_m=999999 best_s=999999
for round in 1 2 3; do
  t0=$(now); "$MIGSMITH" check "$CORPUS" --format json >/tmp/migsmith-check-bench.json || [ $? -eq 1 ]; t1=$(now)
  squawk "$CORPUS"/*.sql >/tmp/squawk-bench.txt 2>&1 || [ $? -eq 1 ]; t2=$(now)
  m=$(echo "$t1 - $t0" | bc -l); s=$(echo "$t2 - $t1" | bc -l)
  echo "round $round: migsmith ${m}s, squawk ${s}s"
  best_m=$(echo "if ($m < $best_m) $m else $best_m" | bc -l)
  best_s=$(echo "if ($s < $best_s) $s else $best_s" | bc -l)
done
findings=$(grep -c '"rule"' /tmp/migsmith-check-bench.json || true)
printf "migsmith check: %.0f files/s (best of 3, %s findings)\n" "$(echo "$FILES / $best_m" | bc -l)" "$findings"
printf "squawk %s: %.0f files/s (best of 3)\n" "$(squawk --version | awk '{print $NF}')" "$(echo "$FILES / $best_s" | bc -l)"
printf "ratio migsmith/squawk: %.2f\n" "$(echo "$best_s / $best_m" | bc -l)"
