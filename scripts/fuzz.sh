#!/usr/bin/env bash
# Fuzz every reader for a fixed budget on stable Rust (tests/fuzz.rs: proptest-generated
# random bytes and mutations of real inputs; see docs/contributing.md).
#
#   scripts/fuzz.sh                 # 60 s per target
#   MIGSMITH_FUZZ_SECONDS=600 scripts/fuzz.sh
#   MIGSMITH_FUZZ_CASES=100000 scripts/fuzz.sh    # a number of inputs instead of a time
#   MIGSMITH_FUZZ_SEED=123 scripts/fuzz.sh dump   # replay one target's run
#
# Prints one line per target: executions, crashes, slowest input. Crash inputs (minimized) are
# saved under target/fuzz-crashes/<target>/. Exits non-zero when any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${MIGSMITH_FUZZ_CASES:-}" ]]; then
    export MIGSMITH_FUZZ_SECONDS="${MIGSMITH_FUZZ_SECONDS:-60}"
fi
filter="${1:-fuzz_}"
case "$filter" in
    description) filter=fuzz_description_grammar ;;
    dump) filter=fuzz_dump_loader ;;
    schema_rb) filter=fuzz_schema_rb_reader ;;
    schema_prisma) filter=fuzz_schema_prisma_reader ;;
    django) filter=fuzz_django_migration_reader ;;
    mysql_dump) filter=fuzz_mysql_dump_loader ;;
    sqlite) filter=fuzz_sqlite_ ;;
    sqlite_schema) filter=fuzz_sqlite_schema_loader ;;
    sqlite_parser) filter=fuzz_sqlite_create_text_parser ;;
    sqlite_file) filter=fuzz_sqlite_database_file ;;
esac

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "fuzzing (${MIGSMITH_FUZZ_SECONDS:+${MIGSMITH_FUZZ_SECONDS} s}${MIGSMITH_FUZZ_CASES:+${MIGSMITH_FUZZ_CASES} cases} per target), $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
status=0
cargo test --quiet --test fuzz -- --include-ignored --nocapture --test-threads 1 "$filter" >"$log" 2>&1 || status=$?
grep -oE 'fuzz [a-z_]+: .*|^  input .*' "$log" || true
if [[ $status -ne 0 ]]; then
    grep -qE 'fuzz [a-z_]+: ' "$log" || cat "$log"
    echo "fuzz: crashes found (inputs under target/fuzz-crashes/)" >&2
fi
exit "$status"
