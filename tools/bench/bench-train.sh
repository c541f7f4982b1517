#!/usr/bin/env bash
# Side-by-side CPU training benchmark: lens-train (C++/Eigen) vs PyTorch.
#
# Same model and recipe on both sides: 784-128-10 MLP, ReLU hidden, softmax +
# cross-entropy, He init, zero bias, Adam lr 1e-3 (constant), no weight decay,
# EPOCHS epochs, THREADS threads, batch sizes BATCHES. lens-train holds 5000 of
# the 60000 MNIST training images out for validation and trains on 55000;
# PyTorch trains on a seeded random 55000 (tools/bench/torch_train.py). Both
# evaluate on the 10000 test images.
#
# "train s" / "samples/s" cover the training loop only (shuffle, batch gather,
# forward, backward, optimizer step), without data loading and evaluation. For
# lens-train they come from its per-epoch lines (per-epoch evaluation is
# outside its timer); both sides drop the last partial batch.
#
# Installs what it needs (Debian packages, idempotently), builds lens-train,
# prints a markdown table. No assertions on timings.
#
# PyTorch runs in two thread layouts (see torch_train.py): Debian's torch has an
# OpenMP intra-op pool and libopenblas0-pthread a second pool for the GEMMs.
#   pytorch         torch.set_num_threads(1), OpenBLAS THREADS threads: at most
#                   THREADS busy threads, the GEMMs get all of them (the fast
#                   layout on 2 cores; the row the ratio uses)
#   pytorch 2+2     torch.set_num_threads(THREADS), OpenBLAS THREADS threads
#                   (the naive layout: the pools oversubscribe the cores)
#
# Env: EPOCHS (3), BATCHES ("64 256"), THREADS (2), SEED (1), NAIVE_TORCH (1; 0 skips the
#      "pytorch 2+2" rows, as tools/bench/peers.sh does), REPEATS (1: runs
#      per row, the fastest is reported), LENS_MNIST_DIR (../shared/data/mnist),
#      KEEP_LOGS=1 keeps the raw logs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/tools/bench"
EPOCHS="${EPOCHS:-3}"
BATCHES="${BATCHES:-64 256}"
THREADS="${THREADS:-2}"
SEED="${SEED:-1}"
REPEATS="${REPEATS:-1}"
data="${LENS_MNIST_DIR:-$root/../shared/data/mnist}"
py=/usr/bin/python3  # Debian's interpreter: python3-torch lives there, not in pyenv
log() { printf '[bench-train] %s\n' "$*" >&2; }

# --- dependencies ------------------------------------------------------------------
packages=(
  python3 python3-numpy python3-torch libopenblas0-pthread
  build-essential cmake ninja-build libeigen3-dev nlohmann-json3-dev zlib1g-dev libcli11-dev libgtest-dev
)
. "$root/tools/bench/debian-packages.sh"
ensure_debian_packages "${packages[@]}"
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  [ -f "$data/$f" ] || { log "missing $data/$f (set LENS_MNIST_DIR)"; exit 1; }
done

# --- build ---------------------------------------------------------------------------
log "building lens-train"
(cd "$root" && cmake --preset native >/dev/null && cmake --build --preset native --target lens-train >/dev/null)
lens_train="$root/build/native/tools/lens-train"

blas_alt="$(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p')"
blas_alt="${blas_alt:-unknown}"

work="$(mktemp -d)"
if [ "${KEEP_LOGS:-0}" = 1 ]; then log "raw logs in $work"; else trap 'rm -rf "$work"' EXIT; fi
results="$work/results.tsv"  # label batch epochs train_s samples_per_s test_acc(0..1)
: >"$results"
cut -d' ' -f1-3 /proc/loadavg >"$work/loadavg"

