// Several deployments on the same GPUs (core/colocation.h): the share each reserves, which the
// page's "Several models" slider shows when the deployment leaves it to its engine.
#include <doctest/doctest.h>

#include "core/colocation.h"

using namespace vramcalc;

TEST_CASE("each vLLM deployment reserves its own share, or its release's default") {
    Scenario a;  // Qwen2.5-7B-Instruct, vLLM's newest release: gpu_memory_utilization defaults to 0.92
    Scenario b = a;
    b.model = "qwen2.5-3b-instruct";
    b.gpu_mem_util = 0.45;
    const Colocation c = colocate({a, b});
    REQUIRE(c.ok);
    REQUIRE(c.deployments.size() == 2);
    CHECK(c.deployments[0].reserved_fraction == doctest::Approx(0.92));  // vllm/config/cache.py, 0.21+
    CHECK(c.deployments[1].reserved_fraction == doctest::Approx(0.45));
    // util x the H100's 79.19 GiB: 0.92 x 79.19 = 72.85 GiB; 0.45 x 79.19 = 35.64 GiB.
    CHECK(static_cast<double>(c.deployments[0].reserved_bytes) / 1073741824.0 == doctest::Approx(72.8548).epsilon(1e-4));
    CHECK(static_cast<double>(c.deployments[1].reserved_bytes) / 1073741824.0 == doctest::Approx(35.6355).epsilon(1e-4));
    CHECK_FALSE(c.fits);  // 0.92 + 0.45 of one GPU
}
