#!/usr/bin/env bash
# Runs every test: native unit tests, the same unit tests compiled to wasm under
# node, the worker pool's tests under ThreadSanitizer, a replay of the readers' committed
# fuzz inputs (deterministic; a random fuzzing run is tools/fuzz.sh --random SECONDS, not
# part of this), and the browser tests against the page.
#   tools/test.sh
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
passed=0; failed=0; failures=()
stage() {  # stage NAME COMMAND...
  local name="$1"; shift
  local t0=$SECONDS
  echo; echo "=== $name"
  if "$@"; then passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - t0)) s)"
  else failed=$((failed + 1)); failures+=("$name"); echo "=== $name: FAILED ($((SECONDS - t0)) s)"; fi
}

tools/bootstrap.sh || { echo "bootstrap failed"; exit 1; }
native() { cmake --preset native >/dev/null && cmake --build --preset native && ctest --preset native; }
web() { tools/build-web.sh && ctest --preset web; }
tsan() { cmake --preset tsan >/dev/null && cmake --build --preset tsan && ctest --preset tsan; }
# The tests' calls into the page are type-checked against web/lens.d.ts first (tsconfig.json).
browser() { node_modules/.bin/tsc -p . && node --test tests/browser/; }

stage "native unit tests" native
stage "wasm unit tests (node)" web
stage "worker pool under ThreadSanitizer" tsan
stage "fuzz replay (committed inputs, ASan + UBSan)" tools/fuzz.sh
stage "browser tests (chromium)" browser

echo
[ $failed -gt 0 ] && echo "failed stages: ${failures[*]}"
echo "stages: $passed passed, $failed failed"
[ $failed -eq 0 ]
