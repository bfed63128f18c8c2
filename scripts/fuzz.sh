#!/usr/bin/env bash
# Runs every libFuzzer target (fuzz/fuzz_*.cpp) for SECONDS each, under ASan+UBSan (build-asan/, built
# by scripts/build-asan.sh with clang++-14 from Debian's clang-14 and libclang-rt-14-dev).
#   scripts/fuzz.sh [SECONDS]            (default 60 per target)
#   scripts/fuzz.sh SECONDS fuzz_share_link ...   (only the named targets)
#   VRAMCALC_FUZZ_RUNS=N [VRAMCALC_FUZZ_SEED=S] scripts/fuzz.sh   (reproducible: N inputs per target from
#       seed S (default 1), starting from the committed seeds alone; scripts/test.sh runs this way, so a
#       run that passes here passes in CI, and the time-limited runs above keep exploring by hand)
# Each target starts from its committed seeds (fuzz/corpus/TARGET/) and dictionary (fuzz/TARGET.dict);
# inputs that reach new code are kept in build-asan/fuzz-corpus/TARGET/ (not committed). A crash, a
# sanitizer report, a failed check (fuzz/checks.h) or an input slower than 10 s stops that target,
# writes the input to build-asan/fuzz-crashes/TARGET/ and fails the script: once fixed, commit the
# input to tests/data/fuzz-regressions/TARGET/ (named for what it found) so the suite replays it.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${VRAMCALC_ASAN_DIR:-$root/build-asan}"
seconds="${1:-60}"
shift || true

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    for src in "$root"/fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
bash "$root/scripts/build-asan.sh" "${targets[@]}" || exit 1

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
# Paths relative to the checkout, run from it: a counted run then passes the same argv in any clone.
cd "$root" || exit 1
rel() { realpath -m --relative-to="$root" "$1"; }
for t in "${targets[@]}"; do
    name="${t#fuzz_}"
    seeds="fuzz/corpus/$name"
    work="$(rel "$dir/fuzz-corpus/$name")"
    crashes="$(rel "$dir/fuzz-crashes/$name")"
    log="$dir/$t.log"
    args=(-timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$crashes/")
    runner=()
    if [ -n "${VRAMCALC_FUZZ_RUNS:-}" ]; then
        work="$(rel "$dir/fuzz-corpus-fixed/$name")"
        rm -rf "$work"
        # Repeatable only with the corpus read once (-reload=0: no re-reading it by the clock) and
        # addresses fixed: libFuzzer mutates towards the values it sees compared, pointers among them.
        # setarch -R turns off address randomisation, and an empty environment with relative paths
        # puts the stack where it is in any other clone (argv and the environment sit above it).
        # Two runs from the same seed had found different inputs.
        args+=(-runs="$VRAMCALC_FUZZ_RUNS" -seed="${VRAMCALC_FUZZ_SEED:-1}" -reload=0)
        runner=(env -i PATH=/usr/bin:/bin ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS")
        setarch "$(uname -m)" -R true 2>/dev/null && runner+=(setarch "$(uname -m)" -R)
        echo "fuzz: $t, ${VRAMCALC_FUZZ_RUNS} inputs from seed ${VRAMCALC_FUZZ_SEED:-1}"
    else
        args+=(-max_total_time="$seconds")
        echo "fuzz: $t for ${seconds} s"
    fi
    mkdir -p "$work" "$crashes"
    [ -f "fuzz/$name.dict" ] && args+=(-dict="fuzz/$name.dict")
    if "${runner[@]}" "./$(rel "$dir/$t")" "${args[@]}" "$work" "$seeds" >"$log" 2>&1; then
        grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$log" | tr '\n' ' '
        echo
    else
        echo "fuzz: $t FAILED (log: $log, input: $crashes/$(ls -t "$crashes" | head -n 1))"
        grep -E 'ERROR|runtime error|fuzz_[a-z_]*: ' "$log" | head -n 5
        failed+=("$t")
    fi
done
if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}"
    exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran without a finding"
