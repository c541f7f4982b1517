#!/bin/sh
# lens-train run twice on the same small recipe must write byte-identical bundles, with 1
# and with 2 threads (the products keep one summation order whatever the thread count).
# The digit prior's VAE recipe too (one epoch on 5,000 images).
#   train_twice.sh LENS_TRAIN MNIST_DIR WORK_DIR [VAE_RECIPE]
set -eu
train="$1"; data="$2"; work="$3"; vae="${4:-}"
mkdir -p "$work"
for run in 1 2; do
  "$train" --data "$data" --layers 784,16,10 --epochs 1 --batch 128 --validation 55000 --seed 11 \
    --id twice --quiet --threads "$run" --out "$work/run$run.lens" > "$work/run$run.log"
done
cmp "$work/run1.lens" "$work/run2.lens"
echo "identical: $(wc -c < "$work/run1.lens") bytes, $(grep '^test' "$work/run1.log")"
if [ -n "$vae" ]; then
  for run in 1 2; do
    "$train" --data "$data" --recipe "$vae" --epochs 1 --validation 55000 --quiet --threads "$run" \
      --out "$work/vae$run.lens" > "$work/vae$run.log"
  done
  cmp "$work/vae1.lens" "$work/vae2.lens"
  echo "vae identical: $(wc -c < "$work/vae1.lens") bytes, $(grep '^test' "$work/vae1.log")"
fi
