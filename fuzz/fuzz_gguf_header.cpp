// libFuzzer entry point for the gguf header reader; the checks live in fuzz/header_checks.h.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz/header_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string problem = vramcalc::fuzz::check_gguf_header({data, size});
    if (!problem.empty()) {
        std::fprintf(stderr, "fuzz_gguf_header: %s\n", problem.c_str());
        std::abort();
    }
    return 0;
}
