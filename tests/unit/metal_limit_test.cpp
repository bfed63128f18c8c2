// Apple silicon's Metal working-set limit (core/metal_limit.h): the share macOS lets the GPU wire and the
// sysctl that raises it, by hand from the catalog (m4-max-64gb: 64 GB x 0.75 = 48 GiB).
#include <doctest/doctest.h>

#include <string>

#include "core/catalog.h"
#include "core/estimate.h"
#include "core/metal_limit.h"

using namespace vramcalc;

TEST_CASE("the wired limit that holds a need, leaving macOS 8 GB") {
    const Gpu* mac = find_gpu("m4-max-64gb");
    REQUIRE(mac != nullptr);
    CHECK(static_cast<double>(mac->memory_bytes) == 48.0 * kGiB);  // recommendedMaxWorkingSetSize, 75%
    // 52.3 GiB -> 53 GiB = 54272 MiB, within 64 - 8 = 56 GiB
    CHECK(wired_limit_mib_for(*mac, static_cast<Bytes>(52.3 * kGiB)) == std::optional<std::int64_t>(54272));
    // 56.5 GiB -> 57 GiB: more than 56, no command
    CHECK_FALSE(wired_limit_mib_for(*mac, static_cast<Bytes>(56.5 * kGiB)).has_value());
    const Gpu* nvidia = find_gpu("rtx-4090");
    REQUIRE(nvidia != nullptr);
    CHECK_FALSE(wired_limit_mib_for(*nvidia, 1).has_value());
}

TEST_CASE("an Apple estimate names the working-set limit and how to raise it") {
    Scenario s;
    s.model = "qwen2.5-7b-instruct";
    s.engine = "llamacpp";
    s.weights = "gguf-q4_k_m";
    s.gpu = "m4-max-64gb";
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    bool noted = false;
    for (const std::string& w : e.warnings) noted |= w.rfind("Metal working-set limit: the GPU may wire 48.00 GiB of the 64 GB", 0) == 0 &&
                                                     w.find("iogpu.wired_limit_mb") != std::string::npos;
    CHECK(noted);
    s.gpu = "rtx-4090";
    for (const std::string& w : estimate(s).warnings) CHECK(w.find("Metal") == std::string::npos);
}
