#!/bin/sh
# lens-report on the dead-neuron model: the README names the dead neurons, every
# figure it links exists and is a well-formed PNG or SVG, and errors give the
# documented exit codes.
#   report_smoke.sh LENS_REPORT MNIST_DIR MODELS_DIR WORK_DIR
set -eu
report="$1"; data="$2"; models="$3"; work="$4"
out="$work/mlp6-dead"
rm -rf "$work"
mkdir -p "$work"
fail() { echo "report_smoke: $*" >&2; exit 1; }
. "$(dirname "$0")/report_lib.sh"

"$report" --quiet --model "$models/mlp6-dead.lens" --data "$data" --out "$out" > "$work/run.log"
readme="$out/README.md"
[ -s "$readme" ] || fail "no README.md in $out"

# Neurons 0 and 2-5 are dead, neuron 1 is the survivor (as in the seed story): the summary says so, and each
# neuron's section opens with its summary sentence, then its status.
grep -qF '| 0 | 6 | 5: [0](#hidden-layer-0-neuron-0), [2](#hidden-layer-0-neuron-2), [3](#hidden-layer-0-neuron-3), [4](#hidden-layer-0-neuron-4), [5](#hidden-layer-0-neuron-5) |' "$readme" \
  || fail "the dead-neuron table does not list neurons 0 and 2-5"
for n in 0 2 3 4 5; do
  grep -q "^### Hidden layer 0, neuron $n\$" "$readme" || fail "no section for neuron $n"
  awk -v h="### Hidden layer 0, neuron $n" '$0 == h { getline; getline; s = $0; getline; getline;
      exit (s ~ /never fires on any of the 10,000 test images/ && $0 ~ /^\*\*Dead\.\*\*/) ? 0 : 1 }' "$readme" \
    || fail "neuron $n is not reported dead"
done
awk '$0 == "### Hidden layer 0, neuron 1" { getline; getline; s = $0; getline; getline;
    exit (s ~ /fires most for 0/ && $0 ~ /^\*\*Alive\*\*/) ? 0 : 1 }' "$readme" \
  || fail "neuron 1 is not reported alive"

# Every linked figure exists and is well formed.
report_figures "$readme" "$out"
count=$figure_count

# Exit codes: 1 for a file that cannot be read, 2 for bad flags.
set +e
"$report" --quiet --model "$work/no-such-model.lens" --data "$data" --out "$work/x" 2> "$work/err.log"; rc=$?
set -e
[ "$rc" -eq 1 ] || fail "missing bundle gave exit code $rc, expected 1"
grep -q "no-such-model.lens" "$work/err.log" || fail "the error does not name the missing bundle"
set +e
"$report" --quiet --model "$models/mlp6-dead.lens" --out "$work/x" --top 0 2> /dev/null; rc=$?
set -e
[ "$rc" -eq 2 ] || fail "bad --top gave exit code $rc, expected 2"

echo "report_smoke: README.md and $count figures OK, dead neurons named, exit codes 1 and 2"
