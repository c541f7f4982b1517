# Shared by the lens-report command-line tests (sourced): checks on a written report.
# They call fail(), which the sourcing script defines.

# report_figures README OUT: every figure README links exists in OUT and is a well-formed PNG or
# SVG; sets figure_count.
report_figures() {
  links=$(grep -o '](figures/[^)]*)' "$1" | sed 's/^](//; s/)$//' | sort -u)
  [ -n "$links" ] || fail "README links no figures"
  figure_count=0
  for f in $links; do
    file="$2/$f"
    [ -s "$file" ] || fail "missing figure $f"
    case "$f" in
      *.png)
        [ "$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "$f: not a PNG signature"
        [ "$(tail -c 8 "$file" | head -c 4)" = "IEND" ] || fail "$f: PNG does not end with IEND" ;;
      *.svg)
        head -c 5 "$file" | grep -q '^<svg' || fail "$f: not an SVG"
        tail -n 1 "$file" | grep -q '</svg>' || fail "$f: SVG not closed" ;;
      *) fail "$f: unexpected figure type" ;;
    esac
    figure_count=$((figure_count + 1))
  done
}

# png_size FILE: "WIDTHxHEIGHT" from the PNG's header (IHDR: big-endian width and height at byte 16).
png_size() {
  set -- $(od -An -tu1 -j16 -N8 "$1")
  echo "$(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 ))x$(( ($5 << 24) + ($6 << 16) + ($7 << 8) + $8 ))"
}
