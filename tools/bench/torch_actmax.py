#!/usr/bin/python3
"""PyTorch peer of MNIST Lens's activation maximization for tools/bench/peers.sh.

The algorithm of src/interpret/actmax.cpp with ActmaxConfig's defaults, on every hidden unit of
mlp128's first layer at once (128 images, 256 steps), written with autograd: each step draws a
jitter (dx, dy) in [-1, 1] from the same splitmix64 seed, takes the gradient of
  J(x) = sum_u z_u(shift(x_u)) - l2/2 |x|^2 - tv/2 sum (4-neighbour differences)^2
(z_u the unit's pre-activation on its own image), one Adam ascent step on the pixels, a
Gaussian blur (sigma 0.5) every 4th step in the first three quarters, and a clamp to [0, 1].
Prints one JSON line: the median time of --runs runs at the fastest of the thread counts tried
(chosen on a 32-step run of each),
and (with --lens-images) how far its images are from MNIST Lens's.
Run with Debian's /usr/bin/python3 (python3-torch).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

_pre = argparse.ArgumentParser(add_help=False)
_pre.add_argument("--blas-threads", type=int, default=2)
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(_pre.parse_known_args()[0].blas_threads))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

M64 = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & M64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


def read_lens(path, root):
    """(W (H, 784), b (H)) of the first layer of a .lens bundle, read by the page's own bundle
    reader: lens-info --weights (tools/lens_info.cpp; the native build's, else the web build's)."""
    native = os.path.join(root, "build", "native", "tools", "lens-info")
    wasm = os.path.join(root, "build", "web", "tools", "lens-info.js")
    if os.path.exists(native):
        cmd = [native]
    elif os.path.exists(wasm):
        cmd = ["node", "--no-experimental-fetch", wasm]
    else:
        raise SystemExit("lens-info is not built: cmake --build --preset native --target lens-info")
    out = json.loads(subprocess.run(cmd + ["--weights", path], check=True, capture_output=True).stdout)
    layer = out["layers"][0]
    n_out = len(layer["b"])
    W = np.asarray(layer["W"], dtype=np.float32).reshape(n_out, -1)
    return torch.from_numpy(W), torch.from_numpy(np.asarray(layer["b"], dtype=np.float32))


def actmax(W, b, steps=256, lr=0.05, l2=0.02, tv=0.05, sigma=0.5, blur_every=4, jitter=1, seed=1):
    U, S = W.shape[0], 28
    r = max(1, math.ceil(2.5 * sigma))
    k = torch.tensor([math.exp(-0.5 * i * i / (sigma * sigma)) for i in range(-r, r + 1)])
    k = k / k.sum()
    kernel = torch.outer(k, k).view(1, 1, 2 * r + 1, 2 * r + 1)
    eye = torch.eye(U)
    rng = SplitMix64(seed)
    x, m, v = torch.zeros(U, 784), torch.zeros(U, 784), torch.zeros(U, 784)
    b1, b2, eps = 0.9, 0.999, 1e-8

    def shift(img, dx, dy):  # out[y][x] = in[y - dy][x - dx], zeros shifted in
        if not dx and not dy:
            return img
        p = F.pad(img.view(U, S, S), (max(dx, 0), max(-dx, 0), max(dy, 0), max(-dy, 0)))
        return p[:, max(-dy, 0):max(-dy, 0) + S, max(-dx, 0):max(-dx, 0) + S].reshape(U, 784)

    for t in range(1, steps + 1):
        dx = rng.below(2 * jitter + 1) - jitter if jitter > 0 else 0
        dy = rng.below(2 * jitter + 1) - jitter if jitter > 0 else 0
        xg = x.detach().requires_grad_(True)
        z = shift(xg, dx, dy) @ W.t() + b
        img = xg.view(U, S, S)
        dh, dv = img[:, :, 1:] - img[:, :, :-1], img[:, 1:, :] - img[:, :-1, :]
        J = (z * eye).sum() - l2 / 2 * (xg * xg).sum() - tv / 2 * ((dh * dh).sum() + (dv * dv).sum())
        (g,) = torch.autograd.grad(J, xg)
        with torch.no_grad():
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            c1, c2 = 1 - b1 ** t, 1 - b2 ** t
            x = x + lr * (m / c1) / ((v / c2).sqrt() + eps)
            if blur_every > 0 and t % blur_every == 0 and 4 * t < 3 * steps:
                x = F.conv2d(x.view(U, 1, S, S), kernel, padding=r).view(U, 784)
            x = x.clamp(0, 1)
    return x


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=os.path.join(root, "assets", "models", "mlp128.lens"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", default="1,2", help="torch intra-op thread counts to try; the fastest is reported")
    ap.add_argument("--blas-threads", type=int, default=2)
    ap.add_argument("--lens-images", help="float32 images from bench-actmax --images, to compare with")
    args = ap.parse_args()
    W, b = read_lens(args.model, root)
    # The thread count is chosen on a short run (32 steps) of each: with both torch's OpenMP pool
    # and OpenBLAS's at 2 threads on 2 busy cores a run can take 10x longer, and the whole of
    # tools/bench/peers.sh must stay within minutes.
    trial = {}
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        actmax(W, b, steps=4)  # warm-up
        t0 = time.perf_counter()
        actmax(W, b, steps=32)
        trial[threads] = (time.perf_counter() - t0) * 1000
    threads = min(trial, key=trial.get)
    torch.set_num_threads(threads)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        images = actmax(W, b)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    best, best_images = {"threads": threads, "ms": round(times[len(times) // 2], 3), "min_ms": round(times[0], 3),
                         "trial_32_steps_ms": {str(k): round(v, 1) for k, v in trial.items()}}, images
    out = {"units": W.shape[0], "steps": 256, "runs": args.runs, "torch_version": torch.__version__,
           "blas_threads": int(os.environ["OPENBLAS_NUM_THREADS"]), **best}
    if args.lens_images:
        lens = torch.from_numpy(np.fromfile(args.lens_images, dtype="<f4").reshape(W.shape[0], 784))
        d = (lens - best_images).abs()
        out["difference"] = {"mean": float(d.mean()), "max": float(d.max())}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
