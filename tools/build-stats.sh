#!/usr/bin/env bash
# Writes the statistics sidecar of every shipped MNIST model (assets/models/<id>.stats, see
# src/interpret/stats_file.h): the test-set statistics and ablation the page would otherwise
# measure itself. Run it after tools/build-models.sh (a changed bundle makes its sidecar stale,
# which the ctest stats_sidecars reports). Deterministic: the same bytes on every machine.
#   tools/build-stats.sh [--data MNIST_DIR] [ID...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
data=()
if [ "${1:-}" = "--data" ]; then data=(--data "$2"); shift 2; fi
ids=("$@")
# Every listed model over MNIST images (xor, a model of the plane, has no test set).
[ ${#ids[@]} -eq 0 ] && ids=(mlp6-dead mlp6 mlp32 mlp128 mlp2x64 cnn)
cmake --preset native >/dev/null
cmake --build --preset native --target lens-stats >/dev/null
for id in "${ids[@]}"; do
  ./build/native/tools/lens-stats --model "assets/models/$id.lens" --out "assets/models/$id.stats" "${data[@]}"
done
