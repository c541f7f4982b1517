#!/usr/bin/python3
"""Writes the convolutional ONNX fixtures of tests/onnx: small MNIST networks trained by PyTorch.

Run with Debian's python3 (python3-torch 1.13, python3-onnx 1.12), about 4 minutes on one thread
(3 of them for pytorch-mnist-example's 1.2 M weights):
    /usr/bin/python3 tools/onnx-conv-fixtures.py [--mnist DIR] [--out tests/onnx] \
        [--fuzz-seeds tests/fuzz/seeds/onnx] [--only ID,ID]

For each model it writes into --out
  <id>.onnx   the network: torch.onnx.export's file, or for the two Keras-style models a graph
              built with onnx.helper in the layout tf2onnx gives a Keras model (NHWC input
              "input_1", Transpose to NCHW, Conv/Relu/MaxPool, Transpose back, Reshape,
              MatMul + Add, Softmax); plus the metadata_props the importer reads, as the entry
              says (lens.name, lens.test_accuracy, lens.input_mean / lens.input_std);
  <id>.probs  PyTorch's class probabilities for the first 1000 MNIST test images,
              float32 little-endian, 1000 rows of 10 (for an NHWC model the input is the same
              784 pixels: one channel, so NHWC and NCHW hold the same bytes);
and convnets.json lists them: PyTorch's accuracy on all 10,000 test images, the normalization
the model was trained with and whether the file records it, whether it records the accuracy,
the opset, the operators in node order, the number of trained parameters (weights, biases and
BatchNorm scales and shifts; running statistics not counted), the input layout and a line
saying what the network is. It is a separate manifest from fixtures.json (the MLPs that
tools/onnx-fixtures.py writes), so the tests that loop over fixtures.json do not see these.

The models: pytorch-mnist-example, the pytorch/examples Net, trained on Normalize((0.1307,),
(0.3081,)) input that its file does not record (nor the accuracy), as a plain export; the older
LeNet-style example (opset 11, pooling before ReLU, view(-1, 320)); the Keras mnist_convnet and
TF.js mnist convnets in NHWC; an MLP with LeakyReLU 0.1; conv-bn-strided (BatchNorm, AvgPool,
strides, dilation, a global average pool, [-1, 1] input); conv-stride2-nopad (opset 9, a MaxPool
with pads). What torch 1.13 writes for them: no Dropout node (eval mode); a BatchNorm right after
a Conv folded into the Conv, the others as BatchNormalization; AvgPool2d as a zero Pad (pads from
a Constant) then AveragePool; AdaptiveAvgPool2d(1) as GlobalAveragePool; torch.flatten and
nn.Flatten as Flatten, x.view as Constant + Reshape; padding as Conv/MaxPool pads attributes.

Every file is checked with onnx.checker and run by a small NumPy evaluator of ONNX graphs in
this file (float64; onnxruntime and onnx.reference are not in Debian's onnx 1.12), which must
give PyTorch's probabilities within 1e-5 on the 1000 images.

With --fuzz-seeds DIR it also writes the same architectures shrunk to a few channels
(inputs [N, 1, 8, 8], or [N, 8, 8, 1] for the NHWC ones; untrained) as <id>-tiny.onnx, seeds
for tests/fuzz/fuzz_onnx.cpp. --only writes just the models named and leaves the manifest alone.

Deterministic: fixed seeds, one thread, the first 20,000 training images, one epoch of Adam
(lr 1e-3; 2e-3 for the small ones), dropout active in training and absent from the export
(eval mode). The MNIST reader is tools/onnx-fixtures.py's.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy loads its BLAS

import argparse
import importlib.util
import json
import time

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import helper, numpy_helper, TensorProto
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("onnx_fixtures", os.path.join(HERE, "onnx-fixtures.py"))
onnx_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(onnx_fixtures)

MNIST_NORM = (0.1307, 0.3081)
SYMMETRIC_NORM = (0.5, 0.5)
TRAIN_IMAGES = 20000


# ---------------------------------------------------------------------------------------------
# The networks. Each takes its sizes so that the fuzz seeds are the same code on 8x8 inputs.

class ExampleNet(nn.Module):
    """pytorch/examples mnist/main.py's Net, written as the example writes it."""
    def __init__(self, c1=32, c2=64, hidden=128, side=28):
        super().__init__()
        self.conv1 = nn.Conv2d(1, c1, 3, 1)
        self.conv2 = nn.Conv2d(c1, c2, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(c2 * ((side - 4) // 2) ** 2, hidden)
        self.fc2 = nn.Linear(hidden, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


class LeNetNet(nn.Module):
    """The older pytorch/examples mnist Net: pooling before ReLU, Dropout2d, x.view(-1, 320)."""
    def __init__(self, c1=10, c2=20, hidden=50, k=5, side=28):
        super().__init__()
        self.conv1 = nn.Conv2d(1, c1, kernel_size=k)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=k)
        self.conv2_drop = nn.Dropout2d()
        self.features = c2 * (((side - k + 1) // 2 - k + 1) // 2) ** 2
        self.fc1 = nn.Linear(self.features, hidden)
        self.fc2 = nn.Linear(hidden, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, self.features)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


class KerasStyleNet(nn.Module):
    """Conv(c1, k) ReLU, MaxPool 2, Conv(c2, k) ReLU, MaxPool 2, Flatten, [Dropout], Dense 10
    softmax: the Keras mnist_convnet and TF.js mnist examples. Exported by nhwc_graph()."""
    def __init__(self, c1, c2, k, dropout, side=28):
        super().__init__()
        self.conv1 = nn.Conv2d(1, c1, k)
        self.conv2 = nn.Conv2d(c1, c2, k)
        self.out_side = ((side - k + 1) // 2 - k + 1) // 2
        self.drop = nn.Dropout(dropout) if dropout else nn.Identity()
        self.dense = nn.Linear(c2 * self.out_side ** 2, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.drop(torch.flatten(x, 1))
        return torch.softmax(self.dense(x), dim=1)


def leaky_mlp(hidden=64, side=28):
    return nn.Sequential(nn.Flatten(), nn.Linear(side * side, hidden), nn.LeakyReLU(0.1), nn.Linear(hidden, 10))


def conv_bn_strided(c1=8, c2=16, hidden=32):
    return nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1), nn.BatchNorm2d(c1), nn.ReLU(), nn.AvgPool2d(2),
        nn.Conv2d(c1, c2, 3, stride=2), nn.BatchNorm2d(c2), nn.Tanh(),
        nn.Conv2d(c2, c2, 3, dilation=2, padding=2), nn.Sigmoid(), nn.BatchNorm2d(c2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(c2, hidden), nn.BatchNorm1d(hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, 10),
        nn.Softmax(dim=1))


def conv_stride2_nopad(c1=12, c2=24, k1=5, k2=3, side=28):
    s = (side - k1) // 2 + 1           # Conv stride 2, no padding
    s = (s + 2 - 3) // 2 + 1           # MaxPool 3, stride 2, padding 1
    s = s - k2 + 1
    return nn.Sequential(
        nn.Conv2d(1, c1, k1, stride=2), nn.ReLU(), nn.MaxPool2d(3, stride=2, padding=1),
        nn.Conv2d(c1, c2, k2), nn.ReLU(), nn.Flatten(), nn.Linear(c2 * s * s, 10))


# id, full network, tiny network (8x8 input), final, normalize, recorded normalization,
# recorded accuracy, opset, layout, learning rate, what
MODELS = [
    ("pytorch-mnist-example", ExampleNet, lambda: ExampleNet(2, 3, 4, side=8), "logsoftmax",
     MNIST_NORM, False, False, 13, "NCHW", 1e-3,
     "pytorch/examples mnist Net: Conv 1->32 3x3, ReLU, Conv 32->64 3x3, ReLU, MaxPool 2, Dropout 0.25, "
     "Flatten, Linear 9216->128, ReLU, Dropout 0.5, Linear 128->10, LogSoftmax; file records nothing"),
    ("pytorch-lenet", LeNetNet, lambda: LeNetNet(2, 3, 4, k=2, side=8), "logsoftmax",
     MNIST_NORM, True, True, 11, "NCHW", 1e-3,
     "older pytorch/examples LeNet: Conv 1->10 5x5, MaxPool 2, ReLU, Conv 10->20 5x5, Dropout2d, MaxPool 2, "
     "ReLU, view(-1, 320), Linear 320->50, ReLU, Dropout, Linear 50->10, LogSoftmax"),
    ("keras-convnet-nhwc", lambda: KerasStyleNet(32, 64, 3, 0.5), lambda: KerasStyleNet(2, 3, 2, 0.5, side=8),
     "softmax", None, False, False, 13, "NHWC", 1e-3,
     "Keras mnist_convnet in tf2onnx's layout: NHWC input, Transpose, Conv 32 3x3, ReLU, MaxPool 2, Conv 64 3x3, "
     "ReLU, MaxPool 2, Transpose to NHWC, Reshape [-1, 1600], MatMul+Add 10, Softmax (Dropout 0.5 in training only)"),
    ("tfjs-mnist-example", lambda: KerasStyleNet(8, 16, 5, 0), lambda: KerasStyleNet(2, 3, 2, 0, side=8),
     "softmax", None, False, False, 13, "NHWC", 2e-3,
     "TF.js mnist example in tf2onnx's layout: NHWC input, Transpose, Conv 8 5x5, ReLU, MaxPool 2, Conv 16 5x5, "
     "ReLU, MaxPool 2, Transpose to NHWC, Reshape [-1, 256], MatMul+Add 10, Softmax"),
    ("mlp-leaky-slope", leaky_mlp, lambda: leaky_mlp(3, side=8), "logits",
     None, False, True, 13, "NCHW", 2e-3,
     "MLP 784-64-10 with LeakyReLU slope 0.1 (not the default), Flatten, logits"),
    ("conv-bn-strided", conv_bn_strided, lambda: conv_bn_strided(2, 3, 4), "softmax",
     SYMMETRIC_NORM, True, True, 13, "NCHW", 2e-3,
     "Conv 1->8 3x3 pad 1, BN, ReLU, AvgPool 2, Conv 8->16 3x3 stride 2, BN, Tanh, Conv 16->16 3x3 dilation 2 "
     "pad 2, Sigmoid, BN, global average pool, Flatten, Linear 16->32, BN1d, LeakyReLU 0.2, Linear 32->10, Softmax "
     "(the export folds the first two BNs into their Convs and pads the AvgPool with a zero Pad)"),
    ("conv-stride2-nopad", conv_stride2_nopad, lambda: conv_stride2_nopad(2, 3, 3, 2, side=8), "logits",
     None, False, True, 9, "NCHW", 2e-3,
     "Conv 1->12 5x5 stride 2 no padding, ReLU, MaxPool 3 stride 2 pad 1, Conv 12->24 3x3, ReLU, Flatten, "
     "Linear 384->10, logits"),
]


# ---------------------------------------------------------------------------------------------
# The Keras-style models as tf2onnx writes them.

def nhwc_graph(model, name, opset, side=28):
    """The ONNX graph tf2onnx writes for a Keras Conv2D/MaxPooling2D/Flatten/Dense model, holding
    `model`'s weights: input "input_1" [N, side, side, 1]; Transpose perm [0, 3, 1, 2]; Conv
    (weights OIHW, bias as third input), Relu, MaxPool twice in NCHW; Transpose perm [0, 2, 3, 1];
    Reshape to [-1, features], which flattens in H, W, C order; MatMul by an [in, out] kernel
    whose rows are the torch Linear's columns permuted to that order; Add; Softmax."""
    s = model.out_side
    c2 = model.conv2.out_channels
    w = model.dense.weight.detach().numpy()                          # [10, C*H*W], C-major
    kernel = w.reshape(10, c2, s, s).transpose(2, 3, 1, 0).reshape(s * s * c2, 10)  # [H*W*C, 10]
    inits = []
    for t_name, t in (("sequential/conv2d/kernel", model.conv1.weight.detach().numpy()),
                      ("sequential/conv2d/bias", model.conv1.bias.detach().numpy()),
                      ("sequential/conv2d_1/kernel", model.conv2.weight.detach().numpy()),
                      ("sequential/conv2d_1/bias", model.conv2.bias.detach().numpy()),
                      ("sequential/dense/kernel", kernel),
                      ("sequential/dense/bias", model.dense.bias.detach().numpy())):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(t, dtype=np.float32), t_name))
    inits.append(numpy_helper.from_array(np.array([-1, s * s * c2], dtype=np.int64), "sequential/flatten/Const"))
    k1, k2 = model.conv1.kernel_size, model.conv2.kernel_size
    nodes = [
        helper.make_node("Transpose", ["input_1"], ["input_1__nchw"], name="sequential/conv2d/Conv2D__6", perm=[0, 3, 1, 2]),
        helper.make_node("Conv", ["input_1__nchw", "sequential/conv2d/kernel", "sequential/conv2d/bias"],
                         ["sequential/conv2d/BiasAdd"], name="sequential/conv2d/Conv2D",
                         kernel_shape=list(k1), strides=[1, 1], dilations=[1, 1]),
        helper.make_node("Relu", ["sequential/conv2d/BiasAdd"], ["sequential/conv2d/Relu"], name="sequential/conv2d/Relu"),
        helper.make_node("MaxPool", ["sequential/conv2d/Relu"], ["sequential/max_pooling2d/MaxPool"],
                         name="sequential/max_pooling2d/MaxPool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["sequential/max_pooling2d/MaxPool", "sequential/conv2d_1/kernel", "sequential/conv2d_1/bias"],
                         ["sequential/conv2d_1/BiasAdd"], name="sequential/conv2d_1/Conv2D",
                         kernel_shape=list(k2), strides=[1, 1], dilations=[1, 1]),
        helper.make_node("Relu", ["sequential/conv2d_1/BiasAdd"], ["sequential/conv2d_1/Relu"], name="sequential/conv2d_1/Relu"),
        helper.make_node("MaxPool", ["sequential/conv2d_1/Relu"], ["sequential/max_pooling2d_1/MaxPool"],
                         name="sequential/max_pooling2d_1/MaxPool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Transpose", ["sequential/max_pooling2d_1/MaxPool"], ["sequential/max_pooling2d_1/MaxPool__nhwc"],
                         name="sequential/max_pooling2d_1/MaxPool__18", perm=[0, 2, 3, 1]),
        helper.make_node("Reshape", ["sequential/max_pooling2d_1/MaxPool__nhwc", "sequential/flatten/Const"],
                         ["sequential/flatten/Reshape"], name="sequential/flatten/Reshape"),
        helper.make_node("MatMul", ["sequential/flatten/Reshape", "sequential/dense/kernel"],
                         ["sequential/dense/MatMul"], name="sequential/dense/MatMul"),
        helper.make_node("Add", ["sequential/dense/MatMul", "sequential/dense/bias"],
                         ["sequential/dense/BiasAdd"], name="sequential/dense/BiasAdd"),
        helper.make_node("Softmax", ["sequential/dense/BiasAdd"], ["dense"], name="sequential/dense/Softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("input_1", TensorProto.FLOAT, ["N", side, side, 1])],
        [helper.make_tensor_value_info("dense", TensorProto.FLOAT, ["N", 10])], initializer=inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=7,  # opset 13's IR
                          producer_name="tools/onnx-conv-fixtures.py",
                          doc_string="Weights trained in PyTorch, written in the layout tf2onnx gives a Keras model")
    return m


# ---------------------------------------------------------------------------------------------
# A small NumPy evaluator of the ONNX graphs above, to check each file against PyTorch.

def _windows(x, kernel, strides, dilations, pads, fill):
    """x [N, C, H, W] -> [N, C, kh, kw, OH, OW], the values under each kernel position."""
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])), constant_values=fill)
    (kh, kw), (sh, sw), (dh, dw) = kernel, strides, dilations
    oh = (x.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (x.shape[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.empty(x.shape[:2] + (kh, kw, oh, ow), x.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i, j] = x[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
    return out


def _spatial_attrs(a):
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", b"VALID"):
        raise ValueError("auto_pad " + a["auto_pad"].decode())
    if a.get("ceil_mode", 0):
        raise ValueError("ceil_mode")
    return (list(a.get("strides", [1, 1])), list(a.get("dilations", [1, 1])), list(a.get("pads", [0, 0, 0, 0])))


def run_onnx(model, x):
    """Evaluates `model` (one float input) on x, in float64; returns its first output."""
    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) if t.data_type == TensorProto.FLOAT
           else numpy_helper.to_array(t) for t in model.graph.initializer}
    env[model.graph.input[0].name] = x.astype(np.float64)
    for node in model.graph.node:
        a = {at.name: helper.get_attribute_value(at) for at in node.attribute}
        i = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            y = numpy_helper.to_array(a["value"])
        elif op in ("Identity", "Dropout"):
            y = i[0]
        elif op == "Transpose":
            y = np.transpose(i[0], a["perm"])
        elif op == "Relu":
            y = np.maximum(i[0], 0)
        elif op == "LeakyRelu":
            y = np.where(i[0] >= 0, i[0], a.get("alpha", 0.01) * i[0])
        elif op == "Sigmoid":
            y = 1 / (1 + np.exp(-i[0]))
        elif op == "Tanh":
            y = np.tanh(i[0])
        elif op == "Conv":
            w = i[1]
            if a.get("group", 1) != 1:
                raise ValueError("group")
            strides, dil, pads = _spatial_attrs(a)
            cols = _windows(i[0], w.shape[2:], strides, dil, pads, 0.0)
            n, c, kh, kw, oh, ow = cols.shape
            y = np.matmul(w.reshape(w.shape[0], -1), cols.reshape(n, c * kh * kw, oh * ow)).reshape(n, -1, oh, ow)
            if len(i) > 2 and i[2] is not None:
                y = y + i[2].reshape(1, -1, 1, 1)
        elif op in ("MaxPool", "AveragePool"):
            strides, dil, pads = _spatial_attrs(a)
            fill = -np.inf if op == "MaxPool" else 0.0
            cols = _windows(i[0], a["kernel_shape"], strides, dil, pads, fill)
            if op == "MaxPool":
                y = cols.max(axis=(2, 3))
            elif any(pads) and not a.get("count_include_pad", 0):
                ones = _windows(np.ones((1, 1) + i[0].shape[2:]), a["kernel_shape"], strides, dil, pads, 0.0)
                y = cols.sum(axis=(2, 3)) / ones.sum(axis=(2, 3))
            else:
                y = cols.mean(axis=(2, 3))
        elif op == "Pad":  # torch writes a zero Pad before an AveragePool
            if a.get("mode", b"constant") != b"constant":
                raise ValueError("Pad mode " + a["mode"].decode())
            pads = [int(p) for p in (i[1] if len(i) > 1 else a["pads"])]
            value = float(i[2]) if len(i) > 2 and i[2] is not None else a.get("value", 0.0)
            r = i[0].ndim
            y = np.pad(i[0], [(pads[d], pads[d + r]) for d in range(r)], constant_values=value)
        elif op == "GlobalAveragePool":
            y = i[0].mean(axis=(2, 3), keepdims=True)
        elif op == "ReduceMean":
            y = i[0].mean(axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1)))
        elif op == "BatchNormalization":
            shape = (1, -1) + (1,) * (i[0].ndim - 2)
            scale, bias, mean, var = (t.reshape(shape) for t in i[1:5])
            y = (i[0] - mean) / np.sqrt(var + a.get("epsilon", 1e-5)) * scale + bias
        elif op == "Flatten":
            axis = a.get("axis", 1)
            y = i[0].reshape(int(np.prod(i[0].shape[:axis])), -1)
        elif op == "Reshape":
            shape = [i[0].shape[k] if d == 0 else int(d) for k, d in enumerate(i[1])]
            y = i[0].reshape(shape)
        elif op == "Gemm":
            A = i[0].T if a.get("transA", 0) else i[0]
            B = i[1].T if a.get("transB", 0) else i[1]
            y = a.get("alpha", 1.0) * A @ B
            if len(i) > 2 and i[2] is not None:
                y = y + a.get("beta", 1.0) * i[2]
        elif op == "MatMul":
            y = i[0] @ i[1]
        elif op == "Add":
            y = i[0] + i[1]
        elif op in ("Softmax", "LogSoftmax"):
            axis = a.get("axis", -1 if opset >= 13 else 1)
            if i[0].ndim != 2 and opset < 13:
                raise ValueError("Softmax before opset 13 on a tensor of rank " + str(i[0].ndim))
            z = i[0] - i[0].max(axis=axis, keepdims=True)
            lse = np.log(np.exp(z).sum(axis=axis, keepdims=True))
            y = z - lse if op == "LogSoftmax" else np.exp(z - lse)
        else:
            raise ValueError("run_onnx: no " + op)
        env[node.output[0]] = y
    return env[model.graph.output[0].name]


# ---------------------------------------------------------------------------------------------

def probabilities(out, final):
    if final == "softmax":
        return out
    if final == "logsoftmax":
        return out.exp()
    return torch.softmax(out, dim=1)


def log_probabilities(out, final):
    if final == "softmax":
        return torch.log(out.clamp_min(1e-12))
    return out if final == "logsoftmax" else torch.log_softmax(out, 1)


def export(model, layout, mid, opset, path, example):
    if layout == "NHWC":
        m = nhwc_graph(model, mid, opset, side=example.shape[2])
    else:
        torch.onnx.export(model, example, path, input_names=["image"], output_names=["scores"],
                          dynamic_axes={"image": {0: "N"}, "scores": {0: "N"}}, opset_version=opset)
        m = onnx.load(path)
    return m


def add_metadata(m, meta):
    for key, value in meta.items():
        entry = m.metadata_props.add()
        entry.key, entry.value = key, value


def write_fuzz_seeds(out, only):
    os.makedirs(out, exist_ok=True)
    for k, (mid, _, tiny, final, normalize, norm_rec, acc_rec, opset, layout, _, _) in enumerate(MODELS):
        if only and mid not in only:
            continue
        torch.manual_seed(300 + k)
        model = tiny()
        for bn in (mod for mod in model.modules() if isinstance(mod, nn.modules.batchnorm._BatchNorm)):
            bn.running_mean.uniform_(-0.5, 0.5)  # untrained, but not the identity
            bn.running_var.uniform_(0.5, 2.0)
        model.eval()
        path = os.path.join(out, mid + "-tiny.onnx")
        m = export(model, layout, mid + "-tiny", opset, path, torch.rand(1, 1, 8, 8))
        if normalize and norm_rec:
            add_metadata(m, {"lens.input_mean": str(normalize[0]), "lens.input_std": str(normalize[1])})
        onnx.checker.check_model(m)
        onnx.save(m, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mnist", default=os.environ.get("LENS_MNIST_DIR", os.path.join(HERE, "..", "..", "shared", "data", "mnist")))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "tests", "onnx"))
    ap.add_argument("--fuzz-seeds", help="also write tiny versions of the models here (tests/fuzz/seeds/onnx)")
    ap.add_argument("--only", help="comma-separated ids: write only these, not the manifest")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else set()
    unknown = only - {m[0] for m in MODELS}
    if unknown:
        raise SystemExit(f"onnx-conv-fixtures: no model {', '.join(sorted(unknown))}")
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    started = time.time()
    if args.fuzz_seeds:
        write_fuzz_seeds(args.fuzz_seeds, only)
    xtr, ytr = onnx_fixtures.load(args.mnist, "train")
    xte, yte = onnx_fixtures.load(args.mnist, "test")
    xtr, ytr = xtr[:TRAIN_IMAGES], ytr[:TRAIN_IMAGES]
    os.makedirs(args.out, exist_ok=True)
    manifest, rows = [], []
    for k, (mid, full, _, final, normalize, norm_rec, acc_rec, opset, layout, lr, what) in enumerate(MODELS):
        if only and mid not in only:
            continue
        t0 = time.time()
        torch.manual_seed(100 + k)
        model = full()
        prep = (lambda x, n=normalize: (x - n[0]) / n[1]) if normalize else (lambda x: x)
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        order = torch.randperm(len(xtr), generator=torch.Generator().manual_seed(k))
        model.train()
        for start in range(0, len(xtr), 64):
            idx = order[start:start + 64]
            loss = F.nll_loss(log_probabilities(model(prep(xtr[idx])), final), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        for bn in (mod for mod in model.modules() if isinstance(mod, nn.modules.batchnorm._BatchNorm)):
            assert bn.running_mean.abs().max() > 1e-3 and (bn.running_var - 1).abs().max() > 1e-3, mid
        with torch.no_grad():
            p_all = torch.cat([probabilities(model(prep(xte[s:s + 1000])), final) for s in range(0, len(xte), 1000)])
        accuracy = float((p_all.argmax(1) == yte).float().mean())
        probs = p_all[:1000].numpy().astype("<f4")
        path = os.path.join(args.out, mid + ".onnx")
        with torch.no_grad():
            m = export(model, layout, mid, opset, path, prep(xte[:1]))
        meta = {}
        if mid != "pytorch-mnist-example":  # that one is written as a plain torch.onnx.export writes it
            meta["lens.name"] = mid
        if acc_rec:
            meta["lens.test_accuracy"] = f"{accuracy:.4f}"
        if normalize and norm_rec:
            meta.update({"lens.input_mean": str(normalize[0]), "lens.input_std": str(normalize[1])})
        add_metadata(m, meta)
        onnx.checker.check_model(m)
        onnx.save(m, path)
        probs.tofile(os.path.join(args.out, mid + ".probs"))
        # The file as written, run by NumPy, must give PyTorch's probabilities.
        m = onnx.load(path)
        x = prep(xte[:1000]).numpy()
        if layout == "NHWC":
            x = x.transpose(0, 2, 3, 1)
        got = np.concatenate([run_onnx(m, x[s:s + 100]) for s in range(0, 1000, 100)])
        got = probabilities(torch.from_numpy(got), final).numpy()
        diff = float(np.abs(got - probs).max())
        if not diff < 1e-5:
            raise SystemExit(f"onnx-conv-fixtures: {mid}: the ONNX graph differs from PyTorch by {diff:g}")
        ops = [n.op_type for n in m.graph.node]
        params = sum(p.numel() for p in model.parameters())
        seconds = time.time() - t0
        manifest.append({"id": mid, "onnx": mid + ".onnx", "probs": mid + ".probs", "images": 1000,
                         "torch_accuracy": round(accuracy, 4), "normalize": list(normalize) if normalize else None,
                         "normalize_recorded": bool(normalize and norm_rec), "accuracy_recorded": acc_rec,
                         "final": final, "opset": opset, "ops": ops, "parameters": params, "layout": layout,
                         "train_images": len(xtr), "what": what})
        rows.append((mid, opset, " ".join(ops), params, accuracy, seconds, diff))
        print(f"{mid}: opset {opset}, {params} parameters, accuracy {accuracy:.4f}, {seconds:.0f} s, "
              f"ONNX vs torch {diff:.1e}\n  ops {' '.join(ops)}", flush=True)
    print(f"\n{'id':24} {'opset':>5} {'params':>9} {'accuracy':>8} {'seconds':>7}  ops")
    for mid, opset, ops, params, accuracy, seconds, _ in rows:
        print(f"{mid:24} {opset:5} {params:9} {accuracy:8.4f} {seconds:7.0f}  {ops}")
    print(f"total {time.time() - started:.0f} s")
    if only:
        print("onnx-conv-fixtures: --only given, convnets.json left as it was")
        return
    with open(os.path.join(args.out, "convnets.json"), "w") as f:
        json.dump({"generator": "tools/onnx-conv-fixtures.py", "torch": torch.__version__, "onnx": onnx.__version__,
                   "models": manifest}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
