// The page's verdict words and link state, built natively (web/ without ImGui): issue 11 points 8, 10.
#include <doctest/doctest.h>

#include "core/engine_profile.h"
#include "web/compute.h"
#include "web/verdict_text.h"
#include "core/logs/error_bands.h"
#include "core/logs/tight_verdict.h"
#include <cmath>

using namespace vramcalc;
using namespace vramcalc::web;

TEST_CASE("the headline says what the request needs and, apart, what vLLM reserves") {
    Scenario s;  // Qwen2.5-7B BF16, 1 x 8k on one H100 with vLLM
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    const VerdictText v = verdict_text(e, s, SizeUnit::GiB);
    CHECK(v.headline == "FITS");
    CHECK(v.needs.rfind("needs ", 0) == 0);
    CHECK(v.needs.find(" for 1 x 8k") != std::string::npos);
    CHECK(v.needs.find("per GPU") == std::string::npos);  // one GPU: no "per GPU"
    CHECK(v.reserve.rfind("vLLM will reserve ", 0) == 0);
    CHECK(v.reserve.find("(KV pool for ") != std::string::npos);
    // the needs figure is the one the chart and the fit matrix show
    CHECK(needed_bytes(e) == e.needed_per_gpu->total_bytes);
}

TEST_CASE("not fitting, vLLM's headline names the same shortfall as the Breakdown") {
    // Qwen2.5-32B BF16 on one A100 80GB, 8 x 32k. vLLM's budget is 0.9 x 79.15 = 71.24 GiB; the request
    // needs 8 x 32768 tokens x 256 KiB (64 layers x 8 KV heads x 128 x 2 x 2 B) = 64 GiB of KV cache,
    // and the pool left after weights and activations holds 9.55 GiB: 54.45 GiB short. Measured against
    // the whole 79.15 GiB it would read 7.9 GiB (0.1 x 79.15) less than the table's shortfall.
    Scenario s;
    s.model = "qwen2.5-32b-instruct";
    s.gpu = "a100-80gb";
    s.context = 32768;
    s.batch = 8;
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    CHECK_FALSE(e.fits);
    REQUIRE(e.needed_per_gpu);
    const Bytes kv_needed = Bytes{8} * 32768 * 256 * 1024;
    CHECK(kv_needed == Bytes{64} << 30);
    const std::int64_t lacks = static_cast<std::int64_t>(kv_needed) - static_cast<std::int64_t>(e.per_gpu.kv_cache.bytes);
    CHECK(shown_headroom(e) == -lacks);
    const VerdictText v = verdict_text(e, s, SizeUnit::GiB);
    CHECK(v.headline == "DOES NOT FIT");
    INFO(v.needs);
    CHECK(v.needs.find("; vLLM's budget on the " + format_size(e.gpu_memory_bytes, SizeUnit::GiB) + " GPU falls " +
                       format_size(static_cast<Bytes>(lacks), SizeUnit::GiB) + " short") != std::string::npos);
}

TEST_CASE("an engine that allocates what it uses has one figure, with the room left") {
    Scenario s;
    s.engine = "llamacpp";
    s.weights = "gguf-q4_k_m";
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    const VerdictText v = verdict_text(e, s, SizeUnit::GiB);
    CHECK(v.reserve.empty());
    CHECK(v.needs.find(" free") != std::string::npos);
    CHECK(needed_bytes(e) == e.per_gpu.total_bytes);
}

TEST_CASE("a link naming an unknown model shows it missing until the user picks one") {
    AppState st;
    open_link(st, Scenario{}, "qwen-9000-instruct", {"qwen2.5-7b-instruct", "qwen3-8b"});
    refresh(st);
    CHECK_FALSE(st.result.ok);
    CHECK(st.result.error_field == ErrorField::Model);
    CHECK(st.result.error.find("qwen-9000-instruct") != std::string::npos);
    CHECK(st.result.error.find("did you mean qwen2.5-7b-instruct") != std::string::npos);
    CHECK(st.command.empty());
    CHECK(st.link_revision == st.revision);  // the address bar keeps the link as it was
    st.scenario.model = "llama-3.1-8b-instruct";  // the user picks a model
    refresh(st);
    CHECK(st.result.ok);
    CHECK_FALSE(st.missing_model);
    CHECK(st.link_revision != st.revision);  // now the link follows the page
}

