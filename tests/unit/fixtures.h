// Hand-built architectures and resolved scenarios the engine tests share. Each architecture is the
// model's config.json as the parser reads it (the fields that matter for memory); the expected values
// in the tests are hand calculations from these numbers.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "core/catalog.h"
#include "core/estimate.h"
#include "core/formats.h"

namespace vramcalc::fixtures {

// A catalog model's architecture (core/data/models.json); a missing id fails the test.
inline const Architecture& catalog_arch(const char* id) {
    const ModelInfo* m = find_model(id);
    REQUIRE_MESSAGE(m != nullptr, id);
    return m->arch;
}

// llama.cpp -ot entries sending the expert tensors of layers first..last to the CPU, as llama-fit-params
// prints them ("blk\.14\.ffn_(up|down|gate)_(ch|)exps=CPU,...").
inline std::string experts_of_layers(int first, int last) {
    std::string ot;
    for (int l = first; l <= last; ++l) ot += (ot.empty() ? "" : ",") + std::string("blk\\.") + std::to_string(l) + "\\.ffn_(up|down|gate)_(ch|)exps=CPU";
    return ot;
}

// LiquidAI LFM2-style config.json (no LFM2 in the catalog): 3 short-conv layers, 1 attention layer,
// hidden 1,024, 16 heads / 8 KV heads of 64, conv_L_cache 3.
inline constexpr const char* kLfm2Config = R"({"model_type": "lfm2", "architectures": ["Lfm2ForCausalLM"], "hidden_size": 1024,
  "num_hidden_layers": 4, "num_attention_heads": 16, "num_key_value_heads": 8, "intermediate_size": 4096,
  "vocab_size": 65536, "max_position_embeddings": 32768, "conv_L_cache": 3,
  "layer_types": ["conv", "conv", "full_attention", "conv"], "torch_dtype": "bfloat16"})";

// meta-llama/Llama-3.1-8B(-Instruct): 32 layers, GQA 32/8 heads of 128, SwiGLU 14336, 128k context.
// `layers` builds a deeper or shallower model of the same shape.
inline Architecture llama31_8b(std::int64_t layers = 32) {
    Architecture a;
    a.model_type = "llama";
    a.hidden_size = 4096;
    a.num_layers = layers;
    a.num_heads = 32;
    a.num_kv_heads = 8;
    a.head_dim = 128;
    a.intermediate_size = 14336;
    a.vocab_size = 128256;
    a.max_context = 131072;
    a.layer_attention.assign(static_cast<std::size_t>(layers), LayerAttention::Full);
    return a;
}

// Qwen/Qwen3-14B: 40 layers, 40/8 heads of 128, per-head q/k norms, 151,936 vocabulary.
inline Architecture qwen3_14b() {
    Architecture a;
    a.model_type = "qwen3";
    a.hidden_size = 5120;
    a.num_layers = 40;
    a.num_heads = 40;
    a.num_kv_heads = 8;
    a.head_dim = 128;
    a.intermediate_size = 17408;
    a.vocab_size = 151936;
    a.max_context = 40960;
    a.qk_norm = true;
    a.layer_attention.assign(40, LayerAttention::Full);
    return a;
}

// EleutherAI/pythia-2.8b as ggml-ci converts it: GPT-NeoX, fused QKV, LayerNorm, biases everywhere.
inline Architecture pythia_2_8b() {
    Architecture a;
    a.model_type = "gpt_neox";
    a.torch_dtype = "float16";
    a.hidden_size = 2560;
    a.num_layers = 32;
    a.num_heads = 32;
    a.num_kv_heads = 32;
    a.head_dim = 80;
    a.intermediate_size = 10240;
    a.vocab_size = 50304;
    a.mlp = MlpKind::Plain;
    a.norm = NormKind::LayerNorm;
    a.fused_qkv = true;
    a.qkv_bias = a.o_bias = a.mlp_bias = true;
    a.layer_attention.assign(32, LayerAttention::Full);
    return a;
}

// deepseek-ai/DeepSeek-V2-Lite's attention: MLA with a 512-wide latent and 64 rope dims, 27 layers
// (the MoE part is left dense here; the tests only look at the cache).
inline Architecture deepseek_v2_lite_attention() {
    Architecture a;
    a.model_type = "deepseek_v2";
    a.hidden_size = 2048;
    a.num_layers = 27;
    a.num_heads = 16;
    a.num_kv_heads = 16;
    a.head_dim = 192;
    a.v_head_dim = 128;
    a.intermediate_size = 10944;
    a.vocab_size = 102400;
    a.kv_lora_rank = 512;
    a.qk_rope_head_dim = 64;
    a.qk_nope_head_dim = 128;
    a.layer_attention.assign(27, LayerAttention::Full);
    return a;
}

// A GPU as the validation rows pass it (--gpu-memory-gib X: a custom GPU of that many GiB).
inline Gpu custom_gpu(double gib) {
    Gpu g;
    g.id = "custom";
    g.name = "Custom GPU";
    g.memory_bytes = gib_to_bytes(gib);
    return g;
}

// A resolved scenario for one engine's accounting, at the engine's newest release unless `version`
// names another. tp x pp GPUs; `util` is gpu_mem_util (vLLM) / mem_fraction_static (SGLang), 0 = default.
inline ResolvedScenario resolved(const Architecture& a, std::string_view engine, const std::string& weights, const Gpu& gpu,
                                 int tp, int pp, std::int64_t context, double util, const std::string& version = "") {
    ResolvedScenario r;
    r.model.id = "test";
    r.model.name = "test model";
    r.model.arch = a;
    const auto wf = find_weight_format(weights);
    REQUIRE(wf.has_value());
    r.weights = *wf;
    r.kv = *find_kv_format("auto");
    r.gpu = gpu;
    r.scenario.engine = std::string(engine);
    r.scenario.engine_version = version;
    r.scenario.tp = tp;
    r.scenario.pp = pp;
    r.scenario.gpus = tp * pp;
    r.scenario.context = context;
    r.scenario.gpu_mem_util = util;
    r.engine = find_engine(engine);
    REQUIRE(r.engine != nullptr);
    const ReleaseChoice c = choose_release(*r.engine, version);
    REQUIRE_MESSAGE(c.release != nullptr, c.error);
    r.release = c.release;
    return r;
}

}  // namespace vramcalc::fixtures
