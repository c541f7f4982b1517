#!/bin/sh
# lens-report on the hostile corpus: a refused bundle exits 1 with a message naming
# the file; a valid one (however extreme) gets a report with no "nan" or "inf" in it.
#   report_hostile.sh LENS_REPORT MNIST_DIR CORPUS_DIR WORK_DIR
set -eu
report="$1"; data="$2"; corpus="$3"; work="$4"
rm -rf "$work"; mkdir -p "$work"
fail() { echo "report_hostile: $*" >&2; exit 1; }
refused=0; reported=0
for f in "$corpus"/*.lens; do
  name=$(basename "$f" .lens)
  case "$name" in wide-512x5) continue ;; esac  # minutes of maximization: the browser test covers it
  set +e
  "$report" --quiet --model "$f" --data "$data" --out "$work/$name" > "$work/$name.log" 2>&1; rc=$?
  set -e
  if grep -qx "$name" "$corpus/valid.txt"; then
    case "$name" in three-inputs|decoder|conv-after-dense) [ "$rc" -eq 1 ] || fail "$name: expected a refusal (not MNIST, not the plane, not a convnet whose convolutions come first)"; continue ;; esac
    [ "$rc" -eq 0 ] || fail "$name: valid bundle gave exit $rc: $(cat "$work/$name.log")"
    ! grep -qiE '(^|[^a-z])(nan|-?inf)([^a-z]|$)' "$work/$name/README.md" || fail "$name: a non-finite number in the report"
    reported=$((reported + 1))
  else
    [ "$rc" -eq 1 ] || fail "$name: refused bundle gave exit $rc"
    grep -q "$name.lens" "$work/$name.log" || fail "$name: the message does not name the file: $(cat "$work/$name.log")"
    refused=$((refused + 1))
  fi
done
echo "report_hostile: $reported reports written, $refused bundles refused with a message"