// The knobs' engine defaults (vLLM's gpu_memory_utilization 0.92, vllm/config/cache.py since 0.21)
// come from the scenario on screen even while a link's model is missing: the slider
// showed its lower end (0.30) there. Naming a model (setState, the picker) ends the state once.
TEST_CASE("while a link's model is missing the shown scenario still resolves, and naming a model ends the state") {
    AppState st;
    open_link(st, Scenario{}, "qwen-9000-instruct", {"qwen2.5-7b-instruct"});
    refresh(st);
    CHECK_FALSE(st.resolved);
    REQUIRE(st.shown);
    const auto util = engine_profile("vllm").knob_default("gpu_mem_util", *st.shown);
    REQUIRE(util);
    CHECK(*util == doctest::Approx(0.92));  // the newest vLLM's default (vllm/config/cache.py, 0.21+)
    end_missing_model(st);
    CHECK_FALSE(st.missing_model);
    CHECK(st.scenario_key.empty());  // answers again, for the model shown meanwhile too
    refresh(st);
    CHECK(st.result.ok);
    CHECK(st.resolved);
    const std::string key = st.scenario_key;
    end_missing_model(st);  // no missing model: nothing changes
    CHECK(st.scenario_key == key);
}

// Issue 16 point 4: a verdict whose room left lies within a figure's error band says so.
namespace {

// llama.cpp, Qwen3-8B Q4_K_M (dense) on a GPU of `mem` bytes (a custom memory size).
Estimate llamacpp_on(Scenario& s, double mem) {
    s.engine = "llamacpp";
    s.model = "qwen3-8b";
    s.weights = "gguf-q4_k_m";
    s.gpu_memory_gib = mem / kGiB;
    return estimate(s);
}

}  // namespace

TEST_CASE("a tight fit names the figure and how much larger it may be before it stops fitting") {
    Scenario s;
    const Estimate big = llamacpp_on(s, 80.0 * kGiB);
    REQUIRE(big.ok);
    CHECK(verdict_text(big, s, SizeUnit::GiB).tight.empty());  // ~75 GiB left: far outside every band
    const double compute = static_cast<double>(big.per_gpu.activation.bytes);
    const double need = static_cast<double>(big.per_gpu.total_bytes);
    // Leave 1% of the compute buffer free. Hand calculation: the compute buffer's dense-model band runs
    // to -3.15% (error_band_table.cpp: our estimate was up to 3.15% low), so the real buffer may be
    // 1/(1 - 0.0315) - 1 = 3.25% larger than ours: a 1% margin is inside it.
    const auto band = error_band("llamacpp", "compute_buffer", "dense");
    REQUIRE(band);
    REQUIRE(1.0 / (1.0 + band->low) - 1.0 > 0.01);
    Scenario t;
    const Estimate e = llamacpp_on(t, need + 0.01 * compute);
    REQUIRE(e.ok);
    REQUIRE(e.fits);
    const double margin = static_cast<double>(e.headroom_bytes);
    const TightVerdict tv = tight_verdict(t, e);
    CHECK(tv.tight);
    CHECK(tv.figure == "compute_buffer");
    CHECK(tv.percent == doctest::Approx(100.0 * margin / compute));
    const VerdictText v = verdict_text(e, t, SizeUnit::GiB);
    CHECK(v.headline == "FITS");
    CHECK(v.tight == "fits, unless the compute buffer is more than " + format_fixed(tv.percent, 1) + "% larger than estimated");
}

