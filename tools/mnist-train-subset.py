#!/usr/bin/env python3
"""Writes the MNIST training subset the page trains on: the first N training images
and labels as gzip IDX files with a fixed header (mtime 0), so the bytes are the
same on every run.
  /usr/bin/python3 tools/mnist-train-subset.py MNIST_DIR OUT_DIR [N=20000]"""
import gzip
import os
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    os.makedirs(out, exist_ok=True)
    for kind, item in (("images-idx3", 784), ("labels-idx1", 1)):
        path = os.path.join(src, f"train-{kind}-ubyte.gz")
        data = gzip.open(path).read() if os.path.exists(path) else open(path[:-3], "rb").read()
        header = 16 if item == 784 else 8
        count = int.from_bytes(data[4:8], "big")
        if count < n:
            sys.exit(f"{path}: {count} items, fewer than the {n} asked for")
        head = bytearray(data[:header])
        head[4:8] = n.to_bytes(4, "big")
        target = os.path.join(out, f"train-subset-{kind}-ubyte.gz")
        with open(target, "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as g:
            g.write(bytes(head) + data[header:header + n * item])
        print(f"{target}: {n} items, {os.path.getsize(target)} bytes")


main()
