// Each catalog entry's key fields against its own stored config.json, and what a context beyond the
// native window needs (rope scaling) as the model cards say.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "core/catalog.h"
#include "core/config_parser.h"
#include "core/data/embedded.h"
#include "core/rope_scaling.h"

using namespace vramcalc;

namespace {

const nlohmann::json& text_config(const nlohmann::json& cfg) {
    for (const char* k : {"text_config", "llm_config", "language_config"})
        if (cfg.contains(k) && cfg[k].is_object() && !cfg[k].empty()) return text_config(cfg[k]);
    return cfg;
}

}  // namespace

TEST_CASE("every entry's context, tied embeddings and rope scaling come from its stored config") {
    nlohmann::json raw = nlohmann::json::parse(embedded_models_json(), nullptr, false);
    REQUIRE(raw.is_array());
    int compared = 0;
    for (const auto& e : raw) {
        const std::string id = e.value("id", "");
        CAPTURE(id);
        const ModelInfo* m = find_model(id);
        REQUIRE(m != nullptr);
        const nlohmann::json& cfg = e["config"];
        const nlohmann::json& t = text_config(cfg);
        if (t.contains("max_position_embeddings") && t["max_position_embeddings"].is_number_integer())
            CHECK(m->arch.max_context == t["max_position_embeddings"].get<std::int64_t>());
        const nlohmann::json* tie = t.contains("tie_word_embeddings") ? &t["tie_word_embeddings"]
                                    : cfg.contains("tie_word_embeddings") ? &cfg["tie_word_embeddings"] : nullptr;
        if (tie && tie->is_boolean()) CHECK(m->arch.tied_embeddings == tie->get<bool>());
        if (t.contains("rope_scaling") && t["rope_scaling"].is_object() && t["rope_scaling"].contains("factor")) {
            CHECK(m->arch.rope_scaling.in_config);
            CHECK(m->arch.rope_scaling.factor == doctest::Approx(t["rope_scaling"]["factor"].get<double>()));
        }
        // A card-only scaling never coexists with one the config applies.
        if (e.contains("rope_scaling_card")) CHECK_FALSE(m->arch.rope_scaling.in_config);
        ++compared;
    }
    CHECK(compared == static_cast<int>(raw.size()));
}

TEST_CASE("Qwen2.5-32B-Instruct is 32768 native and reaches 131072 only with the card's YaRN") {
    const ModelInfo* m = find_model("Qwen/Qwen2.5-32B-Instruct");
    REQUIRE(m != nullptr);
    CHECK(m->arch.max_context == 32768);
    CHECK(m->arch.rope_scaling.type == "yarn");
    CHECK(m->arch.rope_scaling.factor == 4.0);
    CHECK(m->arch.rope_scaling.original_max_context == 32768);
    CHECK(context_warning(m->arch, 32768).empty());
    const std::string w = context_warning(m->arch, 65536);
    CHECK(w.find("needs RoPE scaling") != std::string::npos);
    CHECK(w.find("--rope-scaling yarn --rope-scale 4 --yarn-orig-ctx 32768") != std::string::npos);
    CHECK(w.find("--hf-overrides") != std::string::npos);
    // 32,768 x 4 = 131,072 is the scaled limit
    CHECK(context_warning(m->arch, 131072).find("needs RoPE scaling") != std::string::npos);
    CHECK(context_warning(m->arch, 131073).find("exceeds even the scaled window of 131072") != std::string::npos);
}

TEST_CASE("a config that applies its own YaRN needs no flag up to its maximum") {
    const ModelInfo* v2 = find_model("deepseek-ai/DeepSeek-V2");
    REQUIRE(v2 != nullptr);
    CHECK(v2->arch.max_context == 163840);  // 4,096 x 40
    CHECK(v2->arch.rope_scaling.in_config);
    CHECK(context_warning(v2->arch, 163840).empty());
    CHECK(context_warning(v2->arch, 163841).find("trained maximum of 163840") != std::string::npos);
    // rope_parameters (transformers 4.56+) and Gemma 4's per-layer-type form are read too
    ParsedConfig p = parse_hf_config(R"({"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4,
        "num_hidden_layers": 2, "vocab_size": 100, "max_position_embeddings": 65536, "tie_word_embeddings": false,
        "rope_parameters": {"rope_type": "yarn", "factor": 8.0, "original_max_position_embeddings": 8192}})");
    REQUIRE(p.ok);
    CHECK(p.model.arch.rope_scaling.type == "yarn");
    CHECK(p.model.arch.rope_scaling.original_max_context == 8192);
}

TEST_CASE("hostile config values are refused by name and range, never wrapped") {
    auto err = [](const std::string& extra) {
        return parse_hf_config(R"({"hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 32,
            "vocab_size": 32000, "intermediate_size": 11008)" + extra + "}").error;
    };
    CHECK(err(R"(, "num_local_experts": 8, "num_experts_per_tok": 2, "n_shared_experts": 1e6)") ==
          "n_shared_experts 1000000 is out of range (0 to 1000)");
    CHECK(err(R"(, "num_local_experts": 8, "num_experts_per_tok": 2, "shared_expert_intermediate_size": 1e15)")
              .find("shared_expert_intermediate_size") == 0);
    CHECK(err(R"(, "kv_lora_rank": 512, "qk_rope_head_dim": 64, "qk_nope_head_dim": 128, "v_head_dim": 99999999999)") ==
          "v_head_dim 99999999999 is out of range (1 to 100000)");
    CHECK(err(R"(, "kv_lora_rank": 512, "qk_rope_head_dim": 64, "qk_nope_head_dim": 128, "q_lora_rank": -7)") ==
          "q_lora_rank -7 is out of range (0 to 100000)");
    CHECK(err(R"(, "layer_types": ["linear_attention", "full_attention"], "num_hidden_layers": 2,
                  "linear_num_key_heads": 16, "linear_num_value_heads": 1e12, "linear_key_head_dim": 128, "linear_value_head_dim": 128)")
              .find("linear_num_value_heads") == 0);
    CHECK(err(R"(, "num_kv_shared_layers": 32)") == "num_kv_shared_layers 32 must be below num_hidden_layers 32");
    CHECK(err(R"(, "hybrid_override_pattern": "M*")") == "hybrid_override_pattern has 2 blocks, num_hidden_layers is 32");
    // quantization bits of 1e300: read as "not given", no float-to-int overflow
    ParsedConfig q = parse_hf_config(R"({"hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
        "vocab_size": 100, "quantization_config": {"quant_method": "gptq", "bits": 1e300}})");
    REQUIRE(q.ok);
    CHECK(q.model.default_format == "gptq-int4");
    // a huge integer beyond 2^53 is refused with its name, not truncated
    CHECK(err(R"(, "max_position_embeddings": 18446744073709551615)").find("max_position_embeddings") == 0);
}
