#!/usr/bin/env bash
# Runs every test: the doctest suite natively (CTest), the same suite compiled to wasm under Node.js
# (CTest), the browser test of the single-file page in headless Chromium, the native suite and CLI
# tests again under ASan+UBSan, and each fuzz target for a few seconds. Fails if any fails or if the
# native and wasm runs report different test-case counts.
#   scripts/test.sh            (builds in build/, build-wasm/ and build-asan/; needs a Debian 12 machine)
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh || exit 1

# Debian's emscripten needs its Node modules (acorn) from Debian's folder.
export NODE_PATH=/usr/share/nodejs
jobs="${VRAMCALC_JOBS:-2}"
native=build
wasm=build-wasm

declare -a summary=()
failed=0
stage() {  # stage NAME COMMAND...: runs, records ok/FAIL, keeps going
    local name="$1"; shift
    local start=$SECONDS
    echo
    echo "=== $name"
    if "$@"; then
        summary+=("ok    $name ($((SECONDS - start)) s)")
    else
        summary+=("FAIL  $name ($((SECONDS - start)) s)")
        failed=1
        return 1
    fi
}

# Configure once; later builds re-run CMake by themselves when a CMakeLists or a globbed folder changes.
build_native() {
    if [ ! -f "$native/CMakeCache.txt" ]; then cmake -S . -B "$native" -DCMAKE_BUILD_TYPE=Release || return 1; fi
    cmake --build "$native" -j"$jobs"
}
configure_wasm() {
    [ -f "$wasm/CMakeCache.txt" ] || emcmake cmake -S . -B "$wasm" -DCMAKE_BUILD_TYPE=Release
}

# "[doctest] test cases: 42 | 42 passed | 0 failed | 0 skipped" from CTest's log of the run.
doctest_cases() {
    local log="$1/Testing/Temporary/LastTest.log"
    [ -f "$log" ] || { echo "?"; return; }
    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -o '\[doctest\] test cases: *[0-9]*' | tail -n 1 | grep -o '[0-9]*$' || echo "?"
}
doctest_line() {
    sed 's/\x1b\[[0-9;]*m//g' "$1/Testing/Temporary/LastTest.log" 2>/dev/null | grep '\[doctest\] test cases:' | tail -n 1
}

# Counts must come from this run, not an older one.
rm -f "$native/Testing/Temporary/LastTest.log" "$wasm/Testing/Temporary/LastTest.log"

if stage "native: configure and build" build_native; then
    stage "native: doctest through CTest" ctest --test-dir "$native" --output-on-failure
fi
if stage "wasm: configure" configure_wasm; then
    # The page and the wasm tests build separately, so a broken test file does not hide the page's state.
    if stage "wasm: build the page vramcalc.html" cmake --build "$wasm" -j"$jobs" --target vramcalc_page; then
        stage "browser: vramcalc.html in headless Chromium" node tests/browser/smoke.test.mjs "$wasm/vramcalc.html"
        stage "browser: the calculator page (API, mouse, keyboard)" node tests/browser/page.test.mjs "$wasm/vramcalc.html"
        stage "browser: links, offline, export" node tests/browser/links.test.mjs "$wasm/vramcalc.html"
        stage "browser: model files and the Hub fetch" node tests/browser/model_files.test.mjs "$wasm/vramcalc.html"
        stage "browser: input (wheel, touch, pickers, Tab, copy)" node tests/browser/input.test.mjs "$wasm/vramcalc.html"
        stage "browser: the answer (pooled GPUs, headline, answers first, broken links)" node tests/browser/answer.test.mjs "$wasm/vramcalc.html"
        stage "browser: MTP speculative decoding knob" node tests/browser/mtp.test.mjs "$wasm/vramcalc.html"
        stage "browser: MoE offload (RAM bar, placement, mixed GPUs)" node tests/browser/moe.test.mjs "$wasm/vramcalc.html"
        stage "browser: a pasted engine log (table, readLog, Use this setup, Calibrate, what-if)" node tests/browser/logs.test.mjs "$wasm/vramcalc.html"
        stage "browser: ExLlamaV2/V3 (figures against the hand calculations, TabbyAPI config.yml)" node tests/browser/exllama.test.mjs "$wasm/vramcalc.html"
        stage "browser: no cut text at four sizes and the phone's whole column, screenshots, fit-matrix rows" node tests/browser/look.test.mjs "$wasm/vramcalc.html"
    fi
    if stage "wasm: build the doctest suite for Node.js" cmake --build "$wasm" -j"$jobs"; then
        stage "wasm: doctest under Node.js through CTest" ctest --test-dir "$wasm" --output-on-failure
    fi
fi

# The same suite and the CLI tests under AddressSanitizer + UndefinedBehaviorSanitizer (clang++-14, -O1,
# -fno-sanitize-recover=all), then every fuzz target briefly and reproducibly: a fixed number of inputs
# from a fixed seed (about 10 s each under ASan at the rates each target runs) with the corpus read once
# and addresses fixed (scripts/fuzz.sh), so CI sees what a local run saw; scripts/fuzz.sh SECONDS
# explores further by hand.
# The hang limit per CLI run is 120 s there: a 10,000-layer config takes ~40 s under ASan on a busy
# machine (1.2 s in release) until the engines stop recomputing the tensor inventory per stage.
run_sanitized_tests() {
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 VRAMCALC_CLI_TIMEOUT_S=120 \
        ctest --test-dir build-asan --output-on-failure
}
fuzz_briefly() {
    local runs=(config_json=20000 engine_log=4000 gguf_header=150000 safetensors_header=150000
                scenario_json=25000 share_link=1500) failed=0 src name spec
    for src in fuzz/fuzz_*.cpp; do
        name="$(basename "$src" .cpp)"
        name="${name#fuzz_}"
        spec="$(printf '%s\n' "${runs[@]}" | grep "^$name=" || true)"
        [ -n "$spec" ] || { echo "fuzz: $src has no run count in scripts/test.sh"; failed=1; continue; }
        VRAMCALC_FUZZ_RUNS="${spec#*=}" bash scripts/fuzz.sh 0 "fuzz_$name" || failed=1
    done
    return "$failed"
}
if stage "sanitizers: build build-asan/ (clang++-14, ASan+UBSan, -O1)" bash scripts/build-asan.sh; then
    stage "sanitizers: doctest and CLI tests under ASan+UBSan" run_sanitized_tests
    stage "fuzz: every target for a few seconds" fuzz_briefly
fi

native_cases="$(doctest_cases "$native")"
wasm_cases="$(doctest_cases "$wasm")"
echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "native: $(doctest_line "$native")"
echo "wasm:   $(doctest_line "$wasm")"
echo "full test output: $native/Testing/Temporary/LastTest.log, $wasm/Testing/Temporary/LastTest.log"
echo "screenshots: $wasm/screenshots/"
if [ "$native_cases" != "?" ] && [ "$native_cases" = "$wasm_cases" ]; then
    echo "test counts agree: $native_cases test cases natively and in wasm"
else
    echo "FAIL  test counts differ: native $native_cases, wasm $wasm_cases"
    failed=1
fi
if [ "$failed" -ne 0 ]; then
    echo "tests: FAILED"
    exit 1
fi
echo "tests: all passed"
