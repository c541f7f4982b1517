#!/bin/sh
# lens-train and lens-report refuse a data set with no items (and lens-train one
# with nothing left to train on) with a message naming the file and a non-zero exit.
#   empty_data.sh LENS_TRAIN LENS_REPORT MODEL WORK_DIR
set -u
train="$1"; report="$2"; model="$3"; work="$4"
rm -rf "$work"; mkdir -p "$work/empty" "$work/tiny"
fail() { echo "FAIL: $*"; exit 1; }
# expect NAME EXPECTED_TEXT COMMAND...: non-zero exit and the text on stderr
expect() {
  name="$1"; text="$2"; shift 2
  "$@" >"$work/$name.out" 2>"$work/$name.err" && fail "$name exited 0: $(cat "$work/$name.out")"
  grep -qF "$text" "$work/$name.err" || fail "$name: expected \"$text\", got: $(cat "$work/$name.err")"
  echo "ok: $name: $(cat "$work/$name.err")"
}
for split in train t10k; do  # 0 x 28 x 28 images, 0 labels
  printf '\000\000\010\003\000\000\000\000\000\000\000\034\000\000\000\034' >"$work/empty/$split-images-idx3-ubyte"
  printf '\000\000\010\001\000\000\000\000' >"$work/empty/$split-labels-idx1-ubyte"
  { printf '\000\000\010\003\000\000\000\003\000\000\000\034\000\000\000\034'; head -c 2352 /dev/zero; } \
    >"$work/tiny/$split-images-idx3-ubyte"  # 3 blank images labelled 1 2 3
  printf '\000\000\010\001\000\000\000\003\001\002\003' >"$work/tiny/$split-labels-idx1-ubyte"
done
expect train-empty "$work/empty/train-images-idx3-ubyte holds 0 images" \
  "$train" --data "$work/empty" --layers 784,8,10 --epochs 1 --quiet --out "$work/empty.lens"
[ -e "$work/empty.lens" ] && fail "lens-train wrote a bundle from an empty data set"
expect train-all-held-out "all 3 training images are held out for validation" \
  "$train" --data "$work/tiny" --layers 784,8,10 --epochs 1 --quiet --out "$work/tiny.lens"
[ -e "$work/tiny.lens" ] && fail "lens-train wrote an untrained bundle"
expect report-empty "$work/empty/t10k-images-idx3-ubyte holds 0 images" \
  "$report" --model "$model" --data "$work/empty" --quiet --out "$work/report"
[ -e "$work/report" ] && fail "lens-report made its folder for an empty data set"
echo '{"notes": 5}' > "$work/bad-recipe.json"
expect recipe-field-type 'recipe key "notes" must be a string' \
  "$train" --recipe "$work/bad-recipe.json" --data "$work/tiny" --quiet --out "$work/bad.lens"
echo "all refused"
