#!/bin/sh
# lens-report on the shipped convnet (conv 8 of 5x5 + pool, conv 16 of 5x5 + pool, dense 256 -> 10),
# measured on the first 1,000 test digits to stay quick: it calls the units channels, draws each
# channel's filter (layer 0: one 5x5 kernel enlarged to a digit's size; layer 1: a strip of 8
# kernels), gives the last hidden layer's channels their votes, and prints no nan or inf.
#   report_convnet.sh LENS_REPORT MNIST_DIR MODELS_DIR WORK_DIR
set -eu
report="$1"; data="$2"; models="$3"; work="$4"
out="$work/cnn"
rm -rf "$work"
mkdir -p "$work"
fail() { echo "report_convnet: $*" >&2; exit 1; }
. "$(dirname "$0")/report_lib.sh"

"$report" --quiet --model "$models/cnn.lens" --data "$data" --images 1000 --prior none --out "$out" > "$work/run.log" \
  || fail "lens-report failed on cnn.lens"
readme="$out/README.md"
[ -s "$readme" ] || fail "no README.md in $out"
if grep -inwE 'nan|-nan|inf|-inf' "$readme" > "$work/nonfinite.txt"; then fail "README prints a non-number: $(head -n 1 "$work/nonfinite.txt")"; fi
grep -qF "measured on the first 1,000 MNIST test images" "$readme" || fail "the title does not say it measured 1,000 digits"

# Channels, not neurons: the headings, the overview and the sentences.
grep -q '^# .*: a channel-by-channel report$' "$readme" || fail "the title does not say channel by channel"
grep -qF -- '- **layers**: 784 inputs → conv 8 of 5x5, relu → 8x24x24, max pool 2x2 stride 2 → 8x12x12 → conv 16 of 5x5' "$readme" \
  || fail "the layers line does not describe the convolutions"
grep -qF 'Their units are **channels**' "$readme" || fail "the model section does not say the units are channels"
for l in 0 1; do
  grep -q "^### Hidden layer $l, channel 0\$" "$readme" || fail "no section for channel 0 of hidden layer $l"
done
! grep -q '^### .*neuron' "$readme" || fail "a heading still says neuron"
awk '$0 == "### Hidden layer 1, channel 3" { getline; getline; exit ($0 ~ /^Channel 3 of hidden layer 1 /) ? 0 : 1 }' "$readme" \
  || fail "channel 3's summary does not open with 'Channel 3 of hidden layer 1'"
grep -qF '](#hidden-layer-0-channel-' "$readme" || fail "no link to a channel's section"

# Filters: layer 0's as large as the maximization images (5 x 22 px + frame), layer 1's as a strip of 8.
report_figures "$readme" "$out"
for f in l0-filters-grid.png l1-filters-grid.png l0-c000-filter.png l1-c015-filter.png; do
  grep -qF "](figures/$f)" "$readme" || fail "README does not link $f"
done
[ "$(png_size "$out/figures/l0-c000-filter.png")" = "112x112" ] || fail "l0-c000-filter.png is $(png_size "$out/figures/l0-c000-filter.png"), not 112x112"
[ "$(png_size "$out/figures/l1-c015-filter.png")" = "477x57" ] || fail "l1-c015-filter.png is $(png_size "$out/figures/l1-c015-filter.png"), not 477x57"
[ "$(png_size "$out/figures/l0-filters-grid.png")" = "684x82" ] || fail "l0-filters-grid.png is $(png_size "$out/figures/l0-filters-grid.png"), not 684x82"
[ ! -e "$out/figures/l0-weights-grid.png" ] || fail "a 28x28 weight grid was drawn for a convolutional layer"

# Votes: the last hidden layer is convolutional; each channel's outgoing weights are charted.
for u in 000 015; do
  grep -qF "](figures/l1-c$u-outputs.svg)" "$readme" || fail "channel $u of hidden layer 1 has no outgoing-weights chart"
done
! grep -qF "](figures/l0-c000-outputs.svg)" "$readme" || fail "a channel of hidden layer 0 has votes"

echo "report_convnet: README.md and $figure_count figures OK, channels named, filters drawn"
