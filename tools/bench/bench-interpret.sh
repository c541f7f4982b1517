#!/usr/bin/env bash
# Builds bench-interpret natively and to wasm, runs both (one after the other,
# never at the same time) and prints their figures side by side.
#
#   tools/bench/bench-interpret.sh [--parts] [--budget MS]
#
# Arguments go to both programs (--parts adds the breakdown of the slow pieces, with Eigen's
# products beside gemm.h's kernels). MNIST comes from $LENS_MNIST_DIR,
# else ../shared/data/mnist; the wasm build reads decompressed copies in build/web/mnist.
# Figures are measurements only: a missed goal is reported, never an error.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
log() { printf '[bench-interpret] %s\n' "$*" >&2; }

mnist="${LENS_MNIST_DIR:-$root/../shared/data/mnist}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

log "building native (build/native)"
{ cmake --preset native >/dev/null && cmake --build --preset native --target bench-interpret; } >"$work/build-native.log" 2>&1 \
  || { cat "$work/build-native.log" >&2; log "native build failed"; exit 1; }
log "building wasm (build/web)"
tools/build-web.sh --target bench-interpret >"$work/build-web.log" 2>&1 \
  || { cat "$work/build-web.log" >&2; log "wasm build failed"; exit 1; }
sh tools/mnist-unpack.sh "$mnist" build/web/mnist

log "running native"
build/native/tools/bench/bench-interpret --data "$mnist" --tsv "$@" >"$work/native.tsv"
log "running wasm (node $(node --version))"
node --no-experimental-fetch build/web/tools/bench/bench-interpret.js --data build/web/mnist --tsv "$@" >"$work/wasm.tsv"

# One table: rows in the wasm program's order.
awk -F'\t' '
  function fig(v, u) { return v == "" ? "-" : sprintf("%.4g %s", v, u) }
  FNR == 1 && /^#/ { print substr($0, 3); next }
  NR == FNR { nmed[$1] = $3; nruns[$1] = $5; next }
  {
    key = $1; label = $2; wmed = $3; wruns = $5; unit = $6; goal = $7
    if (!header++) printf "%-48s %16s %16s %7s  %-12s %s\n", "figure", "native (N)", "wasm (N)", "wasm/nat", "goal (wasm)", "status"
    if (unit == "") { print label; next }
    nat = (key in nmed) ? fig(nmed[key], unit) (nruns[key] > 0 ? " (" nruns[key] ")" : "") : "-"
    was = fig(wmed, unit) (wruns > 0 ? " (" wruns ")" : "")
    ratio = (key in nmed && nmed[key] > 0) ? sprintf("%.2fx", wmed / nmed[key]) : ""
    g = goal > 0 ? sprintf("< %g %s", goal, unit) : ""
    st = goal > 0 ? (wmed < goal ? "pass" : "MISS") : ""
    printf "%-48s %16s %16s %7s  %-12s %s\n", label, nat, was, ratio, g, st
  }' "$work/native.tsv" "$work/wasm.tsv"
