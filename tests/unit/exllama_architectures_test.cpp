// Which models the ExLlama profiles answer (the architectures their releases load) and the ExLlamaV3
// cache layouts beyond plain paged K/V. Lists: exllamav2/architecture.py at da07facd (0.3.2),
// exllamav3/architecture/architectures.py at 4f8ad012 (1.4.1). Cache sizes are hand calculations
// from exllamav3 at 4f8ad012: cache/fp16.py and cache/quant.py (paged K/V), cache/mla.py (latent +
// rope key), modules/sliding_attn.py SWALayerState, modules/gated_delta_net.py GDNLayerState (also
// used by modules/mamba2.py); TabbyAPI backends/exllamav3/model.py at e632af41: max_batch_size
// defaults to 4 for models with recurrent states.
#include <doctest/doctest.h>

#include <string>

#include "core/estimate.h"
#include "core/formats.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

Scenario catalog_scenario(const char* id, const char* engine) {
    Scenario s;
    s.model = id;
    s.engine = engine;
    s.weights = "bf16";
    s.gpu_memory_gib = 141;
    s.gpus = 8;
    s.context = 8192;
    return s;
}

bool has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// One GPU large enough for every module, so the GPU's cache figure is the whole cache.
Estimate on_one_gpu(const char* id, const char* engine, std::int64_t context, const char* kv = "auto") {
    ResolvedScenario r = fixtures::resolved(fixtures::catalog_arch(id), engine, "bf16", fixtures::custom_gpu(4000.0), 1, 1, context, 0);
    const auto k = find_kv_format(kv);
    REQUIRE(k.has_value());
    r.kv = *k;
    r.scenario.kv_dtype = kv;
    return estimate(r);
}

bool any_warning(const Estimate& e, const char* part) {
    for (const std::string& w : e.warnings)
        if (has(w, part)) return true;
    return false;
}

}  // namespace

TEST_CASE("ExLlama: a model whose architecture the release lists answers on both") {
    for (const char* engine : {"exllamav2", "exllamav3"}) {
        const Estimate e = estimate(catalog_scenario("qwen3-14b", engine));  // Qwen3ForCausalLM: in both lists
        INFO(engine << ": " << e.error);
        CHECK(e.ok);
    }
}

TEST_CASE("ExLlamaV2 0.3.2 refuses Qwen3-Next, naming the release, the architecture and who answers it") {
    const Estimate e = estimate(catalog_scenario("qwen3-next-80b-a3b-instruct", "exllamav2"));
    REQUIRE_FALSE(e.ok);
    INFO(e.error);
    CHECK(has(e.error, "ExLlamaV2 0.3.2 does not load Qwen3NextForCausalLM"));
    CHECK(has(e.error, "exllamav2/architecture.py at da07facd"));
    CHECK(has(e.error, "vLLM"));
    CHECK(has(e.error, "ExLlamaV3"));   // 1.4.1 lists Qwen3NextForCausalLM
    CHECK(e.error_field == ErrorField::Model);
}

TEST_CASE("Granite 4.0-H (GraniteMoeHybridForCausalLM) is in neither ExLlama list") {
    for (const char* engine : {"exllamav2", "exllamav3"}) {
        const Estimate e = estimate(catalog_scenario("granite-4.0-h-small", engine));
        INFO(engine << ": " << e.error);
        CHECK_FALSE(e.ok);
        CHECK(has(e.error, "does not load GraniteMoeHybridForCausalLM"));
        const std::size_t others = e.error.find("; ");
        REQUIRE(others != std::string::npos);
        CHECK(has(e.error.substr(others), "vLLM"));
        CHECK_FALSE(has(e.error.substr(others), "ExLlama"));  // the other ExLlama does not load it either
    }
}

TEST_CASE("ExLlamaV3 1.4.1 refuses Gemma 3n and the Gemma 4 E-models as not loaded, not as unmodelled") {
    for (const char* id : {"gemma-3n-e2b-it", "gemma-4-e4b-it"}) {
        const Estimate e = estimate(catalog_scenario(id, "exllamav3"));
        INFO(id << ": " << e.error);
        CHECK_FALSE(e.ok);
        CHECK(has(e.error, "ExLlamaV3 1.4.1 does not load Gemma 3n or the Gemma 4 E-models"));
        CHECK(has(e.error, "E2B/E4B currently not supported"));
        CHECK_FALSE(has(e.error, "does not model"));
    }
}

