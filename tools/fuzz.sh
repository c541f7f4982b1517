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
for t in bundle idx; do
  corpus="build/fuzz/corpus/$t"; artifacts="build/fuzz/artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  echo "fuzz_$t: running for ${seconds}s"
  if ./build/fuzz/tests/fuzz/fuzz_$t "$corpus" "tests/fuzz/seeds/$t" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$artifacts" -print_final_stats=1 >"build/fuzz/fuzz_$t.log" 2>&1; then
    echo "fuzz_$t: no crash; $(grep -E 'stat::number_of_executed_units' "build/fuzz/fuzz_$t.log" | awk '{print $2}') inputs run, corpus $(ls "$corpus" | wc -l) files"
  else
    echo "fuzz_$t: FAILED, see build/fuzz/fuzz_$t.log"; tail -n 40 "build/fuzz/fuzz_$t.log"; status=1
  fi
done
exit $status
