#!/usr/bin/python3
"""PyTorch CPU peer of lens-train for tools/bench/bench-train.sh.

Trains the same model as
  lens-train --layers 784,128,10 --activation relu --init he --bias-init 0
             --optimizer adam --lr 1e-3 --schedule constant --l2 0 --validation 5000
on 55000 MNIST training images (a seeded random 55000 of the 60000, the same
count lens-train trains on after its 5000-image validation hold-out) and
evaluates on the 10000 test images. Prints one JSON line on stdout.

Fast path, like lens-train's loop: the whole training set is one float32
tensor, each epoch draws a shuffled permutation and gathers mini-batches by
index (no DataLoader); the last partial batch is dropped, as lens-train does.
The timer covers shuffle + gather + forward + backward + Adam step of every
epoch and nothing else (no data loading, no evaluation).

Run with the system interpreter (/usr/bin/python3, Debian python3-torch).
"""
import argparse
import gzip
import json
import os
import re
import sys
import time

# Two thread pools are in play: torch's intra-op pool (OpenMP, libgomp;
# torch.set_num_threads) runs the elementwise ops and Adam, and Debian's
# libopenblas0-pthread keeps its own pthread pool for the GEMMs of nn.Linear
# (OPENBLAS_NUM_THREADS, read when libblas.so.3 is loaded). With 2 + 2 threads
# on 2 cores the spinning OpenMP workers and the OpenBLAS workers fight for
# the cores and throughput drops 3-10x and swings run to run, so the two
# counts are separate options. Pin them before numpy/torch load OpenBLAS.
_pre = argparse.ArgumentParser(add_help=False)
_pre.add_argument("--threads", type=int, default=2)
_pre.add_argument("--blas-threads", type=int, default=None)
_known = _pre.parse_known_args()[0]
_blas_threads = _known.blas_threads if _known.blas_threads is not None else _known.threads
os.environ["OPENBLAS_NUM_THREADS"] = str(_blas_threads)
os.environ["OMP_NUM_THREADS"] = str(_known.threads)

import numpy as np  # noqa: E402  (Debian's numpy loads libblas.so.3 = OpenBLAS, too)
import torch  # noqa: E402
from torch import nn  # noqa: E402


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir, prefix):
    images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)
    y = torch.from_numpy(labels.astype(np.int64))
    return x.contiguous(), y


def loaded_blas_libraries():
    """Shared libraries with BLAS in them that this process actually mapped."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path).lower()
                if any(k in name for k in ("blas", "mkl", "blis", "atlas")):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(libs)


def blas_config():
    """BLAS-related settings of this torch build, from torch.__config__.show()."""
    cfg = torch.__config__.show()
    return re.findall(r"\b((?:BLAS_INFO|LAPACK_INFO|USE_MKLDNN|USE_OPENMP)=[^,\s]*)", cfg)


def main():
    default_data = os.environ.get(
        "LENS_MNIST_DIR",
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data", "mnist"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=default_data, help="folder with the MNIST IDX .gz files")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--train-count", type=int, default=55000, help="training images (lens-train: 60000 - 5000 validation)")
    ap.add_argument("--threads", type=int, default=2, help="torch intra-op threads (torch.set_num_threads)")
    ap.add_argument("--blas-threads", type=int, default=None, help="OpenBLAS threads (default: --threads)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x_all, y_all = load(args.data, "train")
    x_test, y_test = load(args.data, "t10k")
    pick = torch.from_numpy(np.random.default_rng(args.seed).permutation(len(x_all))[: args.train_count])
    x_train, y_train = x_all[pick].contiguous(), y_all[pick].contiguous()

    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")  # N(0, 2/fan_in), lens-train's "he"
            nn.init.zeros_(m.bias)
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)

    n, b = len(x_train), args.batch
    steps = n // b  # drop the last partial batch, as lens-train does
    epoch_seconds, epoch_loss = [], []
    model.train()
    for _ in range(args.epochs):
        t0 = time.perf_counter()
        order = torch.randperm(n)
        loss_sum = torch.zeros(())
        for s in range(steps):
            idx = order[s * b:(s + 1) * b]
            xb, yb = x_train.index_select(0, idx), y_train.index_select(0, idx)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            loss_sum += loss.detach()
        epoch_loss.append(float(loss_sum) / steps)  # the sync is inside the timed region
        epoch_seconds.append(time.perf_counter() - t0)

    model.eval()
    with torch.no_grad():
        logits = model(x_test)
        test_loss = float(loss_fn(logits, y_test))
        test_acc = float((logits.argmax(1) == y_test).float().mean())

    train_seconds = sum(epoch_seconds)
    samples = steps * b * args.epochs
    print(json.dumps({
        "trainer": "pytorch",
        "torch_version": torch.__version__,
        "batch": b,
        "epochs": args.epochs,
        "train_images": n,
        "threads": torch.get_num_threads(),
        "blas_threads": int(os.environ["OPENBLAS_NUM_THREADS"]),
        "samples_trained": samples,
        "train_seconds": round(train_seconds, 4),
        "epoch_seconds": [round(s, 4) for s in epoch_seconds],
        "samples_per_second": round(samples / train_seconds, 1) if train_seconds > 0 else 0,
        "train_loss": [round(l, 4) for l in epoch_loss],
        "test_loss": round(test_loss, 4),
        "test_accuracy": round(test_acc, 4),
        "blas": {"config": blas_config(), "loaded": loaded_blas_libraries()},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
