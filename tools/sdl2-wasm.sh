#!/usr/bin/env bash
# Builds SDL2 for WebAssembly once and caches it outside the checkout, keyed by
# version and flags, so fresh clones on the same machine reuse it. Prints the
# install prefix on stdout. Usage: tools/sdl2-wasm.sh [SDL2_SOURCE_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="${1:-$(ls -d "$root"/.deps/libsdl2-2.*/ 2>/dev/null | head -n1)}"
[ -n "$src" ] && [ -f "$src/CMakeLists.txt" ] || { echo "sdl2-wasm: no SDL2 source dir (run tools/bootstrap.sh)" >&2; exit 1; }
src="$(cd "$src" && pwd)"
flags=(-DCMAKE_BUILD_TYPE=Release -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF
       -DSDL_AUDIO=OFF -DSDL_JOYSTICK=OFF -DSDL_HAPTIC=OFF -DSDL_SENSOR=OFF
       -DSDL_POWER=OFF -DSDL_HIDAPI=OFF -DSDL2_DISABLE_SDL2MAIN=ON
       # The page draws with its own WebGL2 code: no SDL renderer, software blitters, RLE or YUV
       # (SDL_LEAN_AND_MEAN), compiled for size. This took 288 KB off lens.wasm (before gzip).
       -DSDL_RENDER=OFF -DSDL_LOCALE=OFF -DSDL_DUMMYVIDEO=OFF -DSDL_OFFSCREEN=OFF
       "-DCMAKE_C_FLAGS_RELEASE=-Os -DNDEBUG -DSDL_LEAN_AND_MEAN=1")
key="$(basename "$src")-$(printf '%s ' "${flags[@]}" "$(emcc --version | head -n1)" | sha1sum | cut -c1-12)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/mnist-lens"
prefix="$cache/sdl2-wasm-$key"
mkdir -p "$cache"
# Two builds at once (two checkouts on one machine) would delete each other's work folder:
# the second waits for the first and then finds the cache complete.
exec 9>"$cache/sdl2-wasm-$key.lock"
flock 9
if [ ! -f "$prefix/.complete" ]; then
  echo "sdl2-wasm: building SDL2 for wasm into $prefix (one time, ~6 minutes on 2 cores)" >&2
  work="$cache/sdl2-wasm-build-$key"
  rm -rf "$work" "$prefix"; mkdir -p "$work"
  export NODE_PATH=/usr/share/nodejs
  (cd "$work" && emcmake cmake "$src" -G Ninja "${flags[@]}" -DCMAKE_INSTALL_PREFIX="$prefix" >build.log 2>&1 \
     && cmake --build . >>build.log 2>&1 && cmake --install . >>build.log 2>&1) \
    || { echo "sdl2-wasm: build failed, see $work/build.log" >&2; tail -n 30 "$work/build.log" >&2; exit 1; }
  touch "$prefix/.complete"
  rm -rf "$work"
fi
echo "$prefix"
