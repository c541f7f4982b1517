#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for a bounded time.
#   tools/fuzz.sh [SECONDS_PER_TARGET]   (default 30; for a long run try 3600)
# Crashes are written to build/fuzz/artifacts/; the growing corpus to build/fuzz/corpus/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:-30}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
status=0
# The ONNX reader is also seeded with the ONNX project's own small node-test models
# (Debian libonnx-testdata), copied into the build tree, not committed.
onnx_extra="build/fuzz/seeds-onnx-testdata"
mkdir -p "$onnx_extra"
for d in /usr/share/libonnx-testdata/data/node/test_{gemm,matmul_2d,relu,leakyrelu,sigmoid,tanh,softmax,logsoftmax,flatten,reshape,dropout,identity,constant,add}*; do
  [ -f "$d/model.onnx" ] && cp -n "$d/model.onnx" "$onnx_extra/$(basename "$d").onnx" 2>/dev/null || true
done
for t in bundle idx onnx stats; do
  corpus="build/fuzz/corpus/$t"; artifacts="build/fuzz/artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  extra=""; [ "$t" = onnx ] && extra="$onnx_extra"
  echo "fuzz_$t: running for ${seconds}s"
  if ./build/fuzz/tests/fuzz/fuzz_$t "$corpus" "tests/fuzz/seeds/$t" $extra -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$artifacts" -print_final_stats=1 >"build/fuzz/fuzz_$t.log" 2>&1; then
    echo "fuzz_$t: no crash; $(grep -E 'stat::number_of_executed_units' "build/fuzz/fuzz_$t.log" | awk '{print $2}') inputs run, corpus $(ls "$corpus" | wc -l) files"
  else
    echo "fuzz_$t: FAILED, see build/fuzz/fuzz_$t.log"; tail -n 40 "build/fuzz/fuzz_$t.log"; status=1
  fi
done
exit $status
