// Engine profiles: every profile is complete, version strings land on the right release, and the
// estimate, the links and the scenario JSON carry the version.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/catalog.h"
#include "core/engine_profile.h"
#include "core/estimate.h"
#include "core/formats.h"
#include "core/knobs.h"
#include "core/scenario_json.h"
#include "core/share_link.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

std::string release_of(std::string_view engine, std::string_view text) {
    const ReleaseChoice c = choose_release(engine_profile(engine), text);
    return c.release ? c.release->id : "error: " + c.error;
}

}  // namespace

TEST_CASE("every engine profile is complete and says where its releases come from") {
    std::set<std::string> ids;
    REQUIRE(engine_profiles().size() >= 5);
    for (const EngineProfile* p : engine_profiles()) {
        CAPTURE(p->id);
        CHECK(ids.insert(p->id).second);
        CHECK(std::string(p->name).size() > 0);
        CHECK(static_cast<bool>(p->estimate));
        CHECK(static_cast<bool>(p->parse_version));
        CHECK(static_cast<bool>(p->load_error));
        CHECK(static_cast<bool>(p->command));
        CHECK(static_cast<bool>(p->workload.sequence_context));
        CHECK(static_cast<bool>(p->workload.with_sequence_context));
        CHECK(static_cast<bool>(p->workload.concurrency));
        CHECK(static_cast<bool>(p->workload.with_concurrency));
        REQUIRE_FALSE(p->releases.empty());
        // releases oldest first, each with its source
        std::int64_t last = -1;
        for (const EngineRelease& r : p->releases) {
            CAPTURE(r.id);
            CHECK(std::string(r.source).size() > 0);
            if (r.variant) continue;
            CHECK(r.order > last);
            last = r.order;
        }
        for (const KnobUse& k : p->knobs) CHECK_MESSAGE(find_knob(k.knob) != nullptr, k.knob);
        for (const std::string& f : p->formats_by_quality) CHECK_MESSAGE(find_weight_format(f).has_value(), f);
        // the knobs a profile lists are the ones the CLI, JSON and links know
        if (p->workload.concurrency_knob[0]) CHECK(uses_knob(*p, p->workload.concurrency_knob));
    }
}

TEST_CASE("llama.cpp versions are build numbers, typed or pasted from --version") {
    CHECK(*parse_build_number("b4343") == 4343);
    CHECK(*parse_build_number("8054") == 8054);
    CHECK(*parse_build_number("version: 8054 (01d8eaa28)") == 8054);
    CHECK(*parse_build_number("llama.cpp build 10644 (d7a207411) with cc (GCC) 13") == 10644);
    CHECK(*parse_build_number("ghcr.io/ggml-org/llama.cpp:server-cuda-b10644") == 10644);
    CHECK_FALSE(parse_build_number("0.6.3").has_value());
    CHECK_FALSE(parse_build_number("latest").has_value());
    // between two releases: the older one's accounting; before the first: the oldest, flagged
    CHECK(release_of("llamacpp", "") == "b11232");
    CHECK(release_of("llamacpp", "version: 8054 (01d8eaa28)") == "b4343");
    CHECK(release_of("llamacpp", "b9464") == "b9464");
    CHECK(release_of("llamacpp", "b9463") == "b9411");  // b9411: PR #23346 (DeepSeek V3.2 cache)
    CHECK(release_of("llamacpp", "b9410") == "b4343");
    CHECK(release_of("llamacpp", "b20000") == "b11232");
    const ReleaseChoice old = choose_release(engine_profile("llamacpp"), "b2700");
    REQUIRE(old.release != nullptr);
    CHECK(std::string(old.release->id) == "b4343");
    CHECK(old.older_than_known);
}

