#!/usr/bin/python3
"""Writes the ONNX fixtures of tests/onnx: small MNIST MLPs trained and exported by PyTorch.

Run with Debian's python3 (python3-torch 1.13, python3-onnx 1.12):
    /usr/bin/python3 tools/onnx-fixtures.py [--mnist DIR] [--out tests/onnx]

For each model it writes
  <id>.onnx   torch.onnx.export's file, plus metadata_props the importer reads
              (lens.test_accuracy, lens.name, and lens.input_mean / lens.input_std when
              the model was trained on normalized input and the fixture records it);
  <id>.probs  PyTorch's class probabilities for the first 1000 MNIST test images,
              float32 little-endian, 1000 rows of 10 (what the page must reproduce);
and fixtures.json lists them with PyTorch's accuracy on all 10,000 test images.
With --fuzz-seeds DIR it also writes the same architectures shrunk to a few units
(inputs [N, 1, 2, 2], untrained) as seeds for tests/fuzz/fuzz_onnx.cpp.

The models cover the shapes the importer supports: one and two hidden layers, ReLU, Tanh,
Sigmoid and LeakyReLU, logits or Softmax or LogSoftmax at the end, nn.Flatten on
[N, 1, 28, 28] and a Reshape (x.view(-1, 784)), opsets 9 to 17, with and without
Normalize((0.1307,), (0.3081,)). "mlp-norm-unrecorded" is trained on normalized input but
its file does not say so (as a plain torch.onnx.export does not): the page then measures a
lower accuracy than recorded and must say so.

Deterministic: fixed seeds, one thread, the first 20,000 training images, one epoch of Adam.
"""
import argparse
import gzip
import json
import os
import struct

import numpy as np
import onnx
import torch
from torch import nn

MEAN, STD = 0.1307, 0.3081


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(mnist, split):
    prefix = "train" if split == "train" else "t10k"
    def find(kind):
        for name in (f"{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte.gz",
                     f"{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte"):
            if os.path.exists(os.path.join(mnist, name)):
                return os.path.join(mnist, name)
        raise SystemExit(f"onnx-fixtures: {prefix} {kind} not found in {mnist}")
    x = read_idx(find("images")).astype(np.float32) / 255.0
    y = read_idx(find("labels")).astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)  # (N, 1, 28, 28) pixels in [0, 1]


class ViewFlatten(nn.Module):
    """x.view(-1, features): torch.onnx.export writes a Reshape with a constant shape."""
    def __init__(self, features=784):
        super().__init__()
        self.features = features

    def forward(self, x):
        return x.view(-1, self.features)


# id, layers, final op, normalize in training, normalization recorded in the file, opset, flatten
MODELS = [
    ("mlp-relu-softmax", [32], nn.ReLU, "softmax", True, True, 13, "flatten"),
    ("mlp-tanh-logsoftmax", [24, 16], nn.Tanh, "logsoftmax", False, False, 11, "view"),
    ("mlp-sigmoid-logits", [20], nn.Sigmoid, "logits", False, False, 9, "flatten"),
    ("mlp-leaky-2x16", [16, 16], nn.LeakyReLU, "softmax", True, True, 17, "view"),
    ("mlp-norm-unrecorded", [32], nn.ReLU, "logits", True, False, 13, "flatten"),
]


def build(hidden, act, final, flatten, inputs=784, outputs=10):
    layers = [nn.Flatten() if flatten == "flatten" else ViewFlatten(inputs)]
    width = inputs
    for h in hidden:
        layers += [nn.Linear(width, h), act(), nn.Dropout(0.1)]
        width = h
    layers.append(nn.Linear(width, outputs))
    if final == "softmax":
        layers.append(nn.Softmax(dim=1))
    elif final == "logsoftmax":
        layers.append(nn.LogSoftmax(dim=1))
    return nn.Sequential(*layers)


def probabilities(model, final, x):
    out = model(x)
    if final == "softmax":
        return out
    if final == "logsoftmax":
        return out.exp()
    return torch.softmax(out, dim=1)


