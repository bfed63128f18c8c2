// The page's verdict words and link state, built natively (web/ without ImGui): issue 11 points 8, 10.
#include <doctest/doctest.h>

#include "core/engine_profile.h"
#include "web/compute.h"
#include "web/verdict_text.h"

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

// The knobs' engine defaults (vLLM's gpu_memory_utilization 0.9, vllm/engine/arg_utils.py
// EngineArgs) come from the scenario on screen even while a link's model is missing: the slider
// showed its lower end (0.30) there. Naming a model (setState, the picker) ends the state once.
TEST_CASE("while a link's model is missing the shown scenario still resolves, and naming a model ends the state") {
    AppState st;
    open_link(st, Scenario{}, "qwen-9000-instruct", {"qwen2.5-7b-instruct"});
    refresh(st);
    CHECK_FALSE(st.resolved);
    REQUIRE(st.shown);
    const auto util = engine_profile("vllm").knob_default("gpu_mem_util", *st.shown);
    REQUIRE(util);
    CHECK(*util == doctest::Approx(0.9));
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
