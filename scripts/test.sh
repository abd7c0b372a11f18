#!/usr/bin/env bash
# The whole test suite: unit tests, snapshot tests, the real-PostgreSQL round trips, and the
# end-to-end tests that run every framework's own CLI (installed first, project-locally, by
# scripts/install-*-frameworks.sh; a second run reuses them).
# Under CI (CI set), a test that needs PostgreSQL or a framework CLI fails when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
for install in scripts/install-*-frameworks.sh; do
  "$install"
done
cargo test --locked "$@"
