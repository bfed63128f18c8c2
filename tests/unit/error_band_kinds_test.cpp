// Error bands per kind of model and after a calibration (core/logs/error_bands.h). The kinds come from
// the catalog's configs; the calibrated bands are hand calculations from the print precision.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "core/estimate.h"
#include "core/logs/error_bands.h"
#include "core/logs/log_reader.h"
#include "core/logs/reconcile.h"
#include "core/logs/reconcile_json.h"

using namespace vramcalc;

namespace {

std::string kind_of(const char* model, const char* engine = "vllm") {
    Scenario s;
    s.model = model;
    s.engine = engine;
    return band_kind(s);
}

}  // namespace

TEST_CASE("a model's kind for its error band: hybrid, vision, MoE, dense") {
    CHECK(kind_of("qwen3-8b") == "dense");
    CHECK(kind_of("qwen3-30b-a3b") == "moe");                  // num_experts 128
    CHECK(kind_of("qwen3-next-80b-a3b-instruct") == "hybrid");  // Gated DeltaNet layers (and MoE: hybrid wins)
    CHECK(kind_of("qwen2.5-vl-7b-instruct") == "vision");       // vision_config
    CHECK(kind_of("no-such-model").empty());
}

TEST_CASE("partial offload: llama.cpp -ngl below the layer count, --n-cpu-moe, -ot") {
    Scenario s;
    s.model = "qwen3-8b";  // 36 layers; llama.cpp offloads 37 with the output layer
    s.engine = "llamacpp";
    s.weights = "gguf-q4_k_m";
    CHECK(band_kind(s) == "dense");
    s.gpu_layers = 20;
    CHECK(band_kind(s) == "partial_offload");
    s.gpu_layers = -1;
    s.n_cpu_moe = 4;
    CHECK(band_kind(s) == "partial_offload");
    s.n_cpu_moe = 0;
    s.override_tensor = "\\.ffn_.*_exps\\.=CPU";
    CHECK(band_kind(s) == "partial_offload");
    s.engine = "vllm";  // vLLM keeps the model on the GPU (cpu-offload-gb is not a scenario field)
    s.weights = "bf16";
    CHECK(band_kind(s) == "dense");
}

TEST_CASE("a kind with its own rows gets its band; too few rows: the engine-wide band, saying so") {
    const auto dense = error_band("vllm", "weights", "dense");
    REQUIRE(dense);
    CHECK(dense->kind == "dense");
    CHECK(dense->rows >= kMinKindRows);
    CHECK(band_label(*dense) == "dense models, " + std::to_string(dense->rows) + " rows");
    // Two hybrid (SSM / linear attention) rows are scored for vLLM (tests/data/measurements.json:
    // Granite-4.0-H-1B on an RTX 3060, Qwen3.5-9B on an L40S), below the 3 a band needs: the
    // engine-wide band stands in.
    const auto hybrid = error_band("vllm", "weights", "hybrid");
    const auto all = error_band("vllm", "weights");
    REQUIRE(hybrid);
    REQUIRE(all);
    CHECK(hybrid->kind.empty());
    CHECK(hybrid->asked_kind == "hybrid");
    CHECK(hybrid->kind_rows == 2);
    CHECK(hybrid->rows == all->rows);
    CHECK(hybrid->low == all->low);
    CHECK(band_label(*hybrid) == "all " + std::to_string(all->rows) + " rows of the engine (2 hybrid rows: too few for their own band)");
    // SGLang's MoE weights: one row (tests/data/measurements.json), below the 3 a band needs.
    const auto moe = error_band("sglang", "weights", "moe");
    REQUIRE(moe);
    CHECK(moe->asked_kind == "moe");
    CHECK(moe->kind_rows == 1);
}

TEST_CASE("after calibrating, a replaced figure's band is the log's print precision (hand calculation)") {
    Scenario s;
    s.model = "codellama-7b-hf";
    s.engine = "vllm";
    // vLLM printed "torch peak memory increase: 0.77GiB": the true value lies within 0.77 +- 0.005 GiB,
    // so our calibrated figure (0.77) is off by at most 0.005 / 0.77 = 0.649% either way.
    s.cal_activation_gib = 0.77;
    const auto act = calibrated_band(s, "activation");
    REQUIRE(act);
    CHECK(act->kind == "calibrated");
    CHECK(act->low == doctest::Approx(-0.0064935).epsilon(1e-4));
    CHECK(act->high == doctest::Approx(0.0064935).epsilon(1e-4));
    // As a range: the real figure is 1/(1 + 0.0064935) = 0.99355 .. 1/(1 - 0.0064935) = 1.00654 of ours.
    CHECK(band_text(*act) == "+0.7% / -0.6%");
    CHECK_FALSE(calibrated_band(s, "kv_cache"));  // the KV cache was not replaced: it keeps the population band
    CHECK(scenario_band(s, "kv_cache", "dense")->kind == "dense");
    // llama.cpp printed "CUDA0 compute buffer size = 169.55 MiB": +-0.005 / 169.55 = 0.00295%.
    Scenario l;
    l.engine = "llamacpp";
    l.cal_compute_mib = 169.55;
    const auto cb = calibrated_band(l, "compute_buffer");
    REQUIRE(cb);
    CHECK(cb->high == doctest::Approx(0.005 / 169.55));
    CHECK(cb->low == doctest::Approx(-0.005 / 169.55));
    CHECK_FALSE(calibrated_band(l, "activation"));
}

TEST_CASE("the estimate's error_bands JSON names each band's kind, and a calibration's own") {
    Scenario s;
    s.model = "qwen3-8b";
    s.engine = "vllm";
    s.gpu = "h100-sxm";
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    nlohmann::json j = error_bands_json(s, e);
    CHECK(j["weights"]["kind"] == "dense");
    CHECK(j["weights"]["label"].get<std::string>().find("dense models") == 0);
    s.cal_activation_gib = 0.50;  // +-0.005 / 0.50 = 1%
    j = error_bands_json(s, estimate(s));
    CHECK(j["activation"]["kind"] == "calibrated");
    CHECK(j["activation"]["high"].get<double>() == doctest::Approx(0.01));
    CHECK(j["kv_cache"]["kind"] == "dense");
    // The engine-only form stays engine-wide, as before.
    CHECK(error_bands_json("vllm", e)["weights"]["kind"] == "all");
}
