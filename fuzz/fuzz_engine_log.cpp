// libFuzzer entry point: scripts/fuzz.sh builds and runs it; the checks live in fuzz/log_checks.h.
#include "fuzz/log_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return vramcalc::fuzz::run("fuzz_engine_log", vramcalc::fuzz::check_engine_log, data, size);
}
