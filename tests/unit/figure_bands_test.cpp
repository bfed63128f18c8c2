// The Breakdown's error bands (web/figure_bands.h): each estimated figure carries the band of its
// engine, figure and kind of model from the generated table (core/logs/error_band_table.cpp), the
// calibration's own band once a log's figure replaced ours, and getResult's JSON has them too.
#include <doctest/doctest.h>

#include "core/logs/error_bands.h"
#include "web/compute.h"

using namespace vramcalc;
using namespace vramcalc::web;

namespace {

AppState shown(Scenario s) {
    AppState st;
    st.scenario = std::move(s);
    refresh(st);
    REQUIRE(st.result.ok);
    return st;
}

}  // namespace

TEST_CASE("Breakdown bands: a dense model on vLLM takes the dense rows' bands") {
    Scenario s;
    s.engine = "vllm";
    s.model = "qwen2.5-7b-instruct";
    s.engine_version = "0.19";  // the newest release the rows measured: the table's bands as they are
    const AppState st = shown(s);
    const auto weights = error_band("vllm", "weights", "dense");
    REQUIRE(weights);
    REQUIRE(st.bands.weights);
    CHECK(st.bands.weights->text == band_text(*weights));
    CHECK(st.bands.weights->tooltip.find("dense") != std::string::npos);
    REQUIRE(st.bands.kv_cache);
    CHECK(st.bands.kv_cache->text == band_text(*error_band("vllm", "kv_cache", "dense")));
    REQUIRE(st.bands.activation);
    // The newest release takes its CUDA-graph estimate from the KV budget: that band is wider and says
    // why (its numbers: vllm_releases_test.cpp); the weights' band is the measured one still.
    s.engine_version = "";
    const AppState now = shown(s);
    REQUIRE(now.bands.kv_cache);
    CHECK(now.bands.kv_cache->tooltip.find("widened by") != std::string::npos);
    CHECK(now.bands.kv_cache->tooltip.find("CUDA-graph estimate") != std::string::npos);
    REQUIRE(now.bands.weights);
    CHECK(now.bands.weights->text == band_text(*weights));
}

TEST_CASE("Breakdown bands: llama.cpp's are its buffers; a calibrated compute buffer takes the log's precision") {
    Scenario s;
    s.engine = "llamacpp";
    s.model = "qwen2.5-7b-instruct";
    s.weights = "gguf-q4_k_m";
    AppState st = shown(s);
    REQUIRE(st.bands.weights);
    CHECK(st.bands.weights->text == band_text(*error_band("llamacpp", "model_buffer", "dense")));
    REQUIRE(st.bands.activation);
    CHECK(st.bands.activation->text == band_text(*error_band("llamacpp", "compute_buffer", "dense")));
    // Calibrated from a log's "compute buffer size = 398.38 MiB": its band is half the last printed
    // digit, 0.005 / 398.38 = 0.00126% (core/logs/error_bands.h calibrated_band).
    st.scenario.cal_compute_mib = 398.38;
    refresh(st);
    REQUIRE(st.result.ok);
    REQUIRE(st.bands.activation);
    const auto cal = calibrated_band(st.scenario, "compute_buffer");
    REQUIRE(cal);
    CHECK(cal->high == doctest::Approx(0.005 / 398.38).epsilon(1e-6));
    CHECK(st.bands.activation->text == band_text(*cal));
}

TEST_CASE("getResult's JSON carries the bands, as estimate --json does") {
    Scenario s;
    s.engine = "vllm";
    s.model = "qwen2.5-7b-instruct";
    AppState st = shown(s);
    const nlohmann::json j = result_json_with_answers(st);
    REQUIRE(j.contains("error_bands"));
    REQUIRE(j["error_bands"].contains("weights"));
    CHECK(j["error_bands"]["weights"]["low_bytes"].get<double>() > 0);
    CHECK(j["error_bands"]["weights"]["high_bytes"].get<double>() >= j["error_bands"]["weights"]["low_bytes"].get<double>());
}