TEST_CASE("a narrow miss says which figure, smaller by how much, would make it fit") {
    Scenario s;
    const Estimate big = llamacpp_on(s, 80.0 * kGiB);
    REQUIRE(big.ok);
    const double compute = static_cast<double>(big.per_gpu.activation.bytes);
    // Short by 1% of the compute buffer: its dense band's other end (+2.49%: our estimate up to 2.49%
    // high) means the real buffer may be 1 - 1/1.0249 = 2.43% smaller, enough to fit. The model buffer's
    // band ends at +0.01% (~0.5 MiB of ~4.7 GiB), less than the ~3 MiB short: it cannot flip the verdict.
    Scenario t;
    const Estimate e = llamacpp_on(t, static_cast<double>(big.per_gpu.total_bytes) - 0.01 * compute);
    REQUIRE(e.ok);
    REQUIRE_FALSE(e.fits);
    const TightVerdict tv = tight_verdict(t, e);
    CHECK(tv.tight);
    CHECK(tv.text.rfind("does not fit, unless the compute buffer is more than ", 0) == 0);
    CHECK(tv.text.find("% smaller than estimated") != std::string::npos);
}

TEST_CASE("after calibrating the compute buffer its band is the print precision: the same margin is no longer tight") {
    Scenario s;
    const Estimate big = llamacpp_on(s, 80.0 * kGiB);
    REQUIRE(big.ok);
    const double compute_mib = static_cast<double>(big.per_gpu.activation.bytes) / kMiB;
    Scenario t;
    t.cal_compute_mib = std::round(compute_mib * 100) / 100;  // as llama.cpp prints it, to 0.01 MiB
    const Estimate cal = llamacpp_on(t, 80.0 * kGiB);
    REQUIRE(cal.ok);
    // 1% of the compute buffer left: tight with the population band (3.25%), not with the calibrated
    // one (0.005 MiB / ~300 MiB = 0.002%).
    Scenario u = t;
    const Estimate e = llamacpp_on(u, static_cast<double>(cal.per_gpu.total_bytes) + 0.01 * static_cast<double>(cal.per_gpu.activation.bytes));
    REQUIRE(e.fits);
    const TightVerdict tv = tight_verdict(u, e);
    CHECK(tv.figure != "compute_buffer");
}

TEST_CASE("vLLM 0.21+: a margin within its own CUDA-graph estimate is tight") {
    // vLLM takes its graph estimate out of the KV pool; ours (1 GiB here) stands in, and vLLM's may be
    // anywhere from none to twice it. 0.5 GiB of pool to spare is gone if vLLM's estimate is 50% larger
    // than ours; 0.25 GiB short is made up if it is 25% smaller; 2 GiB to spare holds either way.
    Scenario s;
    s.engine = "vllm";
    s.model = "qwen2.5-7b-instruct";
    Estimate e;
    e.ok = true;
    e.fits = true;
    e.kv_budget_graph_estimate = Bytes{1} << 30;
    e.headroom_bytes = std::int64_t{1} << 29;
    TightVerdict tv = tight_verdict(s, e);
    CHECK(tv.tight);
    CHECK(tv.figure == "cuda_graphs");
    CHECK(tv.percent == doctest::Approx(50.0));
    CHECK(tv.text == "fits, unless vLLM's own CUDA-graph estimate (taken from the KV budget; ours 1.00 GiB) is more than 50.0% larger than ours");
    e.fits = false;
    e.headroom_bytes = -(std::int64_t{1} << 28);
    tv = tight_verdict(s, e);
    CHECK(tv.text == "does not fit, unless vLLM's own CUDA-graph estimate (taken from the KV budget; ours 1.00 GiB) is more than 25.0% smaller than ours");
    e.fits = true;
    e.headroom_bytes = std::int64_t{2} << 30;
    CHECK_FALSE(tight_verdict(s, e).tight);
}
