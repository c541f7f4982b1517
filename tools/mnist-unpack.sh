#!/bin/sh
# Decompresses the four MNIST IDX files from $1 into $2 (for builds without zlib).
# Idempotent: files already there are kept.
set -eu
src="$1"; dst="$2"
mkdir -p "$dst"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  [ -s "$dst/$f" ] && continue
  if [ -f "$src/$f" ]; then cp "$src/$f" "$dst/$f.tmp"
  elif [ -f "$src/$f.gz" ]; then gzip -dc "$src/$f.gz" > "$dst/$f.tmp"
  else echo "mnist-unpack: $src has neither $f nor $f.gz (see README: getting MNIST)" >&2; exit 1
  fi
  mv "$dst/$f.tmp" "$dst/$f"
done
