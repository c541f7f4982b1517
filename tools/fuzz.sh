#!/usr/bin/env bash
# The libFuzzer targets of the four readers (bundle, idx, onnx, stats), built with ASan + UBSan.
#   tools/fuzz.sh                   replay: each target runs once on every committed input and stops
#                                   (tests/fuzz/seeds/<t>, tests/fuzz/corpus/<t>, tests/fuzz/regressions/<t>,
#                                   and for onnx the ONNX suite's small node-test models). The same
#                                   inputs every time, so the result depends only on the code: this is
#                                   what tools/test.sh runs. Built at -O0 in build/fuzz-replay.
#   tools/fuzz.sh --random SECONDS [TARGET...]
#                                   random search: libFuzzer mutates the inputs for SECONDS per target
#                                   (try 3600), of every target or of those named (e.g. onnx). Not part of tools/test.sh, since a new find would fail
#                                   an unrelated change. The corpus grows in build/fuzz/corpus/<t>/;
#                                   a crash is saved in build/fuzz/artifacts/<t>/.
#   tools/fuzz.sh --merge           folds build/fuzz/corpus/<t>/ into tests/fuzz/corpus/<t>/, keeping
#                                   only inputs that reach new code (libFuzzer's -merge=1), to commit.
# A crash found by --random: fix it, then commit the input as tests/fuzz/regressions/<t>/<name>, so
# the replay keeps checking it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
targets=(bundle idx onnx stats)
limits=(-timeout=25 -rss_limit_mb=2048)
# The ONNX reader keeps at most 128 MB of tensors (src/core/onnx/onnx_limits.h) plus copies of an
# imported network of at most 64 MB, so a single allocation over 256 MB, or a process past 1 GB
# (ASan's shadow and quarantine included), is a budget that failed: libFuzzer reports it as a crash.
onnx_limits=(-timeout=25 -rss_limit_mb=1024 -malloc_limit_mb=256)

# The libFuzzer options of target $1: its limits and, for onnx, the dictionary of its tokens.
target_limits() {
  if [ "$1" = onnx ]; then echo "${onnx_limits[@]}"; else echo "${limits[@]}"; fi
}
target_dict() {
  [ -f "tests/fuzz/$1.dict" ] && echo "-dict=tests/fuzz/$1.dict"
  return 0
}

# The ONNX suite's node tests for the operators the evaluator knows (Debian libonnx-testdata, which
# tools/bootstrap.sh installs): small real-world models, read in place, never committed.
onnx_testdata_models() {
  local suite=/usr/share/libonnx-testdata/data/node
  if [ ! -d "$suite" ]; then
    echo "fuzz: $suite is missing (Debian libonnx-testdata; tools/bootstrap.sh installs it)" >&2
    return 1
  fi
  ls -d "$suite"/test_{gemm,matmul_2d,relu,leakyrelu,sigmoid,tanh,softmax,logsoftmax,flatten,reshape,dropout,identity,constant,add}* \
    "$suite"/test_{conv_,basic_conv,maxpool,averagepool,globalaveragepool,batchnorm,transpose,sub,mul,div,edge_pad,reflect_pad}* \
    2>/dev/null | sort | while read -r d; do [ -f "$d/model.onnx" ] && echo "$d/model.onnx"; done
  return 0
}

# Every committed input of target $1, then (onnx) the suite's models, in a fixed order.
replay_inputs() {
  local t="$1"
  local d
  for d in tests/fuzz/seeds/"$t" tests/fuzz/corpus/"$t" tests/fuzz/regressions/"$t"; do
    [ -d "$d" ] && find "$d" -type f | LC_ALL=C sort
  done
  if [ "$t" = onnx ]; then onnx_testdata_models; fi
}

replay() {
  local status=0 t list count
  for t in "${targets[@]}"; do
    list="build/fuzz-replay/replay_$t.list"
    replay_inputs "$t" >"$list" || return 1
    count=$(wc -l <"$list")
    [ "$count" -gt 0 ] || { echo "fuzz_$t: no inputs to replay"; return 1; }
    # Given files rather than folders, libFuzzer runs each one once, whole (no -max_len cut), and stops.
    # shellcheck disable=SC2046  # the options are single words
    if xargs -r -d '\n' -a "$list" ./build/fuzz-replay/tests/fuzz/fuzz_"$t" $(target_limits "$t") >"build/fuzz-replay/replay_$t.log" 2>&1; then
      echo "fuzz_$t: $count inputs replayed, no failure"
    else
      echo "fuzz_$t: FAILED, see build/fuzz-replay/replay_$t.log"
      tail -n 40 "build/fuzz-replay/replay_$t.log"
      status=1
    fi
  done
  return $status
}

