// libFuzzer entry point: scripts/fuzz.sh builds and runs it; the checks live in fuzz/checks.h.
#include "fuzz/checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return vramcalc::fuzz::run("fuzz_scenario_json", vramcalc::fuzz::check_scenario_json, data, size);
}
