#!/usr/bin/env bash
# Only the end-to-end suite (also part of scripts/test.sh): installs every framework CLI the
# project can run here (scripts/install-*-frameworks.sh), then runs the tests/e2e_*.rs files,
# which generate migrations into fixture projects and run them up and down with each
# framework's own CLI against the real PostgreSQL. Under CI (CI set) a missing CLI or database
# fails the suite. Extra arguments go to the test harness (`scripts/e2e.sh django`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
start=$(date +%s)
for install in scripts/install-*-frameworks.sh; do
  "$install"
done
installed=$(date +%s)
tests=()
for t in tests/e2e_*.rs; do
  tests+=(--test "$(basename "$t" .rs)")
done
cargo test --locked "${tests[@]}" -- "$@"
echo "e2e: installs took $((installed - start)) s, tests $(($(date +%s) - installed)) s"
