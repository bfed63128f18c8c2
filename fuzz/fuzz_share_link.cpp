// libFuzzer entry point: scripts/fuzz.sh builds and runs it; the checks live in fuzz/checks.h.
#include "fuzz/checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return vramcalc::fuzz::run("fuzz_share_link", vramcalc::fuzz::check_share_link, data, size);
}
