#!/usr/bin/env bash
# Configures and builds build-asan/: everything compiled by clang++-14 at -O1 under AddressSanitizer and
# UndefinedBehaviorSanitizer (-fno-sanitize-recover=all: the first report aborts), with libFuzzer's
# coverage instrumentation, so the same objects serve the sanitized test suite and the fuzz targets.
#   scripts/build-asan.sh [TARGET...]     (default: the doctest suite, the CLI and the fuzz targets)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${VRAMCALC_ASAN_DIR:-$root/build-asan}"
jobs="${VRAMCALC_JOBS:-2}"
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
# Source paths written as ./core/...: the sanitizers' source locations sit among the globals, so a
# checkout at another path would move every address the fuzzer compares, and with them its inputs.
same_paths="-ffile-prefix-map=$root/=./"

launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Configured every time (a no-op when nothing changed), so a build-asan/ made before a flag changed
# takes the new flags.
cmake -S "$root" -B "$dir" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -fno-omit-frame-pointer" \
    -DCMAKE_CXX_FLAGS="$san -fsanitize=fuzzer-no-link $same_paths" \
    -DCMAKE_EXE_LINKER_FLAGS="$san" \
    -DVRAMCALC_FUZZ=ON "${launcher[@]}" >/dev/null
if [ "$#" -eq 0 ]; then
    cmake --build "$dir" -j"$jobs"
else
    for t in "$@"; do cmake --build "$dir" -j"$jobs" --target "$t"; done
fi
