#!/usr/bin/env bash
# The real-migration-name corpus (issue 13 §2): every migration of public Rails and Django
# applications, its name and the operations its file performs; then migsmith's reading of each
# name scored against them (op / table / column, per kind).
#
# Usage:
#   scripts/migration-corpus.sh score [--details]   score the committed corpus (no network)
#   scripts/migration-corpus.sh build               rebuild it from bare git mirrors
#
# build reads bare repositories under $MIRROR (default /work/.mirror, as the `fetch` tool or
# `git clone --bare https://github.com/OWNER/NAME $MIRROR/OWNER+NAME/repo` leaves them), at the
# commits pinned below, and writes tests/fixtures/migration_corpus.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=tests/fixtures/migration_corpus.jsonl
mirror=${MIRROR:-/work/.mirror}
# app framework commit
apps=(
  "rubygems/rubygems.org rails 3c8ea0d4cbe85bd2a2bb5d22486247656a3dfb6c"
  "diaspora/diaspora rails ea6c79a94cb2e3d73e3fe28cd81fa09c5c437cb8"
  "lobsters/lobsters rails 57268d762e1c2c95b7a8e64ee8deb259cddd8cc0"
  "rubyforgood/casa rails 5ad2d6ae14d4561b59919dd983aff6b28e5a7735"
  "rubyforgood/human-essentials rails 0c3ab7766bcd414c79a05355599219d7142b378b"
  "maybe-finance/maybe rails 77b5469832758d1cbee1a940f3012a1ae1c74cd3"
  "hackclub/hcb rails c1c2006347f1175def973025767d5a0332a77462"
  "docusealco/docuseal rails a2d8b855491793870b7b4acf176d2d95ae95ff83"
  "wagtail/wagtail django c2ae43b9265d085c95142cd1a1f8563ad2eb4de9"
  "netbox-community/netbox django 43fe81f9e833228c9869f7ddadb67e6c5f145060"
  "saleor/saleor django 723cd4eba87dfc72822ade45dc08a3caa548428d"
)
cargo build -q --bench migration_corpus
bin=$(ls -t target/debug/deps/migration_corpus-* | grep -v '\.d$' | head -1)
case "${1:-score}" in
  score)
    shift || true
    "$bin" score "$corpus" "$@"
    ;;
  build)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    specs=()
    for a in "${apps[@]}"; do
      read -r repo fw commit <<<"$a"
      git_dir="$mirror/${repo/\//+}/repo"
      name=${repo#*/}
      dir="$tmp/$name"
      mkdir -p "$dir"
      rev=$(git --git-dir "$git_dir" rev-parse "$commit")
      # Only the files the readers need (snapshots may lack large blobs): Rails db/migrate,
      # Django's Python sources (apps, settings, migrations).
      if [ "$fw" = rails ]; then pat='^db/migrate/.*\.rb$'; else pat='\.py$'; fi
      git --git-dir "$git_dir" ls-tree -r --name-only "$rev" | grep -E "$pat" |
        while read -r f; do
          mkdir -p "$dir/$(dirname "$f")"
          git --git-dir "$git_dir" show "$rev:$f" >"$dir/$f" 2>/dev/null || rm -f "$dir/$f"
        done
      echo "$repo $rev" >&2
      specs+=("$fw:$name=$dir")
    done
    "$bin" build "$corpus" "${specs[@]}"
    wc -l "$corpus" >&2
    ;;
  *) echo "usage: $0 score [--details] | build" >&2; exit 2 ;;
esac
