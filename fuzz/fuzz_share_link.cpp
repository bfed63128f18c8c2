// libFuzzer entry point: scripts/fuzz.sh builds and runs it; the checks live in fuzz/checks.h.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz/checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string problem = vramcalc::fuzz::check_share_link({reinterpret_cast<const char*>(data), size});
    if (!problem.empty()) {
        std::fprintf(stderr, "fuzz_share_link: %s\n", problem.c_str());
        std::abort();
    }
    return 0;
}
