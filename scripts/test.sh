#!/usr/bin/env bash
# The whole test suite: unit tests, snapshot tests, and the real-PostgreSQL round trips.
# Under CI (CI set), a test that needs PostgreSQL fails when it cannot reach it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --locked "$@"