TEST_CASE("the loaders read the top-level architectures[0], not the text_config's") {
    // Kimi K2.5: KimiK25ForConditionalGeneration on top, DeepseekV3ForCausalLM in text_config.
    CHECK(fixtures::catalog_arch("kimi-k2.5").architecture == "KimiK25ForConditionalGeneration");
    const Estimate e = estimate(catalog_scenario("kimi-k2.5", "exllamav3"));
    CHECK(has(e.error, "ExLlamaV3 1.4.1 does not load KimiK25ForConditionalGeneration"));
}

TEST_CASE("ExLlama: a config without architectures answers with a note; an unknown one is refused") {
    Architecture a = fixtures::llama31_8b();
    REQUIRE(a.architecture.empty());
    for (const char* engine : {"exllamav2", "exllamav3"}) {
        const Estimate e = estimate(fixtures::resolved(a, engine, "bf16", fixtures::custom_gpu(80.0), 1, 1, 8192, 0));
        INFO(engine << ": " << e.error);
        CHECK(e.ok);
        CHECK(any_warning(e, "names no architectures"));
    }
    a.architecture = "MyLlamaForCausalLM";
    // ExLlamaV3 asserts the name is in its list; ExLlamaV2 loads it as LlamaForCausalLM (a Llama-shaped model).
    const Estimate v3 = estimate(fixtures::resolved(a, "exllamav3", "bf16", fixtures::custom_gpu(80.0), 1, 1, 8192, 0));
    CHECK(has(v3.error, "ExLlamaV3 1.4.1 does not load MyLlamaForCausalLM"));
    const Estimate v2 = estimate(fixtures::resolved(a, "exllamav2", "bf16", fixtures::custom_gpu(80.0), 1, 1, 8192, 0));
    CHECK(v2.ok);
    CHECK(any_warning(v2, "loads it as LlamaForCausalLM"));
    Architecture q = fixtures::qwen3_14b();  // per-head q/k norms: not Llama's layers
    q.architecture = "MyQwenForCausalLM";
    const Estimate v2q = estimate(fixtures::resolved(q, "exllamav2", "bf16", fixtures::custom_gpu(80.0), 1, 1, 8192, 0));
    CHECK(has(v2q.error, "ExLlamaV2 0.3.2 does not load MyQwenForCausalLM"));
}

TEST_CASE("ExLlamaV3: Qwen3-Next keeps paged K/V on its 12 attention layers and a GDN state per slot on the 36 others") {
    // Full layers (every 4th of 48): 2 KV heads x (256 + 256) x 2 B = 2,048 B per token; 8,192 tokens
    // -> 16,777,216 B each, x 12 = 201,326,592.
    // GDNLayerState per slot: conv bf16 fdim_qkv x kernel = (2 x 16 x 128 + 32 x 128) x 4 x 2 = 8,192 x 8
    // = 65,536 B; recurrent fp32 32 x 128 x 128 x 4 = 2,097,152 B; 2,162,688 B x 4 slots x 36 = 311,427,072.
    const Estimate e = on_one_gpu("qwen3-next-80b-a3b-instruct", "exllamav3", 8192);
    REQUIRE_MESSAGE(e.ok, e.error);
    CHECK(e.per_gpu.kv_cache.bytes == 201326592LL + 311427072LL);
}

TEST_CASE("ExLlamaV3: Qwen3.5 27B, 16 attention layers and 48 Gated DeltaNet layers") {
    // Full: 4 KV heads x 512 x 2 B = 4,096 B per token x 8,192 x 16 = 536,870,912.
    // GDN per slot: (2 x 16 x 128 + 48 x 128) x 4 x 2 = 10,240 x 8 = 81,920 B + 48 x 128 x 128 x 4
    // = 3,145,728 B -> 3,227,648 B x 4 slots x 48 = 619,708,416.
    const Estimate e = on_one_gpu("qwen3.5-27b", "exllamav3", 8192);
    REQUIRE_MESSAGE(e.ok, e.error);
    CHECK(e.per_gpu.kv_cache.bytes == 536870912LL + 619708416LL);
}