TEST_CASE("vLLM, SGLang and transformers versions are releases") {
    CHECK(*parse_release_number("0.6.3") == 6'003);
    CHECK(*parse_release_number("v0.11.0") == 11'000);
    CHECK(*parse_release_number("vllm 0.10.1.post1") == 10'001);
    CHECK(*parse_release_number("transformers==4.38.2") == 4'038'002);
    CHECK(*parse_release_number("5.0") == 5'000'000);
    CHECK(*parse_release_number("0.5.0rc2") == 5'000);
    CHECK_FALSE(parse_release_number("b4343").has_value());
    CHECK_FALSE(parse_release_number("x4.3").has_value());
    CHECK_FALSE(parse_release_number("nightly").has_value());
    CHECK(release_of("vllm", "v0.19.1") == "0.19");
    CHECK(release_of("vllm", "0.18.0") == "0.17");
    CHECK(release_of("sglang", "0.4.9") == "0.4.7");
    CHECK(release_of("sglang", "0.4.6") == "0.3.5");
    CHECK(release_of("sglang", "") == "0.5.20");
    CHECK(release_of("sglang", "0.5.9") == "0.5.4");
    CHECK(release_of("sglang", "v0.5.17") == "0.5.10");
    CHECK(release_of("sglang", "0.5.20") == "0.5.20");
    CHECK(release_of("transformers", "4.38.2") == "4.38");
    CHECK(release_of("transformers", "4.44.2") == "4.42");
    CHECK(release_of("transformers", "4.53.2") == "4.51");
    CHECK(release_of("transformers", "4.56.1") == "4.55");  // 4.55: GPT-OSS model class
    CHECK(release_of("transformers", "5.0") == "4.57");     // 4.57: Qwen3-Next and Olmo3 model classes
    CHECK(release_of("transformers", "") == "5.5");         // 5.5: Gemma 4, the newest row
    CHECK(release_of("transformers", "AutoAWQ 0.1.6") == "autoawq");
}

TEST_CASE("a garbled version is an error naming the field and the accepted forms") {
    Scenario s;
    s.engine = "llamacpp";
    s.weights = "gguf-q4_k_m";
    s.engine_version = "latest";
    std::string error;
    CHECK_FALSE(resolve(s, error).has_value());
    CHECK(error.rfind("engine_version: 'latest' is not a llama.cpp version", 0) == 0);
    CHECK(error.find("version: 8054 (01d8eaa28)") != std::string::npos);
    s.engine = "vllm";
    s.weights = "bf16";
    s.engine_version = "b4343";
    CHECK_FALSE(resolve(s, error).has_value());
    CHECK(error.find("v0.11.0") != std::string::npos);
}

TEST_CASE("the answer names the release it follows, and a version older than any known is a warning") {
    Scenario s;
    s.engine = "vllm";
    Estimate e = estimate(s);
    REQUIRE(e.ok);
    CHECK(e.engine_version.rfind("vLLM 0.29", 0) == 0);  // the newest release the profile lists
    s.engine_version = "0.3.3";  // before vLLM 0.4, the oldest release the profile models
    e = estimate(s);
    REQUIRE(e.ok);
    CHECK(e.engine_version.rfind("vLLM 0.4", 0) == 0);
    bool warned = false;
    for (const auto& w : e.warnings) warned |= w.find("older than 0.4") != std::string::npos;
    CHECK(warned);
}

TEST_CASE("SGLang's default mem_fraction_static follows its release") {
    using fixtures::qwen3_14b;
    // ~0.3.5-0.4.6 (ServerArgs.__post_init__): 0.88 at tp 1, 0.85 at tp 4, 0.81 at tp 8
    for (const auto& [tp, fraction] : {std::pair{1, "0.880"}, {4, "0.850"}, {8, "0.810"}}) {
        const ResolvedScenario r = fixtures::resolved(qwen3_14b(), "sglang", "bf16", fixtures::custom_gpu(79.19), tp, 1, 8192, 0, "0.4.6");
        const Estimate e = estimate(r);
        REQUIRE(e.ok);
        CHECK(e.per_gpu.kv_cache.how.find(std::string("mem_fraction_static ") + fraction) != std::string::npos);
    }
    // PR #7054 (~0.4.7-0.5.3) on an 80 GB GPU: reserve 9.5 + 1 x 1 / 2 = 10 GiB = 10,240 MiB of
    // 79.19 x 1024 = 81,091 MiB -> round(70,851 / 81,091, 3) = 0.874, which SGLang's docs builds of
    // 2025-08-19 and 2025-09-02 ran with (tests/data rows sglang-docs-*-mf0874-*).
    const ResolvedScenario r = fixtures::resolved(qwen3_14b(), "sglang", "bf16", fixtures::custom_gpu(79.19), 1, 1, 8192, 0, "0.5.1");
    const Estimate e = estimate(r);
    REQUIRE(e.ok);
    CHECK(e.per_gpu.kv_cache.how.find("mem_fraction_static 0.874") != std::string::npos);
}

TEST_CASE("the scenario JSON and the share link carry the engine version") {
    Scenario s;
    s.engine = "sglang";
    s.engine_version = "0.4.9";
    const std::string link = encode_share_fragment(s);
    CHECK(link == "v=1&e=sglang&ev=0.4.9");
    const DecodedLink d = decode_share_fragment(link);
    CHECK(d.ignored.empty());
    CHECK(d.scenario.engine == "sglang");
    CHECK(d.scenario.engine_version == "0.4.9");
    // the version before the engine in a hand-written link still applies
    CHECK(decode_share_fragment("v=1&ev=b4343&e=llamacpp").scenario.engine_version == "b4343");
    // a new engine without a version of its own starts at its newest release
    std::vector<std::string> problems;
    Scenario t = s;
    apply_scenario_json(nlohmann::json{{"engine", "llamacpp"}}, t, problems);
    CHECK(problems.empty());
    CHECK(t.engine_version.empty());
    apply_scenario_json(nlohmann::json{{"engine", "vllm"}, {"engine_version", "0.17"}}, t, problems);
    CHECK(t.engine_version == "0.17");
    CHECK(scenario_to_json(t)["engine_version"] == "0.17");
}

TEST_CASE("knobs another engine uses are named as ignored") {
    Scenario s;
    s.engine = "transformers";
    s.cpu_offload_gib = 4;
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    bool named = false;
    for (const auto& w : e.warnings) named |= w.find("cpu_offload_gib is not a transformers setting") != std::string::npos;
    CHECK(named);
}
