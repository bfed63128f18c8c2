// ExLlamaV3 1.4.1 (turboderp-org/exllamav3 at 4f8ad012, 2026-08-08) as TabbyAPI loads it
// (theroyallab/tabbyAPI backends/exllamav3/model.py at e632af41, 2026-08-13). What it allocates, per GPU:
//   - weights: EXL3 linear layers as LinearEXL3 (modules/quant/exl3.py: an int16 trellis at K bits per
//     weight plus fp16 sign vectors suh [in] and svh [out]), the head at --head_bits
//     (conversion/convert_model.py default 6), norms fp16; the embedding has caps prefer_cpu
//     (modules/embedding.py) and loads into CPU memory.
//   - cache: Cache(max_num_tokens = cache_size), one page table shared by every sequence (PAGE_SIZE 256,
//     constants.py; cache_size must be a multiple of it). TabbyAPI: max_seq_len defaults to the model's
//     max_position_embeddings and cache_size to max_seq_len. cache/fp16.py: K and V fp16;
//     cache/quant.py CacheLayer_quant: token_dim / 32 x k_bits int32 words for K (k_bits per value),
//     the same for V, and one fp16 scale per 32 values for each: k_bits + 0.5 and v_bits + 0.5 bits.
//     TabbyAPI maps Q4/Q6/Q8 to 4,4 / 6,6 / 8,8. Quantized layers hand their packed tensors to the
//     attention kernel (attention_fn/dispatch.py) when the head size is a power of two up to 512;
//     otherwise get_kv dequantizes a whole layer into fp16 K/V first.
//   - recurrent layers (Qwen3-Next, ...): one state per batch slot; TabbyAPI max_batch_size defaults
//     to 4 for such models.
//   - the forward of a chunk: model_ls.py _load_autosplit forwards a (1, chunk_size) dummy state
//     through every module as it loads, so a layer's activations at chunk_size must fit beside it.
//   - autosplit (several GPUs): set_memory_fraction_reserve keeps reserve_per_device free: TabbyAPI
//     autosplit_reserve [96] MiB on GPU 0, model.py load_gen pads the rest with 0.5 GiB.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "../cache_support.h"
#include "../engine_profile.h"
#include "../format_types.h"
#include "../kv_cache.h"
#include "../layer_split.h"
#include "../tabby_autosplit.h"
#include "../tabby_config.h"
#include "../text.h"

