#!/usr/bin/env bash
# Load test of `socialgraf serve` on loopback (issue #7, "Load"): builds a
# store from a corpus (default corpus/seeds; with SOCIALGRAF_LOAD_DOCS=N a
# synthetic corpus of N documents from `socialgraf bench corpus`), starts
# the server on a free 127.0.0.1 port with its default bounds, and runs
# `socialgraf bench load` against it: CLIENTS concurrent clients (default
# 32) send REQUESTS requests (default 20000) of the canned-query mix, then
# errors, latency p50/p90/p99/max and the server's memory after warm-up and
# at the end are printed. Exits non-zero if any request failed.
#
# Run from the repository root: bash benches/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/socialgraf-target}"
clients="${CLIENTS:-32}"
requests="${REQUESTS:-20000}"
cargo build --release --locked --quiet
bin="$CARGO_TARGET_DIR/release/socialgraf"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
corpus=corpus/seeds
if [ -n "${SOCIALGRAF_LOAD_DOCS:-}" ]; then
  corpus="$work/corpus"
  "$bin" bench corpus --docs "$SOCIALGRAF_LOAD_DOCS" --out "$corpus"
fi
"$bin" build "$corpus" --store "$work/store" >/dev/null
"$bin" serve --store "$work/store" --bind 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.log" &
server=$!
url=""
for _ in $(seq 600); do
  url="$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$work/serve.out" || true)"
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 2; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the server did not say where it listens" >&2; exit 2; }
echo "server: pid $server at $url, store built from $corpus ($(uname -m), $(nproc) cores, $(date -u +%F))"
"$bin" bench load --url "$url" --clients "$clients" --requests "$requests" --server-pid "$server"
