#!/bin/sh
# lens-import finds the input normalization of an ONNX model that records none, as the page does
# (interpret/input_norm_search.h): a model trained on MNIST-normalized pixels comes out with
# MNIST's map and the sentence that says so, a raw-trained one stays raw; --normalize and the
# file's own metadata win over the measurement. lens-info reads back what the bundle holds.
#   import_norm.sh LENS_IMPORT LENS_INFO MNIST_DIR ONNX_FIXTURES WORK_DIR
set -u
import="$1"; info="$2"; data="$3"; fixtures="$4"; work="$5"
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
# run NAME ARGS...: lens-import must succeed; its output is kept in $work/NAME.out
run() {
  name="$1"; shift
  "$import" "$@" --data "$data" >"$work/$name.out" 2>"$work/$name.err" || fail "$name: exit $?: $(cat "$work/$name.err")"
  "$info" "$work/$name.lens" >"$work/$name.json" || fail "$name: lens-info could not read the bundle"
}
has() { grep -qF -- "$2" "$work/$1" || fail "$1: expected \"$2\", got: $(cat "$work/$1")"; }
hasnt() { grep -qF -- "$2" "$work/$1" && fail "$1: did not expect \"$2\", got: $(cat "$work/$1")"; true; }

run unrecorded "$fixtures/mlp-norm-unrecorded.onnx" -o "$work/unrecorded.lens"
has unrecorded.out "No input normalization recorded, so three were measured on 1,000 test digits and the best is used: (pixel - 0.1307) / 0.3081 scores 91.3%, raw pixels 82.3%, (pixel - 0.5) / 0.5 74.9%."
has unrecorded.out "input: (pixel - 0.1307) / 0.3081 (measured)"
has unrecorded.out "measured test accuracy: 91.66% (9166 of 10000)"
has unrecorded.json '"mean": 0.1307000070810318'
has unrecorded.json '"std": 0.30809998512268066'
echo "ok: mlp-norm-unrecorded: $(head -n 1 "$work/unrecorded.out")"

run raw "$fixtures/mlp-tanh-logsoftmax.onnx" -o "$work/raw.lens"
has raw.out "and the best is used: raw pixels score 88.3%"
has raw.out "input: raw pixels (measured)"
hasnt raw.json '"input_norm"'
echo "ok: mlp-tanh-logsoftmax stays raw: $(head -n 1 "$work/raw.out")"

run given "$fixtures/mlp-norm-unrecorded.onnx" -o "$work/given.lens" --normalize 0,1
hasnt given.out "No input normalization recorded"
has given.out "input: raw pixels (from --normalize)"
has given.out "warning: 6.25 points lower than recorded"
hasnt given.json '"input_norm"'
echo "ok: --normalize 0,1 wins over the measurement"

run recorded "$fixtures/mlp-relu-softmax.onnx" -o "$work/recorded.lens"
hasnt recorded.out "No input normalization recorded"
has recorded.out "input: (pixel - 0.1307) / 0.3081 (recorded in the file)"
echo "ok: a normalization the file records is used as it is"
