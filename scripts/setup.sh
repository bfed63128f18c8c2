#!/usr/bin/env bash
# Installs what the build and the tests need, on Debian 12 (bookworm). Idempotent: each step checks
# first and does nothing when its work is already done. Downloads only Debian packages (and ImGui's
# Debian source package) and the npm packages pinned in package-lock.json.
#   scripts/setup.sh            (run by scripts/serve.sh and scripts/test.sh)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
imgui_dir="$root/.cache/imgui-1.86"

say() { echo "setup: $*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

apt_updated=0
apt_update_once() {
    if [ "$apt_updated" -eq 0 ]; then
        as_root apt-get update -q
        apt_updated=1
    fi
}

# ---- Debian packages --------------------------------------------------------------------------------
# python3 serves the page; xz-utils unpacks ImGui's source tarball; make is CMake's generator.
# clang-14 and libclang-rt-14-dev (ASan, UBSan, libFuzzer) build build-asan/ for the sanitizer and fuzz stages;
# libcurl4-openssl-dev lets the CLI fetch from the Hugging Face Hub (`estimate --hf`).
packages=(emscripten nlohmann-json3-dev doctest-dev cmake make g++ chromium python3 xz-utils clang-14 libclang-rt-14-dev libcurl4-openssl-dev)
# emscripten brings Debian's nodejs; npm comes with some other Node.js builds, so add it only if absent.
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]}"
    apt_update_once
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
else
    say "Debian packages present"
fi

# ---- Dear ImGui 1.86 sources from Debian's source package --------------------------------------------
# libimgui-dev has the headers and backends but not imgui.cpp etc., which the wasm build compiles.
if [ -f "$imgui_dir/imgui.cpp" ] && [ -f "$imgui_dir/backends/imgui_impl_opengl3.cpp" ]; then
    say "ImGui sources present in .cache/imgui-1.86"
else
    say "fetching ImGui 1.86 sources from Debian's source package"
    src_list=/etc/apt/sources.list.d/vramcalc-src.sources
    if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        # A deb-src entry for the mirror the machine already uses (no host name is written here).
        if [ -f /etc/apt/sources.list.d/debian.sources ]; then
            sed -n '/^Types: deb$/,/^$/p' /etc/apt/sources.list.d/debian.sources | sed '/^$/q' \
                | sed 's/^Types: deb$/Types: deb-src/; s/^Suites: .*/Suites: bookworm/' \
                | as_root tee "$src_list" >/dev/null
        else
            grep -h '^deb ' /etc/apt/sources.list | head -n 1 \
                | awk '{ $1 = "deb-src"; $3 = "bookworm"; print }' \
                | as_root tee /etc/apt/sources.list.d/vramcalc-src.list >/dev/null
        fi
        apt_updated=0
        apt_update_once
    fi
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    # apt downloads as the unprivileged _apt user when it can write the folder.
    chmod 755 "$tmp"
    if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$tmp"; fi
    # The package lists may predate the deb-src entry: update once if the source is not known yet.
    if ! (cd "$tmp" && apt-get source --download-only -q imgui); then
        apt_update_once
        (cd "$tmp" && apt-get source --download-only -q imgui)
    fi
    tarball="$(ls "$tmp"/imgui_1.86*.orig.tar.* | head -n 1)"
    mkdir -p "$root/.cache"
    rm -rf "$imgui_dir" "$root/.cache/imgui-unpack"
    mkdir -p "$root/.cache/imgui-unpack"
    tar xf "$tarball" -C "$root/.cache/imgui-unpack"
    mv "$root/.cache/imgui-unpack"/imgui-1.86* "$imgui_dir"
    rm -rf "$root/.cache/imgui-unpack"
    test -f "$imgui_dir/imgui.cpp"
    say "ImGui sources in .cache/imgui-1.86"
fi

# ---- playwright-core (drives Debian's chromium; downloads no browser) ---------------------------------
lock_sum="$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)"
stamp="$root/node_modules/.vramcalc-lock-sha256"
if [ -f "$root/node_modules/playwright-core/package.json" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$lock_sum" ]; then
    say "node_modules up to date"
else
    say "npm ci (playwright-core)"
    (cd "$root" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" >"$stamp"
fi
