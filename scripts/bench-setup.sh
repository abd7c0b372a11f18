#!/usr/bin/env bash
# Installs what the benchmarks compare against: squawk (the PostgreSQL migration linter), whose
# PyPI package ships its binary. Safe to run again.
set -euo pipefail
if ! command -v squawk >/dev/null || ! squawk --version 2>/dev/null | grep -q '2\.70\.'; then
  echo "bench-setup: installing squawk-cli 2.70"
  python3 -m pip install --quiet 'squawk-cli==2.70.*'
fi
squawk --version