random_run() {
  local seconds="$1" status=0 t corpus artifacts extra
  local onnx_extra="build/fuzz/seeds-onnx-testdata"  # libFuzzer takes seed folders, so the models are copied
  mkdir -p "$onnx_extra"
  onnx_testdata_models | while read -r f; do cp -n "$f" "$onnx_extra/$(basename "$(dirname "$f")").onnx" || true; done
  for t in "${targets[@]}"; do
    corpus="build/fuzz/corpus/$t" artifacts="build/fuzz/artifacts/$t/"
    mkdir -p "$corpus" "$artifacts"
    extra=()
    for d in tests/fuzz/seeds/"$t" tests/fuzz/corpus/"$t" tests/fuzz/regressions/"$t"; do [ -d "$d" ] && extra+=("$d"); done
    [ "$t" = onnx ] && extra+=("$onnx_extra")
    echo "fuzz_$t: running for ${seconds}s"
    # shellcheck disable=SC2046
    if ./build/fuzz/tests/fuzz/fuzz_"$t" "$corpus" "${extra[@]}" -max_total_time="$seconds" $(target_limits "$t") \
         $(target_dict "$t") -max_len=65536 -artifact_prefix="$artifacts" -print_final_stats=1 >"build/fuzz/fuzz_$t.log" 2>&1; then
      echo "fuzz_$t: no crash; $(grep -E 'stat::number_of_executed_units' "build/fuzz/fuzz_$t.log" | awk '{print $2}') inputs run, corpus $(ls "$corpus" | wc -l) files"
    else
      echo "fuzz_$t: FAILED, see build/fuzz/fuzz_$t.log"; tail -n 40 "build/fuzz/fuzz_$t.log"; status=1
    fi
  done
  return $status
}

# Keeps the committed corpus small: an input from build/fuzz/corpus/<t>/ goes in only when it reaches
# code that the seeds, the regressions and the inputs already committed do not (libFuzzer's
# -merge=1 adds to its first folder only what it lacks; -use_counters=0 counts edges, not how often
# each runs, which keeps a third of the files for the same edges).
merge() {
  local t have d
  for t in "${targets[@]}"; do
    [ -d "build/fuzz/corpus/$t" ] || continue
    have="build/fuzz/merge/$t"
    rm -rf "$have" && mkdir -p "$have" "tests/fuzz/corpus/$t"
    for d in tests/fuzz/seeds/"$t" tests/fuzz/corpus/"$t" tests/fuzz/regressions/"$t"; do
      [ -d "$d" ] && find "$d" -type f -exec cp {} "$have/" \;
    done
    if [ "$t" = onnx ]; then
      onnx_testdata_models | while read -r f; do cp "$f" "$have/$(basename "$(dirname "$f")").onnx"; done
    fi
    find "$have" -type f -printf '%f\n' | LC_ALL=C sort >"$have.before"
    # shellcheck disable=SC2046
    ./build/fuzz/tests/fuzz/fuzz_"$t" -merge=1 -use_counters=0 $(target_limits "$t") "$have" "build/fuzz/corpus/$t" \
      >"build/fuzz/merge_$t.log" 2>&1 || { echo "fuzz_$t: merge FAILED, see build/fuzz/merge_$t.log"; return 1; }
    find "$have" -type f -printf '%f\n' | LC_ALL=C sort | comm -13 "$have.before" - |
      while read -r f; do cp "$have/$f" "tests/fuzz/corpus/$t/"; done
    echo "fuzz_$t: tests/fuzz/corpus/$t holds $(ls "tests/fuzz/corpus/$t" | wc -l) files, $(( $(du -sb "tests/fuzz/corpus/$t" | cut -f1) / 1024 )) KB"
  done
}

mode="${1:-replay}"
case "$mode" in
  replay | --random | --merge) ;;
  *) echo "usage: tools/fuzz.sh [--random SECONDS | --merge]" >&2; exit 2 ;;
esac
if [ "$mode" = --random ]; then
  if ! [[ "${2:-}" =~ ^[0-9]+$ ]]; then
    echo "tools/fuzz.sh --random: give the seconds per target, e.g. --random 3600" >&2; exit 2
  fi
  if [ $# -gt 2 ]; then
    for t in "${@:3}"; do
      [[ " ${targets[*]} " == *" $t "* ]] || { echo "tools/fuzz.sh: no target '$t' (${targets[*]})" >&2; exit 2; }
    done
    targets=("${@:3}")
  fi
fi
# The replay builds at -O0 (build/fuzz-replay: half the compile time, and it runs each input once);
# a random run and a merge at -O1 (build/fuzz), where the speed of each execution counts.
preset=fuzz
[ "$mode" = replay ] && preset=fuzz-replay
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target "${targets[@]/#/fuzz_}"  # the four targets and what they link, not the whole tree
case "$mode" in
  replay) replay ;;
  --random) random_run "$2" ;;
  --merge) merge ;;
esac
