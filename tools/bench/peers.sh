#!/usr/bin/env bash
# MNIST Lens against the tools people would use instead, on this machine, with the same weights in
# each: mlp128 (assets/models/mlp128.lens; the ONNX file is written from it by
# tools/bench/peers/onnx-write.mjs), and a convnet, the PyTorch MNIST example
# (tests/onnx/pytorch-mnist-example.onnx: 2 convolutions, a max-pool, 2 dense layers; 1.2 M
# weights, about 12 M multiply-adds a digit), which the page reads with lens.loadBundle given the
# input normalization of tests/onnx/convnets.json, ONNX Runtime Web runs as is and TF.js gets
# from it (tools/bench/peers/onnx-read.mjs). Prints one table (the convnet's rows start
# "convnet:") and writes build/bench/peers.json.
#
#   tools/bench/peers.sh
#
# In one headless chromium run (tools/bench/peers/bench-peers.mjs, pages served cross-origin
# isolated by tools/bench/peers/serve.mjs): each peer's outputs checked against lens.predict
# within 1e-4 on 100 test images, then single-sample inference read back (median and p95),
# a batch of the 10,000 test images, activation maximization of the 128 hidden units for 256
# steps (MNIST Lens against the same algorithm with TF.js gradients), then the same check,
# single-sample and batch figures (1,000 test images) on the convnet, and a stroke on the page
# (lens.drawStroke) on it; last, bytes downloaded (gzipped) and time to first result in a fresh
# page (mlp128). Peers: TensorFlow.js (wasm and cpu backends), ONNX Runtime Web (wasm; 1 thread,
# and 2 threads for the batch), a plain JS loop (mlp128 only).
# Natively: bench-actmax against tools/bench/torch_actmax.py (PyTorch autograd, the faster of
# 1 and 2 threads), and lens-train against PyTorch at batch 64 and 256 (tools/bench/bench-train.sh).
#
# Installs what it needs, idempotently: the npm peers in tools/bench/peers/node_modules (from
# its package-lock.json), Debian's python3-torch and libopenblas0-pthread.
# Peers run offline from there. Not part of tools/test.sh (its check against a plain JS forward pass is in tests/browser/predict.test.mjs).
# Env: EPOCHS (3, training), LENS_MNIST_DIR. Figures only: a missed goal is reported, never an error.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
here="$root/tools/bench"
out="$root/build/bench"
log() { printf '[peers] %s\n' "$*" >&2; }
mkdir -p "$out"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- dependencies -----------------------------------------------------------------------------
[ -d node_modules/playwright-core ] || tools/bootstrap.sh
if [ ! -d "$here/peers/node_modules/onnxruntime-web" ] || [ ! -d "$here/peers/node_modules/@tensorflow/tfjs-backend-wasm" ]; then
  log "npm ci (the peers: TensorFlow.js, ONNX Runtime Web)"
  (cd "$here/peers" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
. "$here/debian-packages.sh"
ensure_debian_packages python3 python3-numpy python3-torch libopenblas0-pthread chromium

# --- builds ------------------------------------------------------------------------------------
log "building the site and bench-actmax"
tools/build-web.sh --target lens_site >"$out/build-web.log" 2>&1 || { cat "$out/build-web.log" >&2; exit 1; }
{ cmake --preset native >/dev/null && cmake --build --preset native --target bench-actmax lens-train lens-info; } >"$out/build-native.log" 2>&1 \
  || { cat "$out/build-native.log" >&2; exit 1; }

# --- runs (one after the other, never two at once) ---------------------------------------------
status=0
log "browser (headless chromium)"
node "$here/peers/bench-peers.mjs" "$out/peers-browser.json" || status=1
log "native maximization: MNIST Lens"
build/native/tools/bench/bench-actmax --model assets/models/mlp128.lens --runs 5 --images "$out/actmax-lens.f32" >"$out/actmax-lens.json" || status=1
log "native maximization: PyTorch"
/usr/bin/python3 "$here/torch_actmax.py" --runs 3 --lens-images "$out/actmax-lens.f32" >"$out/actmax-torch.json" || status=1
log "training: lens-train against PyTorch, batch 64 and 256"
EPOCHS="${EPOCHS:-3}" NAIVE_TORCH=0 "$here/bench-train.sh" >"$out/train.txt" || status=1

node "$here/peers/report.mjs" "$out/peers-browser.json" "$out/actmax-lens.json" "$out/actmax-torch.json" "$out/train.txt" \
  "$out/peers.json" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
