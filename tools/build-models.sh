#!/usr/bin/env bash
# Rebuilds every shipped model from its recipe (tools/recipes/<id>.json) into
# assets/models/, plus the manifest models.json. Deterministic: running it
# twice gives byte-identical bundles (same machine, same thread count). Then the statistics
# sidecars (<id>.stats) of the MNIST models, with tools/build-stats.sh.
#   tools/build-models.sh [--data MNIST_DIR] [ID...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
order=(xor mlp6-dead mlp6 mlp32 mlp128 mlp2x64 cnn)
# Bundles that are not classifiers: the digit prior (a VAE decoder, recipe kind "vae") that
# activation maximization searches in. Built like the others, but not listed in models.json's
# picker list; the page fetches it only when digit-prior images are first needed.
extra=(digit-prior)
default=mlp32
data=()
if [ "${1:-}" = "--data" ]; then data=(--data "$2"); shift 2; fi
ids=("$@")
[ ${#ids[@]} -eq 0 ] && ids=("${order[@]}" "${extra[@]}")

cmake --preset native >/dev/null
cmake --build --preset native --target lens-train >/dev/null
start=$SECONDS
for id in "${ids[@]}"; do
  t0=$SECONDS
  ./build/native/tools/lens-train --recipe "tools/recipes/$id.json" --out "assets/models/$id.lens" --threads 2 --quiet "${data[@]}" \
    | grep -E '^(test|wrote)' | sed "s/^/$id: /"
  echo "$id: $((SECONDS - t0)) s"
done
printf '{\n  "models": [%s],\n  "default": "%s"\n}\n' \
  "$(printf '"%s", ' "${order[@]}" | sed 's/, $//')" "$default" > assets/models/models.json
# The statistics sidecars belong to the bundles' exact weights: written again for all of them.
tools/build-stats.sh "${data[@]}"
echo "all models: $((SECONDS - start)) s"
