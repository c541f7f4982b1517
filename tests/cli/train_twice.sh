#!/bin/sh
# lens-train run on the same small recipe must write byte-identical bundles with 1, 2 and 3
# threads (each product is split into fixed blocks of its outputs, each output summed in one
# order whatever the thread count), at batch 128 and at batch 256.
# The digit prior's VAE recipe too (one epoch on 5,000 images), and a convnet's recipe (one
# epoch on 3,000 of the page's training images).
#   train_twice.sh LENS_TRAIN MNIST_DIR WORK_DIR [VAE_RECIPE [CONVNET_RECIPE]]
set -eu
train="$1"; data="$2"; work="$3"; vae="${4:-}"; convnet="${5:-}"
mkdir -p "$work"
for batch in 128 256; do
  for run in 1 2 3; do
    "$train" --data "$data" --layers 784,48,10 --epochs 1 --batch "$batch" --validation 55000 --seed 11 \
      --id twice --quiet --threads "$run" --out "$work/run$run.lens" > "$work/run$run.log"
  done
  grep -q ', 3 threads$' "$work/run3.log" || { echo "lens-train did not report 3 threads"; cat "$work/run3.log"; exit 1; }
  cmp "$work/run1.lens" "$work/run2.lens"
  cmp "$work/run1.lens" "$work/run3.lens"
  echo "batch $batch identical: $(wc -c < "$work/run1.lens") bytes, $(grep '^test' "$work/run1.log")"
done
if [ -n "$vae" ]; then
  for run in 1 2; do  # the VAE's optimizer steps run in blocks too
    "$train" --data "$data" --recipe "$vae" --epochs 1 --validation 55000 --quiet --threads "$run" \
      --out "$work/vae$run.lens" > "$work/vae$run.log"
  done
  cmp "$work/vae1.lens" "$work/vae2.lens"
  echo "vae identical: $(wc -c < "$work/vae1.lens") bytes, $(grep '^test' "$work/vae1.log")"
fi
if [ -n "$convnet" ]; then
  for run in 1 2; do  # a convnet's steps run on one thread; only the optimizer's blocks could move
    "$train" --data "$data" --recipe "$convnet" --dataset mnist-subset --epochs 1 --validation 17000 --quiet \
      --threads "$run" --out "$work/convnet$run.lens" > "$work/convnet$run.log"
  done
  cmp "$work/convnet1.lens" "$work/convnet2.lens"
  echo "convnet identical: $(wc -c < "$work/convnet1.lens") bytes, $(grep '^test' "$work/convnet1.log")"
fi
