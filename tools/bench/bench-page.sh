#!/usr/bin/env bash
# Page benchmark in headless chromium: builds the site when it is missing or older
# than its sources, then runs tools/bench/bench-page.mjs (load time, per-stroke
# compute, frame times, model-switch analysis, transfer sizes; see that file).
#
#   tools/bench/bench-page.sh [--build | --no-build] [bench-page.mjs options]
#
#   --build     always run the (incremental) site build first
#   --no-build  never build; use build/web/site as it is ($LENS_SITE_DIR overrides it)
# Figures are measurements only: a missed goal is reported, never an error.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
log() { printf '[bench-page] %s\n' "$*" >&2; }

build=auto
args=()
for a in "$@"; do
  case "$a" in
    --build) build=yes ;;
    --no-build) build=no ;;
    *) args+=("$a") ;;
  esac
done

site="${LENS_SITE_DIR:-$root/build/web/site}"
stale_reason() {
  [ -f "$site/index.html" ] && [ -f "$site/lens.wasm" ] && [ -f "$site/lens.js" ] || { echo "the site is missing"; return; }
  local newer
  newer="$(find src assets CMakeLists.txt CMakePresets.json -newer "$site/lens.wasm" -type f -print -quit 2>/dev/null || true)"
  [ -z "$newer" ] || { echo "$newer is newer than the built lens.wasm"; return; }
  local f
  for f in web/*; do
    cmp -s "$f" "$site/$(basename "$f")" || { echo "$f differs from the built copy"; return; }
  done
}
if [ "$build" = auto ] && [ -z "${LENS_SITE_DIR:-}" ]; then
  reason="$(stale_reason)"
  if [ -n "$reason" ]; then log "building the site: $reason"; build=yes; fi
fi
if [ "$build" = yes ]; then
  tools/build-web.sh --target lens_site >&2 || { log "site build failed"; exit 1; }
fi

[ -f "$site/index.html" ] || { log "no site at $site (run tools/build-web.sh --target lens_site)"; exit 1; }
[ -x /usr/bin/chromium ] || { log "/usr/bin/chromium is missing: apt-get install -y chromium"; exit 1; }
if [ ! -d node_modules/playwright-core ]; then
  log "installing playwright-core (npm ci)"
  npm ci --no-audit --no-fund >&2
fi
exec node tools/bench/bench-page.mjs ${args[@]+"${args[@]}"}
