// The page's engine picker (web/compute.h choose_engine): the newest release of the new engine, a
// weight format it loads, and no TP/PP kept unseen by an engine that has no such fields.
#include <doctest/doctest.h>

#include "core/engine_profile.h"
#include "core/estimate.h"
#include "core/formats.h"
#include "web/compute.h"

using namespace vramcalc;
using namespace vramcalc::web;

TEST_CASE("choosing an engine: its newest release, a format it loads, no hidden TP/PP") {
    Scenario s;
    s.engine = "vllm";
    s.engine_version = "0.10.0";
    s.weights = "awq";  // 4.15625 bits (core/data/formats.json); llama.cpp loads GGUF only
    s.gpus = 2;
    s.tp = 2;
    s.pp = 1;

    Scenario sg = s;
    choose_engine(sg, engine_profile("sglang"));
    CHECK(sg.engine == "sglang");
    CHECK(sg.engine_version.empty());
    CHECK(sg.tp == 2);  // SGLang has --tp-size: the user's setting stays
    CHECK(sg.pp == 1);
    CHECK(sg.weights == "awq");  // SGLang loads AWQ

    Scenario ll = s;
    choose_engine(ll, engine_profile("llamacpp"));
    CHECK(ll.engine == "llamacpp");
    CHECK(ll.engine_version.empty());
    CHECK(ll.tp == 0);  // llama.cpp places layers itself: the page hides TP and PP
    CHECK(ll.pp == 0);
    const auto w = find_weight_format(ll.weights);
    const auto kv = find_kv_format("auto");
    REQUIRE(w);
    REQUIRE(kv);
    CHECK(engine_load_error(engine_profile("llamacpp"), *w, *kv).empty());
    CHECK(w->bits_per_weight <= 4.15625 + 1.0);  // about the same precision as AWQ int4
    const Estimate e = estimate(ll);
    REQUIRE(e.ok);
    for (const std::string& warning : e.warnings) CHECK(warning.find("places whole layers") == std::string::npos);
}