TEST_CASE("ExLlamaV3: Gemma 4 31B pages its full layers at 512-wide heads; sliding layers keep an fp16 ring per slot") {
    // 10 full layers: 4 global KV heads x (512 + 512) x 2 B = 8,192 B per token (K is stored as V too:
    // CacheLayer_fp16 allocates both) x 32,768 tokens x 10 = 2,684,354,560.
    // 50 sliding layers: kv_state_size = (1,024 + 512) rounded up to 256 = 1,536 tokens; K + V fp16 of
    // 16 heads x 256 = 1,536 x 16 x 256 x 2 x 2 = 25,165,824 B per slot, x 4 slots x 50 = 5,033,164,800.
    const Estimate e = on_one_gpu("gemma-4-31b-it", "exllamav3", 32768);
    REQUIRE_MESSAGE(e.ok, e.error);
    CHECK(e.per_gpu.kv_cache.bytes == 2684354560LL + 5033164800LL);
    // Q4 (cache/quant.py): token_dim 4 x 512 = 2,048; K = 2,048 / 32 x 4 int32 = 1,024 B + 64 fp16 scales
    // = 128 B -> 1,152 B, V the same: 2,304 B per token x 32,768 x 10 = 754,974,720; the rings stay fp16.
    const Estimate q4 = on_one_gpu("gemma-4-31b-it", "exllamav3", 32768, "q4");
    REQUIRE_MESSAGE(q4.ok, q4.error);
    CHECK(q4.per_gpu.kv_cache.bytes == 754974720LL + 5033164800LL);
}

TEST_CASE("ExLlamaV3: gpt-oss 20B's 128-token sliding layers keep 768-token rings") {
    // 12 full layers: 8 KV heads x (64 + 64) x 2 B = 2,048 B per token x 8,192 x 12 = 201,326,592.
    // 12 sliding: (128 + 512) rounded up to 256 = 768 tokens x 8 x 64 x 2 x 2 = 1,572,864 B per slot x 4 x 12
    // = 75,497,472.
    const Estimate e = on_one_gpu("gpt-oss-20b", "exllamav3", 8192);
    REQUIRE_MESSAGE(e.ok, e.error);
    CHECK(e.per_gpu.kv_cache.bytes == 201326592LL + 75497472LL);
}

TEST_CASE("ExLlamaV3: Nemotron 3 Nano, 23 Mamba-2 layers as GDN states, 6 attention layers, 23 MoE blocks with no cache") {
    // Attention ('*'): 2 KV heads x 256 x 2 B = 1,024 B per token x 8,192 x 6 = 50,331,648.
    // Mamba-2 ('M', GDNLayerState): fdim = 64 x 64 + 2 x 8 x 128 = 6,144; conv 6,144 x 4 x 2 = 49,152 B;
    // state 64 heads x 128 (d_state) x 64 (head dim) x 4 = 2,097,152 B; 2,146,304 B x 4 slots x 23 = 197,459,968.
    const Estimate e = on_one_gpu("nvidia-nemotron-3-nano-30b-a3b", "exllamav3", 8192);
    REQUIRE_MESSAGE(e.ok, e.error);
    CHECK(e.per_gpu.kv_cache.bytes == 50331648LL + 197459968LL);
}

TEST_CASE("ExLlamaV3: DeepSeek V3's MLA cache is the latent and the rope key; Q4 packs only the latent") {
    // fp16: (512 + 64) x 2 = 1,152 B per token and layer (the figure cache/mla.py's docstring gives)
    // x 8,192 x 61 layers = 575,668,224.
    const Estimate e = on_one_gpu("deepseek-v3", "exllamav3", 8192);
    REQUIRE_MESSAGE(e.ok, e.error);
    CHECK(e.per_gpu.kv_cache.bytes == 575668224LL);
    // Q4 (CacheLayer_MLA_quant): latent 512 x (4 + 0.5) / 8 = 288 B + rope key fp16 64 x 2 = 128 B
    // = 416 B x 8,192 x 61 = 207,880,192.
    const Estimate q4 = on_one_gpu("deepseek-v3", "exllamav3", 8192, "q4");
    REQUIRE_MESSAGE(q4.ok, q4.error);
    CHECK(q4.per_gpu.kv_cache.bytes == 207880192LL);
}

TEST_CASE("ExLlamaV3: Olmo-Hybrid is listed but not modelled, and says so") {
    Architecture a = fixtures::llama31_8b(8);
    a.architecture = "OlmoHybridForCausalLM";
    a.layer_attention.assign(8, LayerAttention::Linear);
    a.layer_attention[3] = a.layer_attention[7] = LayerAttention::Full;
    const Estimate e = estimate(fixtures::resolved(a, "exllamav3", "bf16", fixtures::custom_gpu(80.0), 1, 1, 8192, 0));
    CHECK_FALSE(e.ok);
    CHECK(has(e.error, "does not model Olmo-Hybrid"));
    a.architecture = "Qwen3NextForCausalLM";  // linear layers without their sizes
    const Estimate q = estimate(fixtures::resolved(a, "exllamav3", "bf16", fixtures::custom_gpu(80.0), 1, 1, 8192, 0));
    CHECK(has(q.error, "cannot size this model's linear-attention state"));
}