# Each runner prints one TSV row: label batch epochs train_s samples_per_s test_acc.
run_lens() {  # $1 = batch, $2 = log file
  "$lens_train" --data "$data" --layers 784,128,10 --activation relu --head softmax --init he --bias-init 0 \
    --optimizer adam --lr 0.001 --schedule constant --l2 0 --validation 5000 --batch "$1" --epochs "$EPOCHS" \
    --seed "$SEED" --threads "$THREADS" --quiet --id bench --out "$work/bench.lens" >"$2"
  # Header: "..., 55000 train / 5000 validation / 10000 test, ...";
  # per epoch: "epoch  1 ... 0.8 s  66986 samples/s" (the training loop only);
  # end: "test: loss 0.1174  accuracy 96.61% (10000 images) ...".
  # Each epoch trains floor(N/B)*B samples; its time is samples / (samples/s),
  # more precise than the one-decimal seconds column.
  awk -v b="$1" -v epochs="$EPOCHS" '
    match($0, /[0-9]+ train \//) { n = substr($0, RSTART, RLENGTH) + 0 }
    /^epoch / { sps = $(NF - 1) + 0; per = int(n / b) * b; if (sps > 0) secs += per / sps; total += per; e++ }
    /^test:/ { for (i = 1; i <= NF; i++) if ($i == "accuracy") { acc = $(i + 1); sub(/%/, "", acc); acc /= 100 } }
    END {
      if (n == 0 || e != epochs || secs <= 0 || acc == "") { print "cannot parse lens-train output" > "/dev/stderr"; exit 1 }
      printf "lens-train\t%d\t%d\t%.3f\t%.0f\t%.4f\n", b, e, secs, total / secs, acc
    }' "$2"
}
run_torch() {  # $1 = label, $2 = batch, $3 = torch intra-op threads, $4 = JSON file
  "$py" "$here/torch_train.py" --data "$data" --batch "$2" --epochs "$EPOCHS" --threads "$3" \
    --blas-threads "$THREADS" --seed "$SEED" >"$4"
  "$py" -c '
import json, sys
r = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
print("%s\t%d\t%d\t%.3f\t%.0f\t%.4f" % (sys.argv[1], r["batch"], r["epochs"], r["train_seconds"], r["samples_per_second"], r["test_accuracy"]))
' "$1" "$4"
}
best_of() {  # runs "$@" REPEATS times (the command takes a run index as its last argument), keeps the fastest row
  local i
  for i in $(seq 1 "$REPEATS"); do "$@" "$i"; done | sort -t$'\t' -k5,5gr | head -n1
}

# --- runs ------------------------------------------------------------------------------
lens_row() { run_lens "$1" "$work/lens-$1-$2.log"; }
torch_row() { run_torch "$1" "$2" "$3" "$work/torch-$2-$3-$4.json"; }
for b in $BATCHES; do
  log "batch $b: lens-train ($THREADS threads), $EPOCHS epochs x $REPEATS"
  best_of lens_row "$b" >>"$results"
  log "batch $b: pytorch (intra-op 1, OpenBLAS $THREADS), $EPOCHS epochs x $REPEATS"
  best_of torch_row "pytorch" "$b" 1 >>"$results"
  if [ "${NAIVE_TORCH:-1}" != 0 ]; then
    log "batch $b: pytorch (intra-op $THREADS, OpenBLAS $THREADS), $EPOCHS epochs x $REPEATS"
    best_of torch_row "pytorch $THREADS+$THREADS" "$b" "$THREADS" >>"$results"
  fi
done

# --- report ----------------------------------------------------------------------------
torch_json="$(ls "$work"/torch-*.json | head -n1)"
"$py" - "$results" "$torch_json" "$blas_alt" "$THREADS" "$work/loadavg" "$REPEATS" <<'EOF'
import json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
t = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
blas_alt, threads, load0, repeats = sys.argv[3], sys.argv[4], open(sys.argv[5]).read().strip(), int(sys.argv[6])
print(f"MNIST 784-128-10 ReLU, Adam lr 1e-3, He init, {t['train_images']} train images, 10000 test images, "
      f"{threads} threads each; training loop only (no data loading / evaluation)"
      + (f"; fastest of {repeats} runs per row" if repeats > 1 else ""))
print(f"pytorch = torch.set_num_threads(1) + OpenBLAS {threads} threads; "
      f"pytorch {threads}+{threads} = torch.set_num_threads({threads}) + OpenBLAS {threads} threads")
print()
print("| trainer | batch | epochs | train s | samples/s | test acc |")
print("|---|---:|---:|---:|---:|---:|")
for name, b, e, s, sps, acc in rows:
    print(f"| {name} | {b} | {e} | {float(s):.2f} | {float(sps):,.0f} | {100 * float(acc):.2f}% |")
print()
by = {}
for name, b, e, s, sps, acc in rows:
    by.setdefault(b, {})[name] = float(sps)
naive = f"pytorch {threads}+{threads}"
for b, d in by.items():
    if d.get("pytorch", 0) > 0 and "lens-train" in d:
        line = f"batch {b}: lens-train / PyTorch samples/s = {d['lens-train'] / d['pytorch']:.2f}x"
        if d.get(naive, 0) > 0:
            line += f"  (vs {naive}: {d['lens-train'] / d[naive]:.2f}x)"
        print(line)
print()
print(f"PyTorch {t['torch_version']} ({', '.join(t['blas']['config'])}); libblas.so.3 alternative: {blas_alt}")
print("PyTorch loaded BLAS: " + (", ".join(t["blas"]["loaded"]) or "none found in /proc/self/maps"))
print(f"load average before / after: {load0} / {' '.join(open('/proc/loadavg').read().split()[:3])}"
      " (other work on the cores makes the OpenMP/OpenBLAS pools wait on each other; re-run or raise REPEATS)")
EOF
