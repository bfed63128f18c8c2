#!/usr/bin/env bash
# Builds the single-file page and serves it on http://127.0.0.1:8000 (Ctrl+C stops the server).
# The page also works without a server: open the printed vramcalc.html path in a browser.
#   scripts/serve.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh

# Debian's emscripten needs its Node modules (acorn) from Debian's folder.
export NODE_PATH=/usr/share/nodejs
wasm=build-wasm
if [ ! -f "$wasm/CMakeCache.txt" ]; then
    emcmake cmake -S . -B "$wasm" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$wasm" -j"${VRAMCALC_JOBS:-2}" --target vramcalc_page

echo
echo "page (one self-contained file, opens from disk too): $root/$wasm/vramcalc.html"
echo "serving: http://127.0.0.1:8000   (the page: http://127.0.0.1:8000/vramcalc.html; Ctrl+C stops)"
cd "$wasm"
exec python3 -m http.server --bind 127.0.0.1 8000
