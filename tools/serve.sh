#!/usr/bin/env bash
# Builds the page and serves it on http://127.0.0.1:$PORT/ (default 8080).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
port="${PORT:-8080}"
tools/bootstrap.sh
mkdir -p build
if ! tools/build-web.sh --target lens_site >build/web-build.log 2>&1; then
  cat build/web-build.log >&2
  exit 1
fi
echo "MNIST Lens: serving build/web/site at http://127.0.0.1:${port}/  (Ctrl-C stops)"
exec /usr/bin/python3 -m http.server --bind 127.0.0.1 --directory build/web/site "$port"
