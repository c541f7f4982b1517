#!/bin/sh
# lens-import on convnets courses start from: the PyTorch example's LeNet version and the Keras
# example written NHWC as tf2onnx writes it. Each is read, its layers described, its accuracy on
# the 10,000 test digits measured equal to PyTorch's (tests/onnx/convnets.json), and the bundle
# it writes reads back (lens-info) as a version 4 bundle with convolutional layers.
#   import_convnet.sh LENS_IMPORT LENS_INFO FIXTURES_DIR MNIST_DIR WORK_DIR
set -u
import="$1"; info="$2"; fixtures="$3"; mnist="$4"; work="$5"
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
expect_line() {  # FILE TEXT
  grep -qF "$2" "$1" || fail "expected \"$2\" in $(basename "$1"), got: $(cat "$1")"
}
"$import" "$fixtures/pytorch-lenet.onnx" -o "$work/lenet.lens" --data "$mnist" >"$work/lenet.out" 2>&1 || fail "lenet: $(cat "$work/lenet.out")"
expect_line "$work/lenet.out" "layer 0: conv 10 of 5x5, relu -> 10x24x24, max pool 2x2 stride 2 -> 10x12x12"
expect_line "$work/lenet.out" "layer 1: conv 20 of 5x5, relu -> 20x8x8, max pool 2x2 stride 2 -> 20x4x4"
expect_line "$work/lenet.out" "layer 2: dense 320 -> 50, relu"
expect_line "$work/lenet.out" "measured test accuracy: 94.72% (9472 of 10000)"
"$import" "$fixtures/keras-convnet-nhwc.onnx" -o "$work/keras.lens" --data "$mnist" >"$work/keras.out" 2>&1 || fail "keras: $(cat "$work/keras.out")"
expect_line "$work/keras.out" "layer 1: conv 64 of 3x3, relu -> 64x11x11, max pool 2x2 stride 2 -> 64x5x5"
expect_line "$work/keras.out" "layer 2: dense 1600 -> 10, identity"
expect_line "$work/keras.out" "measured test accuracy: 96.31% (9631 of 10000)"
"$info" "$work/keras.lens" >"$work/keras.info" 2>&1 || fail "lens-info: $(cat "$work/keras.info")"
expect_line "$work/keras.info" '"version": 4'
expect_line "$work/keras.info" '"kind": "conv"'
cat "$work/lenet.out" "$work/keras.out"
echo "ok: both convnets imported at PyTorch's accuracy"
