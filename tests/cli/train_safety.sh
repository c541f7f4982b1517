#!/bin/sh
# lens-train checks the whole recipe, the parameter count and the data's declared sizes before
# it trains, stops a run that diverges, and never replaces an existing bundle with a failed run.
#   train_safety.sh LENS_TRAIN GOOD_BUNDLE WORK_DIR
set -u
train="$1"; good="$2"; work="$3"
rm -rf "$work"; mkdir -p "$work/big"
fail() { echo "FAIL: $*"; exit 1; }
# expect NAME EXIT_CODE EXPECTED_TEXT COMMAND...: that exit code and the text on stderr
expect() {
  name="$1"; code="$2"; text="$3"; shift 3
  "$@" >"$work/$name.out" 2>"$work/$name.err"
  rc=$?
  [ "$rc" = "$code" ] || fail "$name exited $rc, not $code: $(cat "$work/$name.err")"
  grep -qF -- "$text" "$work/$name.err" || fail "$name: expected \"$text\", got: $(cat "$work/$name.err")"
  echo "ok: $name: $(cat "$work/$name.err")"
}
unchanged() {  # the existing bundle is byte for byte what it was, and no temporary file is left
  cmp -s "$good" "$work/existing.lens" || fail "$1 replaced the existing bundle"
  ls "$work" | grep -q '\.part-' && fail "$1 left a temporary file: $(ls "$work")"
  return 0
}
cp "$good" "$work/existing.lens"
xor="--dataset xor --layers 2,2,1 --head sigmoid --activation tanh --quiet"

# 1. A recipe that passes the recipe's checks but has 550 M parameters: refused before allocating.
expect huge-layers 2 "layers 784-16384-16384-16384-10 have 549,928,970 parameters; a run trains at most 16,777,216" \
  "$train" --layers 784,16384,16384,16384,10 --quiet --out "$work/existing.lens"
unchanged huge-layers
expect huge-batch 2 "more than the 2,048 MiB a run may use" \
  "$train" --layers 784,16384,10 --batch 65536 --quiet --out "$work/existing.lens"

# 2. A small gzip file declaring 342,000 training images: refused from its header, naming it.
printf '\000\000\010\003\000\005\067\360\000\000\000\034\000\000\000\034' | gzip -c >"$work/big/train-images-idx3-ubyte.gz"
printf '\000\000\010\001\000\005\067\360' | gzip -c >"$work/big/train-labels-idx1-ubyte.gz"
expect declared-images 1 "big/train-images-idx3-ubyte.gz: idx: the header declares 342000 items; at most " \
  "$train" --data "$work/big" --layers 784,8,10 --epochs 1 --quiet --out "$work/existing.lens"
unchanged declared-images
# The same header with a few bytes of data: more than any gzip stream that short can hold.
printf '\000\000\010\003\000\000\352\140\000\000\000\034\000\000\000\034' | gzip -c >"$work/big/train-images-idx3-ubyte.gz"
expect short-stream 1 "idx: truncated data (header promises 47040000 bytes, 60000 items of 784 bytes, but a gzip stream of" \
  "$train" --data "$work/big" --layers 784,8,10 --epochs 1 --quiet --out "$work/existing.lens"

# 3. An invalid id is refused before training; a diverging run stops and writes nothing.
expect bad-id 2 'recipe key "id" must be 1-64 characters of a-z, 0-9, - and _ (got "Bad Id!")' \
  "$train" $xor --epochs 1 --id "Bad Id!" --out "$work/existing.lens"
unchanged bad-id
expect diverged 1 "training diverged at epoch 1, step " \
  "$train" $xor --optimizer sgd --lr 100 --l2 10 --epochs 5 --out "$work/existing.lens"
grep -qF "; try a smaller learning rate; nothing was written" "$work/diverged.err" || fail "diverged: $(cat "$work/diverged.err")"
unchanged diverged

# 4. Messages that say what is allowed.
expect lr-zero 2 '"lr" must be a number > 0 and <= 100 (got 0' "$train" $xor --lr 0 --out "$work/x.lens"
printf '{"lr": NaN}' >"$work/nan.json"
expect recipe-nan 2 "nan.json: not valid JSON at byte 8: NaN is not a JSON number" \
  "$train" --recipe "$work/nan.json" --out "$work/x.lens"

# 5. A run that succeeds replaces the file (by rename, from the same folder).
"$train" $xor --epochs 2 --id xor-ok --out "$work/existing.lens" >"$work/ok.out" 2>&1 || fail "xor run: $(cat "$work/ok.out")"
cmp -s "$good" "$work/existing.lens" && fail "a successful run did not replace the bundle"
ls "$work" | grep -q '\.part-' && fail "a successful run left a temporary file"
echo "all refused; a good run replaces the file"
