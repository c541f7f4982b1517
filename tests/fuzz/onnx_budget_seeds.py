#!/usr/bin/env python3
"""Writes the fuzz_onnx seeds for the shapes that broke the budgets (issue 21): folds that
blow up (broadcasting Adds, a Gemm of a folded constant by itself), sizes that wrap 32 bits
(65536 x 65537), packed fields that amplify (dims, value_ints), and nodes with the wrong number
of inputs. Each is small (the fuzzer cuts inputs at 64 KB); libFuzzer mutates the dimensions.

    python3 tests/fuzz/onnx_budget_seeds.py    # rewrites tests/fuzz/seeds/onnx/budget-*.onnx

The protobuf wire format is written by hand (no python onnx needed), as tests/unit/onnx_writer.h
does; the bytes depend only on this file.
"""
import os
import struct


def varint(v):
    v &= (1 << 64) - 1  # negative int64 values are ten-byte two's complement varints
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def key(field, wire):
    return varint(field << 3 | wire)


def i(field, v):
    return key(field, 0) + varint(v)


def ln(field, payload):
    return key(field, 2) + varint(len(payload)) + payload


def s(field, text):
    return ln(field, text.encode())


def packed(field, values):
    return ln(field, b"".join(varint(v) for v in values))


def tensor(name, dims, values, half=False):
    """A float (or float16, half the bytes) tensor with raw_data."""
    raw = struct.pack("<%de" % len(values), *values) if half else struct.pack("<%df" % len(values), *values)
    return b"".join(i(1, d) for d in dims) + i(2, 10 if half else 1) + s(8, name) + ln(9, raw)


def int_tensor(name, values):
    return i(1, len(values)) + i(2, 7) + s(8, name) + b"".join(i(7, v) for v in values)


def attr_int(name, v):
    return s(1, name) + i(20, 2) + i(3, v)


def node(op, inputs, outputs, name, attrs=()):
    return (b"".join(s(1, x) for x in inputs) + b"".join(s(2, x) for x in outputs) + s(3, name) + s(4, op) +
            b"".join(ln(5, a) for a in attrs))


def value(name, dims):
    shape = b"".join(ln(1, s(2, "N") if d < 0 else i(1, d)) for d in dims)
    return s(1, name) + ln(2, ln(1, i(1, 1) + ln(2, shape)))


def model(nodes, inits, inp, out, opset=13):
    g = b"".join(ln(1, n) for n in nodes) + s(2, "budget_seed") + b"".join(ln(5, t) for t in inits)
    g += ln(11, inp) + ln(12, out)
    return i(1, 8) + s(2, "lens-fuzz-seed") + ln(7, g) + ln(8, s(1, "") + i(2, opset))


def ramp(n):
    return [float(k % 17 - 8) / 8 for k in range(n)]


def gemm_chain(extra, inits, out="y"):
    """784 -> 4 (Gemm, transB) on [N, 784], then `extra` nodes."""
    nodes = [node("Gemm", ["x", "W", "b"], ["y"], "fc1", [attr_int("transB", 1)])] + extra
    base = [tensor("W", [4, 784], ramp(4 * 784), half=True), tensor("b", [4], ramp(4))]
    return model(nodes, base + inits, value("x", [-1, 784]), value(out, [-1, 4]))


def seeds():
    yield "fold-broadcast-adds", gemm_chain(
        [node("Add", ["col", "row"], ["big%d" % k], "add%d" % k) for k in range(16)],
        [tensor("col", [5792, 1], ramp(5792), half=True), tensor("row", [1, 5792], ramp(5792), half=True)])
    yield "fold-gemm-self", gemm_chain(
        [node("Add", ["col", "row"], ["sq"], "square"), node("Gemm", ["sq", "sq"], ["sq2"], "self")],
        [tensor("col", [1024, 1], ramp(1024), half=True), tensor("row", [1, 1024], ramp(1024), half=True)])
    yield "wrap-reshape-softmax", gemm_chain(
        [node("Reshape", ["col", "s"], ["wide"], "wide"), node("Softmax", ["wide"], ["p"], "soft")],
        [tensor("col", [256, 1], ramp(256)), int_tensor("s", [65536, 65537])])
    yield "wrap-gemm-outer", gemm_chain(
        [node("Gemm", ["col", "row"], ["outer"], "outer")],
        [tensor("col", [256, 1], ramp(256)), tensor("row", [1, 257], ramp(257))])
    yield "packed-dims", gemm_chain(
        [], [packed(1, [1] * 4096) + i(2, 1) + s(8, "many_dims")])
    yield "packed-value-ints", gemm_chain(
        [node("Constant", [], ["c"], "ints", [s(1, "value_ints") + i(20, 7) + packed(8, [1] * 8192)])], [])
    yield "add-one-input", gemm_chain([node("Add", ["y"], ["z"], "bias")], [], "z")
    yield "reshape-not-flatten", model(
        [node("Reshape", ["x", "s"], ["f"], "flat"), node("Gemm", ["f", "W"], ["y"], "fc1", [attr_int("transB", 1)])],
        [int_tensor("s", [784, -1]), tensor("W", [4, 784], ramp(4 * 784), half=True)],
        value("x", [-1, 1, 28, 28]), value("y", [-1, 4]))
    yield "alpha-as-int", gemm_chain([node("LeakyRelu", ["y"], ["z"], "act", [attr_int("alpha", 1)])], [], "z")


def main():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds", "onnx")
    for name, data in seeds():
        assert len(data) <= 65536, name
        with open(os.path.join(here, "budget-%s.onnx" % name), "wb") as f:
            f.write(data)
        print("budget-%s.onnx: %d bytes" % (name, len(data)))


if __name__ == "__main__":
    main()