namespace vramcalc {

const EngineProfile& engine_profile_exllamav3();

namespace {

constexpr std::int64_t kMaxOutputSize = 32; // model.py load_gen max_output_size default (logits rows)
constexpr double kOtherGpuReserveGiB = 0.5; // model.py load_gen: devices past the list keep 0.5 GB

std::int64_t round_up(std::int64_t x, std::int64_t m) { return (x + m - 1) / m * m; }

TabbyCacheMode cache_bits(const KvFormat& kv) {
    if (kv.id == "auto" || kv.id == "fp16" || kv.id == "bf16") return {16, 16, "FP16", false};
    if (kv.id == "q8") return {8.5, 8.5, "Q8", true};
    if (kv.id == "q6") return {6.5, 6.5, "Q6", true};
    if (kv.id == "q4") return {4.5, 4.5, "Q4", true};
    if (kv.id.size() == 4 && kv.id[0] == 'k' && kv.id[2] == 'v')  // k<K>v<V>: cache_mode "K,V"
        return {kv.id[1] - '0' + 0.5, kv.id[3] - '0' + 0.5, std::string(1, kv.id[1]) + "," + kv.id[3], true};
    return {};
}


// The architectures[0] strings ExLlamaV3 1.4.1 loads: the config classes' arch_string of the models in
// ARCHITECTURES (exllamav3/architecture/architectures.py at 4f8ad012); model/config.py asserts the
// config's architectures[0] is one of them ("Unknown architecture").
constexpr const char* kArchitectures[] = {
    "ArceeForCausalLM", "AfmoeForCausalLM", "ApertusForCausalLM", "CohereForCausalLM", "Cohere2ForCausalLM",
    "DeciLMForCausalLM", "DeepseekV3ForCausalLM", "DeepseekV4ForCausalLM", "DFlashDraftModel", "DFlashLagunaForCausalLM",
    "Dots1ForCausalLM", "Ernie4_5_ForCausalLM", "Ernie4_5_MoeForCausalLM", "Exaone4ForCausalLM", "Gemma2ForCausalLM",
    "Gemma3ForConditionalGeneration", "Gemma3ForCausalLM", "Gemma4ForConditionalGeneration",
    "Gemma4UnifiedForConditionalGeneration", "Glm4ForCausalLM", "Glm4MoeForCausalLM", "Glm4vForConditionalGeneration",
    "Glm4vMoeForConditionalGeneration", "GptOssForCausalLM", "HCXVisionV2ForCausalLM", "HYV3ForCausalLM",
    "HyperCLOVAXForCausalLM", "IQuestCoderForCausalLM", "LagunaForCausalLM", "Lfm2MoeForCausalLM", "LlamaForCausalLM",
    "MiMoForCausalLM", "MiniMaxM2ForCausalLM", "Ministral3ForCausalLM", "MistralForCausalLM",
    "Mistral3ForConditionalGeneration", "MixtralForCausalLM", "NanoChatForCausalLM", "NemotronHForCausalLM",
    "Olmo3ForCausalLM", "OlmoHybridForCausalLM", "Phi3ForCausalLM", "Qwen2ForCausalLM", "Qwen2_5_VLForConditionalGeneration",
    "Qwen3ForCausalLM", "Qwen3_5ForCausalLM", "Qwen3_5MoeForCausalLM", "Qwen3_5ForConditionalGeneration",
    "Qwen3_5MoeForConditionalGeneration", "Qwen3MoeForCausalLM", "Qwen3NextForCausalLM", "Qwen3VLForConditionalGeneration",
    "Qwen3VLMoeForConditionalGeneration", "SeedOssForCausalLM", "SmolLM3ForCausalLM", "SolarOpenForCausalLM",
    "Step3p5ForCausalLM", "Step3p7ForConditionalGeneration",
};

// Architectures whose sliding layers are SlidingAttention modules (architecture/gemma4.py, gpt_oss.py,
// laguna.py, step3_5.py, step3_7.py, afmoe.py at 4f8ad012; TabbyAPI never sets swa_full): each keeps a
// recurrent SWALayerState per batch slot instead of pages in the paged cache.
constexpr const char* kSlidingStateArchitectures[] = {
    "Gemma4ForConditionalGeneration", "Gemma4UnifiedForConditionalGeneration", "GptOssForCausalLM", "LagunaForCausalLM",
    "Step3p5ForCausalLM", "Step3p7ForConditionalGeneration", "AfmoeForCausalLM",
};

template <std::size_t N>
bool listed(const char* const (&list)[N], const std::string& arch) {
    return std::any_of(std::begin(list), std::end(list), [&](const char* x) { return arch == x; });
}

bool sliding_state(const Architecture& a) { return listed(kSlidingStateArchitectures, a.architecture); }

LayerAttention attention_of(const Architecture& a, std::int64_t l) {
    const auto i = static_cast<std::size_t>(l);
    return i < a.layer_attention.size() ? a.layer_attention[i] : LayerAttention::Full;
}

// modules/sliding_attn.py SWALayerState: fp16 K and V of kv_state_size tokens per slot, where
// kv_state_size = the window + sliding_window_overp (2 pages = 512, the default every caller keeps)
// rounded up to whole 256-token pages. Not quantized by the cache mode.
double sliding_state_bytes(const Architecture& a, std::int64_t l) {
    const std::int64_t tokens = round_up(std::max<std::int64_t>(1, a.sliding_window) + 512, 256);
    return 2.0 * 2.0 * static_cast<double>(tokens) * static_cast<double>(a.layer_kv_heads(l)) *
           static_cast<double>(a.layer_head_dim(l));
}

// modules/gated_delta_net.py GDNLayerState (Mamba-2 layers reuse it, modules/mamba2.py): per slot a
// bfloat16 conv state of fdim_qkv x conv_kernel_size (the whole kernel; + max_history, 0 without a
// draft model) and a float32 recurrent state of v_heads x k_head_dim x v_head_dim.
double recurrent_state_bytes(const Architecture& a) {
    double fdim = 0, state = 0;
    if (a.linear_key_heads > 0 && a.linear_value_heads > 0) {  // Gated DeltaNet (Qwen3-Next, Qwen3.5)
        const double k = static_cast<double>(a.linear_key_heads * a.linear_key_head_dim);
        const double v = static_cast<double>(a.linear_value_heads * a.linear_value_head_dim);
        fdim = 2 * k + v;
        state = v * static_cast<double>(a.linear_key_head_dim);
    } else if (a.mamba_heads > 0) {  // Mamba-2: v heads = SSM heads, k head dim = d_state, fdim = x, B, C
        fdim = static_cast<double>(a.mamba_d_inner + 2 * a.mamba_groups * a.mamba_d_state);
        state = static_cast<double>(a.mamba_d_inner) * static_cast<double>(a.mamba_d_state);
    } else {
        return static_cast<double>(a.linear_state_bytes_per_layer);
    }
    return fdim * static_cast<double>(std::max<std::int64_t>(1, a.linear_conv_kernel)) * 2.0 + state * 4.0;
}

// Bytes of each decoder layer's cache: paged K/V of `tokens` (cache/fp16.py, cache/quant.py; MLA
// cache/mla.py: the latent at the K bits, the rope key fp16) or recurrent states of `slots`.
std::vector<double> cache_per_layer(const Architecture& a, const TabbyCacheMode& bits, std::int64_t tokens, std::int64_t slots) {
    std::vector<double> out;
    const double T = static_cast<double>(tokens), S = static_cast<double>(slots);
    for (std::int64_t l = 0; l < a.num_layers; ++l) {
        const LayerAttention la = attention_of(a, l);
        if (la == LayerAttention::Linear) out.push_back(S * recurrent_state_bytes(a));
        else if (la == LayerAttention::Sliding && sliding_state(a)) out.push_back(S * sliding_state_bytes(a, l));
        else if (a.is_mla() && la != LayerAttention::None)
            out.push_back(T * (static_cast<double>(a.kv_lora_rank) * bits.k / 8.0 + static_cast<double>(a.qk_rope_head_dim) * 2.0));
        else out.push_back(kv_bytes_per_token_layer(a, l, 1, 16.0) * (bits.k + bits.v) / 32.0 * T);
    }
    return out;
}

bool has_recurrent_layers(const Architecture& a) {
    for (std::int64_t l = 0; l < a.num_layers; ++l)
        if (attention_of(a, l) == LayerAttention::Linear || (attention_of(a, l) == LayerAttention::Sliding && sliding_state(a)))
            return true;
    return a.linear_state_bytes_per_layer > 0;
}

// TabbyAPI adjust_chunk_size: at least 256, rounded up to 256.
std::int64_t chunk_tokens(const Scenario& s) { return round_up(std::max<std::int64_t>(256, s.chunk_size > 0 ? s.chunk_size : 2048), 256); }

// TabbyAPI: max_batch_size defaults to 4 for models with recurrent states, else 128.
std::int64_t batch_slots(const Scenario& s, bool recurrent) { return s.batch > 1 ? s.batch : (recurrent ? 4 : 128); }

bool power_of_two(std::int64_t x) { return x > 0 && (x & (x - 1)) == 0; }

struct Sizes {
    TabbyCacheMode bits;
    std::int64_t tokens = 0, chunk = 0, slots = 0;
    double dequant = 0, forward = 0, logits = 0;
};

Sizes sizes(const ResolvedScenario& r) {
    const Architecture& a = r.model.arch;
    const Scenario& s = r.scenario;
    Sizes z;
    z.bits = cache_bits(r.kv);
    z.tokens = tabby_cache_size(s);
    z.chunk = chunk_tokens(s);
    z.slots = batch_slots(s, has_recurrent_layers(a));
    const double T = static_cast<double>(z.chunk), H = static_cast<double>(a.hidden_size), hd = static_cast<double>(a.head_dim);
    // MLA's packed latent is read online by its own kernels (cache/mla.py CacheLayer_MLA_quant): no fp16 copy.
    if (z.bits.quantized && !a.is_mla() && !(power_of_two(a.head_dim) && a.head_dim <= 512)) {
        double widest = 0;
        for (std::int64_t l = 0; l < a.num_layers; ++l) widest = std::max(widest, kv_bytes_per_token_layer(a, l, 1, 16.0));
        z.dequant = widest * static_cast<double>(z.tokens);
    }
    // One layer's fp16 activations at chunk_size: the widest of q/k/v and the MLP's gate and up
    // outputs, beside three hidden-sized states (residual, normed input, output).
    const double inter = static_cast<double>(a.is_moe() && a.moe_intermediate_size > 0
                                                 ? a.moe_intermediate_size * std::max<std::int64_t>(1, a.experts_per_token)
                                                 : a.intermediate_size);
    const double qkv = static_cast<double>(a.num_heads + 2 * a.num_kv_heads) * hd;
    z.forward = T * (std::max(qkv, 2.0 * inter) + 3.0 * H) * 2.0;
    z.logits = static_cast<double>(std::min(kMaxOutputSize, z.chunk)) * static_cast<double>(a.vocab_size) * 4.0;
    return z;
}

GpuLoad device_load(const DeviceShare& d, const Sizes& z, double reserve, bool last, std::int64_t index) {
    GpuLoad g;
    g.weights = {bytes_from(d.weight_bytes), std::to_string(d.count) + " modules (decoder layers, then norm and head)"};
    const double cache = d.cache_bytes + z.dequant;
    g.kv_cache = {bytes_from(cache), std::to_string(z.tokens) + "-token " + z.bits.mode + " cache of these layers (" +
                                          format_fixed(z.bits.k, 1) + "-bit K, " + format_fixed(z.bits.v, 1) + "-bit V, scales included)" +
                                          " and their recurrent states of " + std::to_string(z.slots) + " batch slots" +
                                          (z.dequant > 0 ? " + an fp16 K/V layer to dequantize into " + gib_text(z.dequant) : "")};
    const double act = z.forward + (last ? z.logits : 0.0);
    g.activation = {bytes_from(act), "one layer's forward of a " + std::to_string(z.chunk) + "-token chunk " + gib_text(z.forward) +
                                         (last ? " + fp32 logits of " + std::to_string(kMaxOutputSize) + " tokens " + gib_text(z.logits) : "")};
    g.overhead = {bytes_from(kTabbyTorchContextGiB * kGiB + reserve),
                  "CUDA context ~" + gib_text(kTabbyTorchContextGiB * kGiB) + (reserve > 0 ? " + autosplit reserve " + gib_text(reserve) : "")};
    g.total_bytes = g.weights.bytes + g.kv_cache.bytes + g.activation.bytes + g.overhead.bytes;
    g.role = "GPU " + std::to_string(index) + ", modules " + std::to_string(d.first) + "-" + std::to_string(d.first + d.count - 1);
    return g;
}

// Autosplit (several GPUs): TabbyAPI's autosplit_reserve on GPU 0, model.py load_gen's 0.5 GB on the others.
std::vector<double> reserves(const Scenario& s) {
    std::vector<double> reserve(static_cast<std::size_t>(std::max(1, s.gpus)), 0.0);
    if (reserve.size() > 1)
        for (std::size_t d = 0; d < reserve.size(); ++d)
            reserve[d] = d == 0 ? tabby_autosplit_reserve_mib(s) * kMiB : kOtherGpuReserveGiB * kGiB;
    return reserve;
}

Estimate estimate_exllamav3(const ResolvedScenario& r, const EngineRelease&) {
    const Architecture& a = r.model.arch;
    const Scenario& s = r.scenario;
    const Sizes z = sizes(r);
    const WeightFormat w = with_head_bits(r.weights, s.head_bits);
    TabbySplit split;
    split.modules = modules_in_load_order(a, *r.tensors, w, cache_per_layer(a, z.bits, z.tokens, z.slots),
                                          w.head_bits > 0 ? w.head_bits : 16.0);
    split.reserve = reserves(s);
    split.beside_layers = z.forward + z.dequant;
    split.beside_last = z.logits;
    Estimate e = tabby_placement(
        r, split, [&](const DeviceShare& d, double reserve, bool last, std::int64_t i) { return device_load(d, z, reserve, last, i); },
        "token embedding in CPU memory (prefer_cpu), " + std::to_string(a.vocab_size) + " x " + std::to_string(a.hidden_size) + " fp16",
        "ExLlamaV3's autosplit runs out of GPUs: the model and cache do not fit");
    if (a.architecture.empty())
        e.warnings.push_back("the config names no architectures: ExLlamaV3 needs architectures[0] to pick its model class "
                             "(model/config.py); answered as the layers this config describes");
    e.kv_cache_tokens = z.tokens;
    e.startup_peak = {e.per_gpu.total_bytes, "the loaded model: weights, cache and a chunk's forward"};
    e.ok = true;
    return e;
}

std::string load_error(const WeightFormat& f, const KvFormat& kv) {
    if (f.kind != "exl3" && f.id != "fp16" && f.id != "bf16")
        return "weights: ExLlamaV3 loads EXL3 or 16-bit checkpoints, not " + f.id;
    if (cache_bits(kv).k == 0)
        return "kv_dtype: ExLlamaV3's cache is FP16 or quantized K/V bits (q8, q6, q4, or k<K>v<V> such as k4v6), not " + kv.id;
    return "";
}

// Models ExLlamaV3 1.4.1 cannot load: an architecture missing from its list, and the Gemma E-models
// (per-layer inputs: gemma4.py raises NotImplementedError; README "E2B/E4B currently not supported").
std::string release_refusal(const Architecture& a, const EngineRelease& rel) {
    const std::string which = "ExLlamaV3 " + std::string(rel.id);
    if (a.has_per_layer_embeddings() || a.kv_shared_layers > 0)
        return refusal_with_alternatives(which + " does not load Gemma 3n or the Gemma 4 E-models (README at 4f8ad012: "
                                                 "\"E2B/E4B currently not supported\"; architecture/gemma4.py raises "
                                                 "NotImplementedError for per-layer inputs)",
                                         a, engine_profile_exllamav3());
    if (a.architecture == "OlmoHybridForCausalLM")  // listed, but this build has no Olmo-Hybrid reader
        return which + " loads OlmoHybridForCausalLM, but this accounting does not model Olmo-Hybrid: its Gated DeltaNet "
                       "sizes default in exllamav3/architecture/olmohybrid.py when the config omits them, and its block "
                       "weights are not counted here; no estimate is given";
    for (std::int64_t l = 0; l < a.num_layers; ++l)
        if (attention_of(a, l) == LayerAttention::Linear && recurrent_state_bytes(a) <= 0)
            return which + "'s accounting cannot size this model's linear-attention state: the config gives neither "
                           "linear_num_key_heads / linear_num_value_heads nor Mamba-2 heads; no estimate is given";
    if (a.architecture.empty() || listed(kArchitectures, a.architecture)) return {};  // no architectures: a custom config
    return refusal_with_alternatives(which + " does not load " + a.architecture +
                                         " (exllamav3/architecture/architectures.py at 4f8ad012 does not list it)",
                                     a, engine_profile_exllamav3());
}

std::string command(const ResolvedScenario& r) {
    return tabby_config_yml(r, "exllamav3", "", cache_bits(r.kv).mode, chunk_tokens(r.scenario));
}

}  // namespace

const EngineProfile& engine_profile_exllamav3() {
    static const EngineProfile profile{
        .id = "exllamav3",
        .name = "ExLlamaV3",
        .blurb = "EXL3 on TabbyAPI: weights, a paged cache of cache_size tokens (K/V bits 2-8 or FP16), a chunk's forward; embedding in CPU RAM.",
        .aliases = {"exl3", "exllama3", "tabbyapi"},
        .order = 55,
        .releases = {
            {.id = "1.4.1", .order = 1'004'001, .date = "2026-08", .label = "paged cache, quantized K/V read by the attention kernel",
             .changed = "", .source = "turboderp-org/exllamav3 exllamav3/version.py at 4f8ad012 (2026-08-08); cache/quant.py, model/model_ls.py"},
        },
        .parse_version = release_version,
        .version_forms = "a release such as 1.4.1",
        .load_error = load_error,
        .formats_by_quality = {"exl3-8", "exl3-6", "exl3-5", "exl3-4", "exl3-3.5", "exl3-3", "exl3-2.5", "exl3-2"},
        .estimate = estimate_exllamav3,
        .counts_kv_cache = true,
        .reserved_fraction = nullptr,
        .command = command,
        .knobs = {
            {"head_bits", "head bits", "convert.py --head_bits: bits per weight of the output layer (default 6; 1-8 or 16)", 1, 16},
            {"chunk_size", "chunk size", "TabbyAPI chunk_size: prompt tokens per forward pass (default 2048)"},
            {"autosplit_reserve_mib", "autosplit reserve", "TabbyAPI autosplit_reserve: MiB kept free on GPU 0 while loading "
                                                           "(default 96; the other GPUs keep 0.5 GiB)"},
        },
        .knob_default = tabby_knob_default,
        .parallel = tabby_parallel_rules(),
        .workload = tabby_workload("Tokens per sequence (TabbyAPI max_seq_len; its default is the model's max_position_embeddings)"),
        // Gemma 4 full layers (their own head size), Nemotron-H MLP/MoE-only blocks (no cache); the rest refuse.
        .cache_features = {"layer_kv_geometry", "mixerless_blocks"},
        .release_refusal = release_refusal,
    };
    return profile;
}

}  // namespace vramcalc
