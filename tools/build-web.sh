#!/usr/bin/env bash
# Builds the web preset: the page (build/web/site) and the wasm unit tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export NODE_PATH=/usr/share/nodejs  # emcc's JS optimizer needs Debian's acorn
sdl2_prefix="$(tools/sdl2-wasm.sh)"
cmake --preset web -DLENS_SDL2_PREFIX="$sdl2_prefix" >build-web-configure.log 2>&1 \
  || { cat build-web-configure.log >&2; exit 1; }
rm -f build-web-configure.log
cmake --build --preset web "$@"
