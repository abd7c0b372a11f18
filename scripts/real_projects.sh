#!/usr/bin/env bash
# Measures migsmith on real Rails applications (issue 14 §1): for each git mirror given (as
# brought here by the `fetch` tool, e.g. /work/.mirror/mastodon+mastodon/repo), extracts only
# what detection and loading read (db/, config/, Gemfile, Gemfile.lock) at HEAD into a temp
# dir, then runs `migsmith detect`, `migsmith schema --format json` and one
# `migsmith generate … --dry-run` (add a nullable column to the first table), and prints one
# line per app: app, commit, framework detected, schema source, tables/columns/indexes/foreign
# keys loaded, notes, the time `schema` took, and the generate result (or the first error).
#
# With --compare first, each app's db/schema.rb is also built on the local PostgreSQL (the DDL
# ActiveRecord runs for it) and the catalog compared with what migsmith read from the file
# (tests/real_rails.rs, full_real_apps_match_the_catalog).
#
# With --history N instead, every Nth past version of each repository's db/schema.rb is read.
#
#   scripts/real_projects.sh [--compare] /work/.mirror/*/repo
#   scripts/real_projects.sh --history 20 /work/.mirror/*/repo
#   MIGSMITH=target/release/migsmith scripts/real_projects.sh DIR…
set -uo pipefail
cd "$(dirname "$0")/.."
bin="${MIGSMITH:-$PWD/target/debug/migsmith}"
[ -x "$bin" ] || { echo "real_projects: build migsmith first (cargo build)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
compare=0
if [ "${1:-}" = --compare ]; then compare=1; shift; fi
if [ "${1:-}" = --history ]; then
  # --history N: every Nth past version of each repository's db/schema.rb, read with --schema.
  every=${2:?--history N}; shift 2
  for git_dir in "$@"; do
    app=$(basename "$(dirname "$git_dir")"); app=${app#*+}
    ok=0; failed=0
    for c in $(git --git-dir "$git_dir" log --format=%H -- db/schema.rb | awk -v n="$every" 'NR % n == 1'); do
      git --git-dir "$git_dir" show "$c:db/schema.rb" >"$work/schema.rb" 2>/dev/null || continue
      if out=$("$bin" --no-config schema --schema "$work/schema.rb" --format json 2>&1); then
        ok=$((ok + 1))
      else
        failed=$((failed + 1))
        echo "  $app $(git --git-dir "$git_dir" log -1 --format='%h %cs' "$c"): $(echo "$out" | head -c 200)"
      fi
    done
    echo "$app: $ok versions of db/schema.rb loaded, $failed failed"
  done
  exit 0
fi
[ $# -gt 0 ] || { echo "usage: scripts/real_projects.sh [--compare] GIT_DIR…" >&2; exit 2; }
printf '%-24s %-8s %-20s %-14s %6s %7s %7s %5s %5s %7s  %s\n' \
  app commit framework:database source tables columns indexes fks notes schema_s generate
for git_dir in "$@"; do
  app=$(basename "$(dirname "$git_dir")"); app=${app#*+}
  dir="$work/$app"; mkdir -p "$dir"
  paths=$(git --git-dir "$git_dir" ls-tree -r --name-only HEAD db config Gemfile Gemfile.lock |
    grep -E '^(db/[^/]+|config/[^/]+\.(rb|yml|yml\.sample)|config/environments/.*\.rb|Gemfile(\.lock)?)$' | tr '\n' ' ')
  # shellcheck disable=SC2086
  # (a mirror whose large blobs are absent makes archive complain after writing these; ignored)
  git --git-dir "$git_dir" archive HEAD $paths 2>/dev/null | tar -x -C "$dir"
  commit=$(git --git-dir "$git_dir" rev-parse --short=8 HEAD)
  detected=$("$bin" --no-config detect --project-dir "$dir" 2>&1)
  framework=$(echo "$detected" | sed -n 's/^framework: \([^ ]*\).*/\1/p')
  database=$(echo "$detected" | sed -n 's/^database: \([A-Za-z]*\).*/\1/p')
  [ "$database" = not ] && database="?"
  start=$(date +%s.%N)
  "$bin" --no-config schema --project-dir "$dir" --format json >"$work/$app.json" 2>"$work/$app.err"
  end=$(date +%s.%N)
  refused=""
  if grep -q 'generates PostgreSQL only' "$work/$app.json"; then
    # Not a PostgreSQL app: migsmith refuses to generate for it; count what its file holds.
    refused="refused ($database app)"
    file=db/schema.rb; [ -f "$dir/db/schema.rb" ] || file=db/structure.sql
    start=$(date +%s.%N)
    "$bin" --no-config schema --project-dir "$dir" --schema "$file" --format json >"$work/$app.json" 2>"$work/$app.err"
    end=$(date +%s.%N)
  fi
  secs=$(echo "$end - $start" | bc)
  table=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["tables"][0]["name"] if d.get("tables") else "")' "$work/$app.json" 2>/dev/null)
  if [ -n "$refused" ]; then
    gen=$refused
  elif [ -n "$table" ]; then
    if err=$("$bin" --no-config generate --project-dir "$dir" --dry-run \
      "add column migsmith_probe text to $table" 2>&1 >/dev/null); then
      gen="ok ($table)"
    else
      gen="failed: $(echo "$err" | head -1 | cut -c1-100)"
    fi
  else
    gen="-"
  fi
  python3 - "$work/$app.json" "$app" "$commit" "$framework:${database:-?}" "$secs" "$gen" "$dir" <<'PY'
import json, sys, os
path, app, commit, framework, secs, gen, root = sys.argv[1:]
d = json.load(open(path))
db = os.path.join(root, "db")
def source_of(notes):
    if any("structure.sql not read" in n for n in notes):
        return "schema.rb"
    if os.path.exists(os.path.join(db, "structure.sql")):
        return "structure.sql"
    return "schema.rb" if os.path.exists(os.path.join(db, "schema.rb")) else "-"
source = source_of(d.get("notes", []) if "tables" in d else [])
if "error" in d:
    msg = d["error"]["message"].replace(root + "/", "")
    print(f"{app:24} {commit:8} {framework:20} {source:14} ERROR {msg}")
    sys.exit()
t = d["tables"]
cols = sum(len(x["columns"]) for x in t)
idx = sum(len(x.get("indexes", [])) for x in t)
fks = sum(len(x.get("foreign_keys", [])) for x in t)
notes = d.get("notes", [])
print(f"{app:24} {commit:8} {framework:20} {source:14} {len(t):6} {cols:7} {idx:7} {fks:5} {len(notes):5} {float(secs):7.2f}  {gen}")
for n in notes:
    print(f"    note: {n.replace(root + '/', '')}")
PY
done
if [ "$compare" = 1 ]; then
  echo
  echo "schema.rb built on PostgreSQL, catalog vs file:"
  MIGSMITH_REAL_RAILS="$work" cargo test --quiet --test real_rails -- --ignored --nocapture 2>&1 |
    grep -vE '^(running|test |$)'
fi
