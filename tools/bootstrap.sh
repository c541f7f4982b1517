#!/usr/bin/env bash
# Installs everything MNIST Lens needs to build and test, idempotently:
# Debian packages, the SDL2 + Dear ImGui sources for the wasm build (Debian
# source packages, unpacked into .deps/), and the npm packages of the browser
# tests (package.json + package-lock.json). A second run on a ready machine
# only checks and returns.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps="$root/.deps"
log() { printf '[bootstrap] %s\n' "$*" >&2; }

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(
  build-essential cmake ninja-build ccache pkg-config dpkg-dev xz-utils
  emscripten binaryen
  libeigen3-dev zlib1g-dev libgtest-dev googletest libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libstb-dev
  clang-14 libclang-rt-14-dev libfuzzer-14-dev
  chromium fonts-dejavu-core fonttools python3
  libonnx-testdata
)
# The ONNX fixtures' generator (tools/onnx-fixtures.py) alone needs PyTorch and onnx; the tests
# read the committed fixtures. LENS_BOOTSTRAP_ONNX_TOOLS=1 installs them too.
[ "${LENS_BOOTSTRAP_ONNX_TOOLS:-0}" = 1 ] && packages+=(python3-torch python3-onnx)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm  >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

src_list=/etc/apt/sources.list.d/mnist-lens-src.sources
need_update=0
if [ ! -f "$src_list" ]; then
  # Source lines mirror the binary ones so `apt-get source` finds SDL2 and imgui.
  log "enabling Debian source packages ($src_list)"
  sudo_if_needed sh -c "sed -e 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > '$src_list'"
  need_update=1
fi
[ ${#missing[@]} -gt 0 ] && need_update=1
if [ "$need_update" -eq 1 ]; then
  log "apt-get update"
  sudo_if_needed apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Source packages for the wasm build: version-pinned folder names make re-runs a no-op.
fetch_source() {  # $1 = source package, $2 = glob of the unpacked folder
  local pkg="$1" pattern="$2"
  if compgen -G "$deps/$pattern" >/dev/null; then return; fi
  mkdir -p "$deps"
  log "fetching Debian source package $pkg"
  (cd "$deps" && apt-get source -qq "$pkg" >/dev/null 2>&1) || {
    sudo_if_needed apt-get update -qq
    (cd "$deps" && apt-get source -qq "$pkg" >/dev/null)
  }
}
fetch_source libsdl2 'libsdl2-2.*/'
fetch_source imgui 'imgui-1.*/'

if [ ! -d "$root/node_modules/playwright-core" ] || [ ! -d "$root/node_modules/terser" ] || [ ! -d "$root/node_modules/typescript" ]; then
  log "npm ci (browser test packages and their type-check, terser for the page's JavaScript)"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
log "ready"
