#include <doctest/doctest.h>

#include <string>

#include "core/engine_profile.h"
#include "core/scenario_json.h"

using namespace vramcalc;
using nlohmann::json;

TEST_CASE("a scenario survives a JSON round trip") {
    Scenario s;
    s.model = "llama-3.1-70b-instruct";
    s.weights = "awq";
    s.kv_dtype = "fp8";
    s.engine = "llamacpp";
    s.gpu = "rtx-4090";
    s.gpus = 4;
    s.tp = 4;
    s.context = 32768;
    s.batch = 3;
    s.gpu_mem_util = 0.85;
    s.flash_attn = true;
    s.custom_config = R"({"hidden_size":1024})";
    Scenario t;
    std::vector<std::string> problems;
    apply_scenario_json(scenario_to_json(s), t, problems);
    CHECK(problems.empty());
    CHECK(scenario_to_json(t) == scenario_to_json(s));
    CHECK(t.engine == "llamacpp");
    CHECK(t.context == 32768);
}

TEST_CASE("bad scenario fields are named and leave the previous value") {
    Scenario s;
    const auto before = s.context;
    std::vector<std::string> problems;
    apply_scenario_json(json{{"context", "abc"}, {"gpus", -3}, {"engine", "tensorrt"}, {"tp", 2}, {"colour", "red"}},
                        s, problems);
    CHECK(s.context == before);
    CHECK(s.gpus == 1);
    CHECK(s.tp == 2);  // the valid field still applies
    REQUIRE(problems.size() == 4);
    std::string all;
    for (const auto& p : problems) all += p + "\n";
    CHECK(all.find("context") != std::string::npos);
    CHECK(all.find("gpus") != std::string::npos);
    CHECK(all.find("engine") != std::string::npos);
    CHECK(all.find("colour: unknown field") != std::string::npos);
}

TEST_CASE("numbers may arrive as strings, but not as fractions or NaN") {
    Scenario s;
    std::vector<std::string> problems;
    apply_scenario_json(json{{"context", "16384"}, {"gpu_mem_util", "0.9"}}, s, problems);
    CHECK(problems.empty());
    CHECK(s.context == 16384);
    CHECK(s.gpu_mem_util == doctest::Approx(0.9));
    apply_scenario_json(json{{"context", 1.5}, {"batch", "nan"}, {"gpu_mem_util", 2}}, s, problems);
    CHECK(problems.size() == 3);
    CHECK(s.context == 16384);
}

TEST_CASE("engine names parse in the spellings people use") {
    REQUIRE(find_engine("vLLM") != nullptr);
    CHECK(std::string(find_engine("vLLM")->id) == "vllm");
    CHECK(std::string(find_engine("llama.cpp")->id) == "llamacpp");
    CHECK(std::string(find_engine("ollama")->id) == "llamacpp");
    CHECK(std::string(find_engine("SGLang")->id) == "sglang");
    CHECK(find_engine("trt") == nullptr);
}