def write_fuzz_seeds(out):
    os.makedirs(out, exist_ok=True)
    for k, (mid, hidden, act, final, normalize, recorded, opset, flatten) in enumerate(MODELS):
        torch.manual_seed(200 + k)
        model = build([3] * len(hidden), act, final, flatten, inputs=4, outputs=2).eval()
        path = os.path.join(out, mid + "-tiny.onnx")
        torch.onnx.export(model, torch.rand(1, 1, 2, 2), path, input_names=["image"], output_names=["scores"],
                          dynamic_axes={"image": {0: "N"}, "scores": {0: "N"}}, opset_version=opset)
        m = onnx.load(path)
        if normalize and recorded:
            for key, value in (("lens.input_mean", str(MEAN)), ("lens.input_std", str(STD))):
                entry = m.metadata_props.add()
                entry.key, entry.value = key, value
        onnx.save(m, path)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--mnist", default=os.environ.get("LENS_MNIST_DIR", os.path.join(here, "..", "..", "shared", "data", "mnist")))
    ap.add_argument("--out", default=os.path.join(here, "..", "tests", "onnx"))
    ap.add_argument("--fuzz-seeds", help="also write tiny versions of the models here (tests/fuzz/seeds/onnx)")
    args = ap.parse_args()
    if args.fuzz_seeds:
        write_fuzz_seeds(args.fuzz_seeds)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    xtr, ytr = load(args.mnist, "train")
    xte, yte = load(args.mnist, "test")
    xtr, ytr = xtr[:20000], ytr[:20000]
    os.makedirs(args.out, exist_ok=True)
    manifest = []
    for k, (mid, hidden, act, final, normalize, recorded, opset, flatten) in enumerate(MODELS):
        torch.manual_seed(100 + k)
        model = build(hidden, act, final, flatten)
        prep = (lambda x: (x - MEAN) / STD) if normalize else (lambda x: x)
        opt = torch.optim.Adam(model.parameters(), lr=2e-3)
        order = torch.randperm(len(xtr), generator=torch.Generator().manual_seed(k))
        model.train()
        for start in range(0, len(xtr), 64):
            idx = order[start:start + 64]
            out = model(prep(xtr[idx]))
            logp = torch.log(out.clamp_min(1e-12)) if final == "softmax" else out if final == "logsoftmax" else torch.log_softmax(out, 1)
            loss = nn.functional.nll_loss(logp, ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            p_all = probabilities(model, final, prep(xte))
            accuracy = float((p_all.argmax(1) == yte).float().mean())
            probs = p_all[:1000].numpy().astype("<f4")
        path = os.path.join(args.out, mid + ".onnx")
        torch.onnx.export(model, prep(xte[:1]), path, input_names=["image"], output_names=["scores"],
                          dynamic_axes={"image": {0: "N"}, "scores": {0: "N"}}, opset_version=opset)
        m = onnx.load(path)
        meta = {"lens.name": mid, "lens.test_accuracy": f"{accuracy:.4f}"}
        if normalize and recorded:
            meta.update({"lens.input_mean": str(MEAN), "lens.input_std": str(STD)})
        for key, value in meta.items():
            entry = m.metadata_props.add()
            entry.key, entry.value = key, value
        onnx.checker.check_model(m)
        onnx.save(m, path)
        probs.tofile(os.path.join(args.out, mid + ".probs"))
        manifest.append({"id": mid, "onnx": mid + ".onnx", "probs": mid + ".probs", "images": 1000,
                         "torch_accuracy": round(accuracy, 4), "normalize": [MEAN, STD] if normalize else None,
                         "normalize_recorded": bool(normalize and recorded), "final": final, "opset": opset,
                         "ops": [n.op_type for n in m.graph.node]})
        print(f"{mid}: opset {opset}, {'-'.join(str(s) for s in [784] + hidden + [10])}, accuracy {accuracy:.4f}, "
              f"ops {' '.join(n.op_type for n in m.graph.node)}")
    with open(os.path.join(args.out, "fixtures.json"), "w") as f:
        json.dump({"generator": "tools/onnx-fixtures.py", "torch": torch.__version__, "onnx": onnx.__version__,
                   "models": manifest}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
