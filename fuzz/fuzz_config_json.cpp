// libFuzzer entry point: scripts/fuzz.sh builds and runs it; the checks live in fuzz/checks.h.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz/checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string problem = vramcalc::fuzz::check_config_json({reinterpret_cast<const char*>(data), size});
    if (!problem.empty()) {
        std::fprintf(stderr, "fuzz_config_json: %s\n", problem.c_str());
        std::abort();
    }
    return 0;
}
