#!/usr/bin/python3
"""Writes tests/onnx/conv-grad-fixture.json: PyTorch's loss gradients of a tiny convnet, the
reference ConvTrain.GradientsMatchPyTorch compares mlp_backward with.

Run with Debian's python3 (python3-torch 1.13), in a second:
    /usr/bin/python3 tools/conv-grad-fixture.py [--out tests/onnx/conv-grad-fixture.json]

The network is the one the fixture's "recipe" builds in lens-train (train_config_network):
  conv 3 of 5x5, ReLU, max pool 2 -> 3x12x12
  conv 4 of 3x3 stride 2 pad 1, ReLU, max pool 2 -> 4x3x3
  flatten (C, H, W) -> dense 36 -> 12, ReLU -> dense 12 -> 10, softmax cross-entropy (mean over the batch)
with seeded float32 weights and a batch of 5 seeded 28x28 "digits" (a blob of ink on zeros, as
MNIST's mostly-zero images). Weights are written in the layout a bundle keeps: a filter's taps
in [C_in, kh, kw] order (PyTorch's own), a dense weight (out, in). Every number is a float32
value written exactly (as the double it is). PyTorch computes in float64 from those float32
values, so the reference carries no float32 rounding of its own.
"""
import argparse
import json

import numpy as np
import torch
import torch.nn.functional as F

RECIPE = {
    "conv": [
        {"channels": 3, "kernel": 5, "stride": 1, "pad": 0, "pool": 2},
        {"channels": 4, "kernel": 3, "stride": 2, "pad": 1, "pool": 2},
    ],
    "layers": [36, 12, 10],
    "activation": "relu",
}


def f32(a):
    return np.asarray(a, dtype=np.float32)


def inputs(rng, n):
    """n images of 28x28 in [0, 1]: zeros with an ellipse of ink, as MNIST digits are mostly 0."""
    yy, xx = np.mgrid[0:28, 0:28]
    out = np.zeros((n, 1, 28, 28), dtype=np.float32)
    for k in range(n):
        cy, cx = rng.uniform(9, 19, size=2)
        ry, rx = rng.uniform(4, 9, size=2)
        d = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2
        ink = np.clip(1.5 - d, 0, 1) * rng.uniform(0.5, 1.0, size=(28, 28))
        out[k, 0] = f32(ink)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tests/onnx/conv-grad-fixture.json")
    args = ap.parse_args()
    rng = np.random.default_rng(20261207)
    shapes = [("conv", (3, 1, 5, 5)), ("conv", (4, 3, 3, 3)), ("dense", (12, 36)), ("dense", (10, 12))]
    weights, biases = [], []
    for kind, shape in shapes:
        fan_in = int(np.prod(shape[1:]))
        weights.append(f32(rng.normal(0, np.sqrt(2.0 / fan_in), size=shape)))
        biases.append(f32(rng.uniform(-0.1, 0.1, size=shape[0])))
    x = inputs(rng, 5)
    labels = [3, 1, 4, 1, 5]

    params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for pair in zip(weights, biases) for a in pair]
    W1, b1, W2, b2, W3, b3, W4, b4 = params
    h = F.max_pool2d(F.relu(F.conv2d(torch.tensor(x, dtype=torch.float64), W1, b1)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, W2, b2, stride=2, padding=1)), 2)
    h = F.relu(F.linear(torch.flatten(h, 1), W3, b3))
    logits = F.linear(h, W4, b4)
    loss = F.cross_entropy(logits, torch.tensor(labels))
    loss.backward()

    def flat(t):  # a layer's weight as the bundle's (rows, taps or inputs) matrix, row by row
        a = t.detach().numpy() if isinstance(t, torch.Tensor) else t
        return [float(v) for v in np.asarray(a, dtype=np.float64).reshape(a.shape[0], -1).ravel()]

    layers = []
    for l in range(4):
        W, b = params[2 * l], params[2 * l + 1]
        layers.append({
            "W": flat(weights[l]), "b": [float(v) for v in biases[l].astype(np.float64)],
            "dW": flat(W.grad), "db": [float(v) for v in b.grad.numpy()],
        })
    fixture = {
        "about": "tools/conv-grad-fixture.py: PyTorch 1.13 (float64) loss gradients of a tiny convnet",
        "recipe": RECIPE,
        "labels": labels,
        "x": [float(v) for v in x.reshape(5, -1).astype(np.float64).ravel()],  # image after image, 784 each
        "loss": float(loss.item()),
        "logits": [float(v) for v in logits.detach().numpy().ravel()],  # sample after sample, 10 each
        "layers": layers,
    }
    with open(args.out, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {args.out}: loss {loss.item():.6f}")


if __name__ == "__main__":
    main()
