// Hugging Face transformers: model.generate() in one process, the model split over the GPUs by
// accelerate (device_map="auto": whole decoder layers per GPU, pipeline style, no tensor parallel).
// The figure users compare with is torch.cuda.max_memory_allocated() summed over the GPUs (Qwen's
// speed_benchmark_transformers.py and AutoAWQ's examples/benchmark.py both report exactly that);
// nvidia-smi adds the CUDA context and the caching allocator's slack (our `overhead`).
//
// Accounting by release (the releases at the end of this file; the newest, 4.51, is the default).
// 4.45 and later (checked against Qwen's 4.51.3 tables):
//  - generation/utils.py GenerationMixin._sample: the prefill forward keeps only the last position's
//    logits (logits_to_keep / num_logits_to_keep, added in 4.45), then
//    `next_token_logits = outputs.logits[:, -1, :].to(copy=True, dtype=torch.float32)`;
//    output_scores / output_logits are off by default, so nothing per step is kept.
//  - cache_utils.py DynamicCache (DynamicLayer.update): torch.cat([old, new], dim=-2) per layer, so
//    while a layer's K (or V) is being grown both copies exist for a moment.
//  - the last sampled token is never fed back: the cache ends holding prompt + generated - 1 tokens.
//  - prefill activations: the residual stream and the gated MLP (act_fn(gate_proj(x)) * up_proj(x):
//    three batch x prompt x intermediate tensors live at once); flash-attention 2 / SDPA do not
//    materialize batch x heads x seq x seq scores.
// Older releases (Scenario::engine_version, the CLI's --engine-version, below 4.45):
//  - before 4.45 (models/*/modeling_*.py ForCausalLM.forward): `logits = self.lm_head(hidden_states);
//    logits = logits.float()` over EVERY prompt position: batch x prompt x vocab x (2 + 4) bytes at
//    the end of the prefill, and the fp32 tensor stays referenced by `outputs` during the first
//    decode step. With a 152k vocabulary that is 0.87 MiB per prompt token: the "0.9 MB per token"
//    of Qwen's 2024 tables (seed 002) is this, not the KV cache (12 KiB per token on Qwen2-0.5B).
//  - before 4.42: generate passed tuple ("legacy") caches; each forward built new concatenated
//    tensors while generate still held the old tuple, so at the end of every decode step the cache
//    exists twice; the GQA flash-attention path of Qwen2/Mistral also ran repeat_kv over the whole
//    cache of a layer; and every attention layer owned a rotary cos/sin cache of
//    max_position_embeddings x head_dim in the default dtype (Qwen2RotaryEmbedding._set_cos_sin_cache).
//  - "AutoAWQ ...": AutoAWQ's fused modules (awq/modules/fused/attn.py QuantAttentionFused) with a
//    static cache of batch x max_seq_len allocated at load, eager attention scores (fp16 + fp32
//    softmax) at prefill, and fused QKV weights made next to the original q/k/v (the load peak).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "../checked.h"
#include "../command_text.h"
#include "../engine_profile.h"
#include "../kv_cache.h"
#include "../tensors.h"
#include "../text.h"

namespace vramcalc {

namespace {

// PyTorch + CUDA context on the device, never in max_memory_allocated (about 0.3-0.5 GiB on A100/H100).
constexpr double kCudaContextGiB = 0.45;
// The caching allocator keeps freed blocks reserved; nvidia-smi sees reserved, not allocated.
constexpr double kAllocatorSlack = 0.05;

std::string num(std::int64_t v) { return std::to_string(v); }
std::string lower(std::string_view text) {
    std::string s(text);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The release line's order keys (EngineRelease::order: major*1e6 + minor*1e3 + patch).
constexpr std::int64_t k442 = 4'042'000;   // DynamicCache objects in generate(), shared rotary cache
constexpr std::int64_t k445 = 4'045'000;   // num_logits_to_keep: last-token logits at prefill; mllama
constexpr std::int64_t k453 = 4'053'000;   // falcon_h1 (FalconH1ForCausalLM, added 2025-05-21)
constexpr std::int64_t k454 = 4'054'000;   // lfm2 (Lfm2ForCausalLM)
// Rows that only add model classes (the accounting stays 4.51's): release_refusal names them.
constexpr std::int64_t k455 = 4'055'000;   // gpt_oss
constexpr std::int64_t k457 = 4'057'000;   // qwen3_next, olmo3
constexpr std::int64_t k503 = 5'003'000;   // qwen3_5, qwen3_5_moe
constexpr std::int64_t k505 = 5'005'000;   // gemma4

// Which transformers behaviours a release has.
struct Regime {
    bool full_prompt_logits = false;  // < 4.45: lm_head + .float() over every prompt position
    bool legacy_cache = false;        // < 4.42: tuple caches, the old tuple alive during each decode step
    bool rope_cache = false;          // < 4.42: per-layer rotary cos/sin caches of max_position_embeddings
    bool autoawq_fused = false;       // AutoAWQ fused modules and static cache
};

Regime regime_for(const EngineRelease& release) {
    Regime r;
    if (release.variant) {
        r.autoawq_fused = true;
        r.full_prompt_logits = true;  // its forward returns logits for every position
        return r;
    }
    r.full_prompt_logits = release.order < k445;
    r.legacy_cache = release.order < k442;
    r.rope_cache = release.order < k442;
    return r;
}

bool is_quantized_kernel(const WeightFormat& f) {
    return f.kind == "awq" || f.kind == "gptq" || f.kind == "bnb";
}

// One GPU of the accelerate split.
struct Device {
    std::int64_t first_layer = 0;
    std::int64_t num_layers = 0;
    double weights = 0;        // checkpoint tensors placed here
    bool first = false;        // holds the embeddings (and receives the outputs: io_same_device)
    bool last = false;         // holds final norm + lm_head
    double kv_per_token = 0;   // full-attention layers here, bytes per token per sequence
    double kv_layer_max = 0;   // one layer's K+V per token (the torch.cat transient is half of it)
    double sliding_per_token = 0;  // sliding-window layers here
    double state_bytes = 0;    // linear-attention state per sequence
    double rope_bytes = 0;     // legacy per-layer cos/sin caches
};

// What one layer keeps per sequence that does not grow with the context, in the model's dtype:
//  - FalconHybridMambaAttentionDynamicCache (models/falcon_h1/modeling_falcon_h1.py): on every layer a
//    conv state [d_inner + 2 n_groups d_state, d_conv] (the whole kernel) and an SSM state
//    [n_heads, d_head, d_state], beside the growing attention K/V;
//  - Lfm2HybridConvCache (models/lfm2/modeling_lfm2.py): a conv state [hidden, conv_L_cache] on every
//    layer, attention layers included;
//  - mllama cross-attention layers (models/mllama/modeling_mllama.py MllamaTextCrossAttention): K/V of
//    the image's cross_attention_tokens (every image padded to max_num_tiles tiles);
//  - other linear layers: the state the parser sized (conv kernel - 1 and the recurrent state).
double fixed_cache_bytes(const Architecture& a, std::int64_t l, double kv_bits_, double dtype_bytes) {
    const auto li = static_cast<std::size_t>(l);
    const LayerAttention la = li < a.layer_attention.size() ? a.layer_attention[li] : LayerAttention::Full;
    if (a.short_conv_kernel > 0)
        return static_cast<double>(a.hidden_size) * static_cast<double>(a.short_conv_kernel) * dtype_bytes;
    if (a.parallel_ssm && a.mamba_heads > 0) {
        const double conv = static_cast<double>(a.mamba_d_inner + 2 * a.mamba_groups * a.mamba_d_state) *
                            static_cast<double>(std::max<std::int64_t>(1, a.linear_conv_kernel));
        const double ssm = static_cast<double>(a.mamba_d_inner) * static_cast<double>(a.mamba_d_state);  // heads x d_head x d_state
        return (conv + ssm) * dtype_bytes;
    }
    if (a.is_cross_attention_layer(l))
        return cross_attention_bytes_per_token_layer(a, 1, kv_bits_) * static_cast<double>(a.cross_attention_tokens);
    if (la == LayerAttention::Linear) return static_cast<double>(a.linear_state_bytes_per_layer);
    return 0.0;
}

// Model classes by the transformers release that first shipped them (model_type as config.json names it).
// `row`: the profile's release row that answers for it (a version between rows follows the older row).
struct ModelClassRelease {
    const char* model_type;
    const char* name;      // the class AutoModel builds
    const char* arrived;   // the first release with it
    std::int64_t row;      // the profile's first row at or after `arrived`
    const char* source;
};
constexpr ModelClassRelease kModelClasses[] = {
    // v4.51.0 release notes (2025-04-05), "New Model Additions": Llama 4, DeepSeek-V3, Qwen3 and Qwen3-MoE.
    {"llama4", "Llama4ForConditionalGeneration", "4.51", 4'051'000, "v4.51.0 release notes"},
    {"llama4_text", "Llama4ForCausalLM", "4.51", 4'051'000, "v4.51.0 release notes"},
    {"deepseek_v3", "DeepseekV3ForCausalLM", "4.51", 4'051'000, "v4.51.0 release notes"},
    {"qwen3", "Qwen3ForCausalLM", "4.51", 4'051'000, "v4.51.0 release notes"},
    {"qwen3_moe", "Qwen3MoeForCausalLM", "4.51", 4'051'000, "v4.51.0 release notes"},
    // Gemma 3: the v4.49.0-Gemma-3 tag (2025-03-18), in the 4.50.0 release; the profile's next row is 4.51.
    {"gemma3", "Gemma3ForConditionalGeneration", "4.50", 4'051'000, "v4.49.0-Gemma-3 tag notes"},
    {"gemma3_text", "Gemma3ForCausalLM", "4.50", 4'051'000, "v4.49.0-Gemma-3 tag notes"},
    // Added to the library 2025-06-25/26 (model_doc pages), released in 4.53.0; answered from the 4.54 row.
    {"gemma3n", "Gemma3nForConditionalGeneration", "4.53", k454, "docs model_doc/gemma3n, v4.53.0"},
    {"gemma3n_text", "Gemma3nForCausalLM", "4.53", k454, "docs model_doc/gemma3n, v4.53.0"},
    {"smollm3", "SmolLM3ForCausalLM", "4.53", k454, "docs model_doc/smollm3 (added 2025-06-25), v4.53.0"},
    // "v4.55.0: New openai GPT OSS model!" (2025-08-05).
    {"gpt_oss", "GptOssForCausalLM", "4.55", k455, "v4.55.0 release notes"},
    // "v4.57.0: Qwen3-Next, Vault Gemma, Qwen3 VL, LongCat Flash, Flex OLMO, LFM2 VL, BLT, Qwen3 OMNI MoE,
    // Parakeet, EdgeTAM, OLMO3".
    {"qwen3_next", "Qwen3NextForCausalLM", "4.57", k457, "v4.57.0 release notes"},
    {"olmo3", "Olmo3ForCausalLM", "4.57", k457, "v4.57.0 release notes"},
    // Added to main 2026-02-09 (docs model_doc/qwen3_5); the first release whose docs list it is 5.3.0.
    {"qwen3_5", "Qwen3_5ForConditionalGeneration", "5.3", k503, "docs model_doc/qwen3_5, v5.3.0 docs"},
    {"qwen3_5_text", "Qwen3_5ForCausalLM", "5.3", k503, "docs model_doc/qwen3_5, v5.3.0 docs"},
    {"qwen3_5_moe", "Qwen3_5MoeForConditionalGeneration", "5.3", k503, "docs model_doc/qwen3_5_moe, v5.3.0 docs"},
    {"qwen3_5_moe_text", "Qwen3_5MoeForCausalLM", "5.3", k503, "docs model_doc/qwen3_5_moe, v5.3.0 docs"},
    // "Release v5.5.0 ... New Model additions: Gemma4" (2026-04-02).
    {"gemma4", "Gemma4ForConditionalGeneration", "5.5", k505, "v5.5.0 release notes"},
    {"gemma4_text", "Gemma4ForCausalLM", "5.5", k505, "v5.5.0 release notes"},
};

// A model class newer than the chosen release: AutoModel raises "model type ... not recognized".
std::string model_class_refusal(const Architecture& a, const EngineRelease& rel, const std::string& which) {
    for (const ModelClassRelease& c : kModelClasses)
        if (a.model_type == c.model_type && !rel.variant && rel.order < c.row) {  // AutoAWQ: its own classes
            std::string row = std::to_string(c.row / 1'000'000) + "." + std::to_string(c.row / 1'000 % 1'000);
            return which + " has no " + c.model_type + " model class (" + c.name + " arrived in " + c.arrived + ", " + c.source +
                   (row != c.arrived ? "; this profile answers it from its " + row + " release" : std::string()) + "); choose " + row +
                   " or newer";
        }
    return {};
}

// Architectures a release has no model class for (AutoModel cannot load them).
std::string release_refusal(const Architecture& a, const EngineRelease& rel) {
    const std::string which = rel.variant ? std::string("AutoAWQ's fused modules") : "transformers " + std::string(rel.id);
    if (a.has_dsa_indexer())
        return "transformers has no DeepSeek sparse-attention model class (deepseek_v32: PRs #42672 and #42724 were closed "
               "unmerged), so AutoModel cannot load V3.2 / GLM-5 and its indexer cache has no transformers layout; use vLLM, "
               "SGLang or llama.cpp";
    if (!a.cross_attention_layers.empty() && (rel.variant || rel.order < k445))
        return which + " has no mllama model class (MllamaForConditionalGeneration arrived in 4.45); choose 4.45 or newer";
    // The profile answers both from its 4.54 release: a version between 4.51 and 4.54 follows 4.51 here.
    if (a.parallel_ssm && (rel.variant || rel.order < k453))
        return which + " has no falcon_h1 model class (FalconH1ForCausalLM arrived in 4.53; this profile answers it from its "
                       "4.54 release, and a version between 4.51 and 4.54 follows 4.51); choose 4.54 or newer";
    if (a.short_conv_kernel > 0 && (rel.variant || rel.order < k454))
        return which + " has no lfm2 model class (Lfm2ForCausalLM arrived in 4.54); choose 4.54 or newer";
    return model_class_refusal(a, rel, which);
}

// ---- workload -------------------------------------------------------------------------------------

// The generate() call: sequences, prompt and generated tokens, and the dtypes they run in.
struct Workload {
    double B = 1;                  // sequences generated together
    std::int64_t out_tokens = 0;
    std::int64_t in_tokens = 1;    // prompt tokens
    double T = 1;                  // prompt tokens, as a double
    double n_end = 1;              // tokens in the cache during the last forward
    double n_static = 1;           // AutoAWQ's static cache length
    double act_bytes = 2;          // compute dtype
    double kv_b = 16;              // KV cache bits
    double V = 1;                  // vocabulary
    double h = 0;                  // hidden size
    double heads = 1;
    double head_dim = 0;
};

Workload workload_of(const ResolvedScenario& r) {
    const Scenario& s = r.scenario;
    const Architecture& a = r.model.arch;
    Workload w;
    w.B = static_cast<double>(std::max<std::int64_t>(1, s.batch));
    w.out_tokens = std::max<std::int64_t>(0, s.output_tokens);
    w.in_tokens = s.input_tokens > 0 ? s.input_tokens : s.context - w.out_tokens;
    if (w.in_tokens < 1) w.in_tokens = 1;
    w.T = static_cast<double>(w.in_tokens);
    // Tokens in the cache during the last forward: generate never feeds back the last sampled token.
    w.n_end = w.out_tokens > 0 ? w.T + static_cast<double>(w.out_tokens) - 1.0 : w.T;
    // AutoAWQ's static cache is sized max_seq_len = prompt + generated when loaded.
    w.n_static = w.T + static_cast<double>(w.out_tokens);

    const bool fp32_model = r.weights.id == "fp32" || lower(a.torch_dtype) == "float32";
    w.act_bytes = (r.weights.kind == "float" && fp32_model) ? 4.0 : 2.0;  // compute dtype
    w.kv_b = kv_bits(r.kv, a, r.weights);
    w.V = static_cast<double>(std::max<std::int64_t>(1, a.vocab_size));
    w.h = static_cast<double>(a.hidden_size);
    w.heads = static_cast<double>(std::max<std::int64_t>(1, a.num_heads));
    w.head_dim = static_cast<double>(a.head_dim > 0 ? a.head_dim : a.hidden_size / std::max<std::int64_t>(1, a.num_heads));
    return w;
}

// ---- weights per layer, and what sits outside the layers ------------------------------------------

struct LayerWeights {
    std::vector<double> layer;     // per decoder layer
    double head_first = 0;         // embeddings / vision tower on GPU 0
    double head_last = 0;          // final norm + lm_head on the last GPU
    double qkv_bytes = 0;          // AutoAWQ fuses these into a new tensor
    double largest_matrix = 0;     // elements of the largest quantized matrix (dequant buffer)
    double total = 0;
};

bool is_qkv(TensorRole role) {
    return role == TensorRole::AttnQ || role == TensorRole::AttnK || role == TensorRole::AttnV || role == TensorRole::AttnQkv;
}

LayerWeights weights_from_tensors(const ResolvedScenario& r) {
    const Architecture& a = r.model.arch;
    LayerWeights lw;
    lw.layer.assign(static_cast<std::size_t>(a.num_layers), 0.0);
    for (const TensorGroup& g : *r.tensors) {
        const double b = static_cast<double>(tensor_bytes(r.weights, g, a));
        if (g.layer >= 0 && g.layer < a.num_layers) {
            lw.layer[static_cast<std::size_t>(g.layer)] += b;
            if (is_qkv(g.role)) lw.qkv_bytes += b;
            if (g.is_matrix() && g.role != TensorRole::ExpertGate && g.role != TensorRole::ExpertUp && g.role != TensorRole::ExpertDown)
                lw.largest_matrix = std::max(lw.largest_matrix, static_cast<double>(g.rows) * static_cast<double>(g.cols));
        } else if (g.role == TensorRole::LmHead || g.role == TensorRole::FinalNorm || g.role == TensorRole::Bias) {
            lw.head_last += b;
        } else {
            lw.head_first += b;
        }
    }
    return lw;
}

// A checkpoint read from its files: the same split, with each tensor's bytes as stored
// (largest_matrix stays the one the tensor list gave).
void weights_from_files(const FileWeights& files, const Architecture& a, LayerWeights& lw) {
    std::fill(lw.layer.begin(), lw.layer.end(), 0.0);
    lw.head_first = lw.head_last = lw.qkv_bytes = 0;
    for (const FileWeightGroup& g : files.groups) {
        const double b = static_cast<double>(g.bytes);
        if (g.layer >= 0 && g.layer < a.num_layers) {
            lw.layer[static_cast<std::size_t>(g.layer)] += b;
            if (is_qkv(g.role)) lw.qkv_bytes += b;
        } else if (g.role == TensorRole::LmHead || g.role == TensorRole::FinalNorm) {
            lw.head_last += b;
        } else {
            lw.head_first += b;
        }
    }
}

LayerWeights layer_weights(const ResolvedScenario& r) {
    const Architecture& a = r.model.arch;
    LayerWeights lw = weights_from_tensors(r);
    // Measured (Qwen3-0.6B/1.7B/4B-FP8 in Qwen's transformers 4.51.3 tables): FP8 checkpoints of
    // models with tied embeddings carry lm_head.weight as its own bf16 tensor (it is in the
    // quantizer's modules_to_not_convert), so it loads beside the embedding instead of sharing it.
    // A checkpoint read from its files: the same split, with each tensor's bytes as stored.
    if (const FileWeights* files = matching_file_weights(r)) {
        weights_from_files(*files, a, lw);
    } else if (r.weights.kind == "fp8" && a.tied_embeddings) {
        TensorGroup lm{TensorRole::LmHead, -1, a.vocab_size, a.hidden_size, 1, false};
        lw.head_last += static_cast<double>(tensor_bytes(r.weights, lm, a));
    }
    lw.total = lw.head_first + lw.head_last;
    for (double w : lw.layer) lw.total += w;
    return lw;
}

// ---- accelerate's split (device_map="auto") -------------------------------------------------------

struct Placement {
    std::vector<Device> dev;
    double offloaded = 0;            // decoder layers left in CPU RAM
    double offloaded_layer_max = 0;  // the largest of them (streamed to GPU 0 per forward)
};

// device_map="auto" splits whole layers: no more GPUs than layers.
int gpus_for_layers(const Scenario& s, const Architecture& a, std::vector<std::string>& warnings) {
    int ngpu = std::max(1, s.gpus);
    if (ngpu > a.num_layers) {
        warnings.push_back("device_map=\"auto\" splits whole layers: only " + num(a.num_layers) + " of the " +
                           num(ngpu) + " GPUs get one");
        ngpu = static_cast<int>(a.num_layers);
    }
    return ngpu;
}

// What layer l keeps in the cache, added to the device that holds it.
void add_layer_cache(Device& d, const Architecture& a, std::int64_t l, const Regime& reg, const Workload& w) {
    // MLA models (DeepSeek V2/V3) cache the decompressed per-head K (nope + rope) and V in
    // transformers (modeling_deepseek_v3.py DeepseekV3Attention.forward updates the cache with
    // key_states/value_states), not the latent vLLM and SGLang keep.
    const double kvl = a.is_mla()
        ? w.heads * static_cast<double>(a.qk_nope_head_dim + a.qk_rope_head_dim + a.value_head_dim()) * w.kv_b / 8.0
        : kv_bytes_per_token_layer(a, l, 1, w.kv_b);
    const auto li = static_cast<std::size_t>(l);
    const LayerAttention la = li < a.layer_attention.size() ? a.layer_attention[li] : LayerAttention::Full;
    d.state_bytes += fixed_cache_bytes(a, l, w.kv_b, w.act_bytes);
    if (la == LayerAttention::Linear || a.is_cross_attention_layer(l)) {
        // the fixed state above is all this layer keeps
    } else if (la == LayerAttention::Sliding && a.sliding_window > 0 && !reg.legacy_cache && !reg.autoawq_fused) {
        d.sliding_per_token += kvl;  // DynamicSlidingWindowLayer keeps sliding_window tokens
    } else {
        d.kv_per_token += kvl;
    }
    d.kv_layer_max = std::max(d.kv_layer_max, kvl);
    if (reg.rope_cache && la != LayerAttention::Linear && la != LayerAttention::None)
        d.rope_bytes += 2.0 * static_cast<double>(std::max<std::int64_t>(a.max_context, 1)) * w.head_dim * w.act_bytes;
}

// Drop GPUs that got no layer (tiny models over many GPUs).
void drop_empty_tail(std::vector<Device>& dev) {
    while (dev.size() > 1 && dev.back().num_layers == 0 && dev[dev.size() - 2].num_layers > 0) {
        Device tail = dev.back();
        dev.pop_back();
        dev.back().last = true;
        dev.back().weights += tail.weights;
    }
}

// accelerate/utils/modeling.py get_balanced_memory: every GPU but the last gets about
// total / n + one layer; infer_auto_device_map fills GPUs in order with whole decoder layers
// (_no_split_modules) and puts what does not fit on the CPU (offload, streamed per forward).
Placement place_layers(const ResolvedScenario& r, const Regime& reg, const Workload& w, const LayerWeights& lw,
                       std::vector<std::string>& warnings) {
    const Architecture& a = r.model.arch;
    const int ngpu = gpus_for_layers(r.scenario, a, warnings);
    const double mean_layer = (lw.total - lw.head_first - lw.head_last) / static_cast<double>(a.num_layers);
    const double per_gpu_budget = lw.total / ngpu + mean_layer;
    // What accelerate may place on a GPU: its free memory, less room for the context; quantizers
    // (bitsandbytes) take 10% more off (transformers HfQuantizer.adjust_max_memory).
    const double capacity = static_cast<double>(r.gpu.memory_bytes) - kCudaContextGiB * kGiB -
                            (r.weights.kind == "bnb" ? 0.1 * static_cast<double>(r.gpu.memory_bytes) : 0.0);

    Placement p;
    std::vector<Device>& dev = p.dev;
    dev.resize(static_cast<std::size_t>(ngpu));
    std::size_t d = 0;
    dev[0].first = true;
    dev[0].weights = lw.head_first;
    for (std::int64_t l = 0; l < a.num_layers; ++l) {
        const double lwt = lw.layer[static_cast<std::size_t>(l)];
        // Move to the next GPU when this one reached its balanced share (the last takes the rest).
        while (d + 1 < dev.size() && dev[d].num_layers > 0 && dev[d].weights + lwt > std::min(per_gpu_budget, capacity)) {
            ++d;
            dev[d].first_layer = l;
        }
        const bool is_last_dev = d + 1 == dev.size();
        const double room = capacity - dev[d].weights - (is_last_dev ? lw.head_last : 0.0);
        if (is_last_dev && lwt > room) {  // the rest goes to the CPU
            p.offloaded += lwt;
            p.offloaded_layer_max = std::max(p.offloaded_layer_max, lwt);
            continue;
        }
        if (dev[d].num_layers == 0) dev[d].first_layer = l;
        dev[d].num_layers++;
        dev[d].weights += lwt;
        add_layer_cache(dev[d], a, l, reg, w);
    }
    dev.back().last = true;
    dev.back().weights += lw.head_last;
    drop_empty_tail(dev);
    return p;
}

void note_offload(const Placement& p, Estimate& e) {
    if (p.offloaded <= 0) return;
    e.cpu = {bytes_from(p.offloaded), gib_text(p.offloaded) + " of decoder layers that did not fit: accelerate keeps them in CPU RAM "
                                      "and copies each to GPU 0 for every forward (slow)"};
    e.warnings.push_back("weights exceed the GPUs: accelerate offloads " + gib_text(p.offloaded) +
                         " to CPU RAM; generation will be very slow");
}

// ---- activations of one decoder layer at prefill --------------------------------------------------

// A transient and how it was made up.
struct Transient {
    double bytes = 0;
    std::string how;
};

struct MlpWidth {
    double inter = 0;                // intermediate width that runs at once
    double moe_extra_per_token = 0;  // router and expert-mask bytes per token
};

MlpWidth mlp_width(const Architecture& a, double h) {
    MlpWidth m;
    m.inter = static_cast<double>(a.intermediate_size);
    if (a.is_moe()) {
        // HF MoE blocks loop over experts: each runs its routed tokens; the shared expert runs all.
        const double shared = static_cast<double>(a.shared_expert_intermediate_size > 0
                                                      ? a.shared_expert_intermediate_size
                                                      : a.num_shared_experts * a.moe_intermediate_size);
        m.inter = std::max({shared, static_cast<double>(a.moe_intermediate_size * std::max<std::int64_t>(1, a.experts_per_token)),
                            a.first_dense_layers > 0 ? static_cast<double>(a.intermediate_size) : 0.0});
        // router logits (fp32) + one_hot expert mask (int64, experts x top_k per token) + accumulator
        m.moe_extra_per_token = static_cast<double>(a.num_experts) * 4.0 +
                                static_cast<double>(a.num_experts * std::max<std::int64_t>(1, a.experts_per_token)) * 8.0 + h * 4.0;
    }
    return m;
}

Transient prefill_layer_activation(const ResolvedScenario& r, const Regime& reg, const Workload& w, double largest_matrix) {
    const Scenario& s = r.scenario;
    const Architecture& a = r.model.arch;
    const MlpWidth m = mlp_width(a, w.h);
    const double layer_act_per_token = (2.0 * w.h + 3.0 * m.inter) * w.act_bytes + m.moe_extra_per_token;
    Transient t;
    t.bytes = w.B * w.T * layer_act_per_token;
    t.how = "prefill MLP: " + num(s.batch) + " x " + num(w.in_tokens) + " tokens x (2 x " +
            num(a.hidden_size) + " hidden + 3 x " + num(static_cast<std::int64_t>(m.inter)) +
            " intermediate) x " + num(saturating_round(w.act_bytes)) + " B";
    // Quantized kernels dequantize a whole matrix to fp16 for long inputs (AutoAWQ WQLinear_GEMM,
    // AutoGPTQ exllama) or per call (bitsandbytes 4-bit).
    const double dequant = is_quantized_kernel(r.weights) ? largest_matrix * 2.0 : 0.0;
    if (dequant > 0) {
        t.bytes += dequant;
        t.how += " + dequantized matrix " + mib_text(dequant, 0);
    }
    if (reg.autoawq_fused) {
        // QuantAttentionFused.forward at prefill: `scores = F.softmax(scores.float(), dim=-1).type_as(xq)`
        // holds the masked fp16 scores (2 B), their fp32 copy (4 B) and the fp32 softmax (4 B) at once.
        const double scores = w.B * w.heads * w.T * w.T * 10.0;
        if (scores > t.bytes) {
            t.bytes = scores;
            t.how = "eager attention scores " + num(s.batch) + " x " + num(a.num_heads) + " heads x " +
                    num(w.in_tokens) + "^2 x (2 fp16 + 4 fp32 copy + 4 fp32 softmax) B";
        }
    }
    return t;
}

// Logits: last position only (4.45+), or every prompt position in bf16 and again in fp32.
struct Logits {
    double prefill = 0;   // at the end of the prefill
    double fp32 = 0;      // the fp32 copy alone
    double decode = 0;    // one decode step's
    std::string how;
};

Logits logits_of(const ResolvedScenario& r, const Regime& reg, const Workload& w) {
    const Scenario& s = r.scenario;
    Logits lg;
    const double logits_tokens = reg.full_prompt_logits ? w.T : 1.0;
    lg.prefill = w.B * logits_tokens * w.V * (w.act_bytes + 4.0);
    lg.fp32 = w.B * logits_tokens * w.V * 4.0;
    lg.decode = w.B * w.V * (w.act_bytes + 4.0 + 4.0);  // lm_head out, fp32 copy, processed scores
    lg.how = reg.full_prompt_logits
        ? "logits " + num(s.batch) + " x " + num(w.in_tokens) + " prompt tokens x " + num(r.model.arch.vocab_size) + " vocab x (" +
              num(saturating_round(w.act_bytes)) + " + 4 fp32) B"
        : "last-token logits";
    return lg;
}

// ---- peak per GPU ---------------------------------------------------------------------------------

// What the model-wide steps hand to the per-GPU peak.
struct Transients {
    Transient layer;   // one decoder layer at prefill
    Logits logits;
};

// The device's cache holding `tokens` per sequence.
double kv_at(const Device& d, const Architecture& a, const Workload& w, double tokens) {
    const double sliding_tokens = a.sliding_window > 0 ? std::min(tokens, static_cast<double>(a.sliding_window)) : tokens;
    return w.B * (d.kv_per_token * tokens + d.sliding_per_token * sliding_tokens) + w.B * d.state_bytes;
}

// AutoAWQ: static cache from load; peak = max(fusing copies, prefill).
Transient autoawq_transient(const Device& d, std::size_t ndev, const LayerWeights& lw, const Transients& tr) {
    const bool gets_copy = d.first && !d.last;  // accelerate io_same_device: outputs back to GPU 0
    double pre = d.num_layers > 0 ? tr.layer.bytes : 0.0;
    std::string pre_how = tr.layer.how;
    if (d.last && tr.logits.prefill > pre) { pre = tr.logits.prefill; pre_how = tr.logits.how; }
    if (gets_copy) { pre = std::max(pre, tr.logits.fp32); }
    const double fuse = ndev > 1 ? lw.qkv_bytes * d.weights / lw.total : lw.qkv_bytes;
    Transient t;
    t.bytes = std::max(pre, fuse);
    t.how = fuse >= pre ? "fused QKV weights made beside q/k/v at load (" + gib_text(fuse) + ")" : "prefill: " + pre_how;
    return t;
}

// Prefill: the cache holds the prompt; the layer's MLP or the logits are the largest transient.
Transient prefill_transient(const Device& d, const Regime& reg, const Transients& tr) {
    const bool gets_copy = d.first && !d.last;  // accelerate io_same_device: outputs back to GPU 0
    Transient t{d.num_layers > 0 ? tr.layer.bytes : 0.0, tr.layer.how};
    if (d.last && tr.logits.prefill > t.bytes) { t.bytes = tr.logits.prefill; t.how = tr.logits.how; }
    if (gets_copy && reg.full_prompt_logits && tr.logits.fp32 > t.bytes) {
        t.bytes = tr.logits.fp32;
        t.how = "fp32 logits copied back to GPU 0 (accelerate io_same_device)";
    }
    return t;
}

// Last decode step, above the final cache.
Transient last_step_transient(const Device& d, const Architecture& a, const Regime& reg, const Workload& w, const Logits& lg) {
    const bool gqa = a.num_kv_heads > 0 && a.num_kv_heads < a.num_heads && !a.is_mla();
    Transient t;
    if (reg.legacy_cache) {
        t.bytes = kv_at(d, a, w, w.n_end);
        t.how = "old tuple cache alive while the step builds the new one (" + gib_text(t.bytes) + ")";
        if (gqa) {
            const double rep = w.B * w.n_end * w.heads * w.head_dim * 2.0 * w.act_bytes;
            t.bytes += rep;
            t.how += " + repeat_kv of one layer " + mib_text(rep, 0);
        }
    } else {
        t.bytes = w.B * w.n_end * d.kv_layer_max / 2.0;  // torch.cat: one layer's K grown beside the old one
        t.how = "torch.cat of one layer's K " + mib_text(t.bytes, 0);
    }
    if (d.last) {
        t.bytes += lg.decode;
        t.how += " + decode logits " + mib_text(lg.decode, 0);
    }
    return t;
}

// generate(): the largest of the prefill, the first decode step (< 4.42) and the last decode step,
// less the final cache.
Transient generate_transient(const Device& d, const Architecture& a, const Regime& reg, const Workload& w,
                             const Transients& tr, double kv_cache) {
    const bool gets_copy = d.first && !d.last;
    const Transient pre = prefill_transient(d, reg, tr);
    const double prefill = kv_at(d, a, w, w.T) + pre.bytes;
    // First decode step (< 4.42): old tuple + new cache, prefill's fp32 logits still referenced.
    double step1 = 0;
    if (reg.legacy_cache) step1 = kv_at(d, a, w, w.T) + kv_at(d, a, w, w.T + 1.0) + ((d.last || gets_copy) ? tr.logits.fp32 : 0.0);
    const Transient end = last_step_transient(d, a, reg, w, tr.logits);
    const double end_peak = kv_cache + end.bytes;
    const double peak = std::max({prefill, step1, end_peak});
    Transient t;
    t.bytes = peak - kv_cache;
    if (peak == prefill && prefill > end_peak)
        t.how = "prefill peak: " + pre.how + " (cache then holds the " + num(w.in_tokens) + "-token prompt)";
    else if (peak == step1 && step1 > end_peak)
        t.how = "first decode step: cache twice (old tuple + new) + the prefill's fp32 logits still referenced";
    else
        t.how = "last decode step: " + end.how;
    if (t.bytes < 0) t.bytes = 0;
    return t;
}

std::string layers_text(const Device& d) {
    return d.num_layers > 0 ? "layers " + num(d.first_layer) + "-" + num(d.first_layer + d.num_layers - 1) : std::string("no layers");
}

// One GPU's figures from its weights, cache and transient.
GpuLoad device_load(const ResolvedScenario& r, const Regime& reg, const Workload& w, const Device& d, std::size_t i,
                    std::size_t ndev, double kv_cache, const Transient& act) {
    const Scenario& s = r.scenario;
    const double weights = d.weights + d.rope_bytes;
    GpuLoad g;
    std::string w_how = gib_text(d.weights) + ": " + layers_text(d) +
                        (d.first ? " + embeddings" : "") + (d.last ? " + lm_head" : "") + " in " + r.weights.id;
    if (d.rope_bytes > 0) w_how += " + rotary cos/sin caches " + gib_text(d.rope_bytes) + " (per layer, " + num(r.model.arch.max_context) + " positions)";
    g.weights = {bytes_from(weights), w_how};
    const double kv_tokens = reg.autoawq_fused ? w.n_static : w.n_end;
    g.kv_cache = {bytes_from(kv_cache),
                  (reg.autoawq_fused ? "static cache " : reg.legacy_cache ? "tuple (legacy) cache " : "DynamicCache ") + num(s.batch) + " x " +
                      num(saturating_round(kv_tokens)) + " tokens x " +
                      num(saturating_round(d.kv_per_token + d.sliding_per_token)) + " B/token (" + num(d.num_layers) + " layers)"};
    g.activation = {bytes_from(act.bytes), act.how};
    const double allocated = weights + kv_cache + act.bytes;
    const double overhead = kCudaContextGiB * kGiB + kAllocatorSlack * allocated;
    g.overhead = {bytes_from(overhead), "CUDA context ~" + gib_text(kCudaContextGiB * kGiB) + " + caching-allocator slack 5% (not in max_memory_allocated)"};
    g.total_bytes = g.weights.bytes + g.kv_cache.bytes + g.activation.bytes + g.overhead.bytes;
    g.role = "GPU " + std::to_string(i) + (ndev > 1 ? " of device_map=\"auto\"" : "") + ": " + layers_text(d);
    return g;
}

// The device's largest moment while loading.
double load_peak(const ResolvedScenario& r, const Regime& reg, const Device& d, std::size_t ndev, const LayerWeights& lw,
                 double kv_cache) {
    double startup = d.weights + d.rope_bytes + kCudaContextGiB * kGiB;
    if (r.weights.kind == "bnb") startup += lw.largest_matrix * 2.0;  // each matrix arrives in fp16, then is quantized on the GPU
    if (reg.autoawq_fused) startup += kv_cache + (ndev > 1 ? lw.qkv_bytes * d.weights / lw.total : lw.qkv_bytes);
    return startup;
}

// Every GPU's load; returns the largest load-time peak.
double fill_gpus(const ResolvedScenario& r, const Regime& reg, const Workload& w, const LayerWeights& lw, const Placement& p,
                 const Transients& tr, Estimate& e) {
    const Architecture& a = r.model.arch;
    const std::vector<Device>& dev = p.dev;
    e.gpus.clear();
    double startup_worst = 0;
    std::size_t worst = 0;
    for (std::size_t i = 0; i < dev.size(); ++i) {
        const Device& d = dev[i];
        const double kv_cache = reg.autoawq_fused ? kv_at(d, a, w, w.n_static) : kv_at(d, a, w, w.n_end);
        // act: peak minus weights minus the final cache
        Transient act = reg.autoawq_fused ? autoawq_transient(d, dev.size(), lw, tr) : generate_transient(d, a, reg, w, tr, kv_cache);
        if (i == 0 && p.offloaded > 0) {
            act.bytes += p.offloaded_layer_max;
            act.how += " + one offloaded layer streamed in " + gib_text(p.offloaded_layer_max);
        }
        e.gpus.push_back(device_load(r, reg, w, d, i, dev.size(), kv_cache, act));
        if (e.gpus.back().total_bytes > e.gpus[worst].total_bytes) worst = i;
        startup_worst = std::max(startup_worst, load_peak(r, reg, d, dev.size(), lw, kv_cache));
    }
    e.per_gpu = e.gpus[worst];
    return startup_worst;
}

void sum_gpus(const ResolvedScenario& r, Estimate& e) {
    // the CLI and page already say "most loaded"; the role names the GPU and its layers
    const std::string ng = std::to_string(e.gpus.size()) + " GPU" + (e.gpus.size() > 1 ? "s" : "");
    add_load_bytes(e.total, e.gpus);
    e.total.weights.how = "summed over " + ng + " (" + r.weights.name + ")";
    e.total.kv_cache.how = "summed over " + ng;
    e.total.activation.how = "each GPU's own peak transient, summed (torch.cuda.max_memory_allocated per device)";
    e.total.overhead.how = "summed over " + ng;
    e.total.role = ng;
}

Estimate estimate_transformers(const ResolvedScenario& r, const EngineRelease& release) {
    Estimate e;
    const Scenario& s = r.scenario;
    const Architecture& a = r.model.arch;
    if (a.num_layers <= 0 || a.hidden_size <= 0) {
        e.error = "model: the architecture has no layers; transformers needs a config.json";
        return e;
    }
    e.ok = true;
    const Regime reg = regime_for(release);
    const Workload w = workload_of(r);
    const LayerWeights lw = layer_weights(r);
    const Placement p = place_layers(r, reg, w, lw, e.warnings);
    note_offload(p, e);
    const Transients tr{prefill_layer_activation(r, reg, w, lw.largest_matrix), logits_of(r, reg, w)};
    const double startup_worst = fill_gpus(r, reg, w, lw, p, tr, e);
    sum_gpus(r, e);

    e.startup_peak = {bytes_from(startup_worst),
                      reg.autoawq_fused ? "load: weights + static cache + fused QKV copies + CUDA context"
                                        : (r.weights.kind == "bnb" ? "load: weights + one fp16 matrix being quantized + CUDA context"
                                                                   : "load: weights + CUDA context (generate's peak is in the breakdown)")};
    e.fits = e.per_gpu.total_bytes <= r.gpu.memory_bytes && p.offloaded <= 0;
    e.headroom_bytes = signed_difference(r.gpu.memory_bytes, e.per_gpu.total_bytes);

    if (s.tp > 1)
        e.warnings.push_back("transformers' device_map=\"auto\" splits layers across GPUs (one GPU works at a time); tp is ignored");
    if (reg.full_prompt_logits && !reg.autoawq_fused && w.T >= 1024)
        e.warnings.push_back("this transformers release computes fp32 logits for all " + num(w.in_tokens) +
                             " prompt tokens (" + gib_text(tr.logits.prefill) + "); 4.45+ keeps only the last one");
    return e;
}

// ---- the profile --------------------------------------------------------------------------------

std::string load_error(const WeightFormat& f, const KvFormat&) {
    if (f.kind == "gguf") return "weights: transformers dequantizes GGUF to 16-bit on load; choose bf16 or a transformers format (awq, gptq-int4, nf4)";
    if (f.kind == "exl2") return "weights: EXL2 runs on ExLlamaV2/TabbyAPI, not transformers";
    return "";
}

// "4.38.2", "transformers 4.38", "v4.44.0", "5.0"; anything naming AutoAWQ is its fused-module variant.
std::optional<VersionKey> parse_version(std::string_view text) {
    if (lower(text).find("autoawq") != std::string::npos) return VersionKey{0, "autoawq"};
    auto n = parse_release_number(text);
    if (!n || *n < 1'000'000) return std::nullopt;  // transformers releases are 4.x and later
    return VersionKey{*n, nullptr};
}

std::string command(const ResolvedScenario& r) {
    const std::string dtype = r.weights.id == "fp32" ? "torch.float32" : r.weights.id == "fp16" ? "torch.float16" : "torch.bfloat16";
    std::string quant;
    if (r.weights.id == "nf4")
        quant = ",\n    quantization_config=BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type=\"nf4\")";
    else if (r.weights.id == "bnb-int8")
        quant = ",\n    quantization_config=BitsAndBytesConfig(load_in_8bit=True)";
    std::string code = "python - <<'EOF'\nimport torch\nfrom transformers import AutoModelForCausalLM";
    if (!quant.empty()) code += ", BitsAndBytesConfig";
    code += "\nmodel = AutoModelForCausalLM.from_pretrained(\n    \"" + model_ref(r) + "\", torch_dtype=" + dtype +
            ", device_map=\"auto\"" + quant + ")\nEOF";
    return checkpoint_note(r) + code;
}

// generate(): the context is the prompt plus the generated tokens; growing it keeps the generated
// length and grows the prompt.
Scenario with_sequence_context(Scenario s, std::int64_t context) {
    s.output_tokens = std::min(s.output_tokens, context);
    if (s.input_tokens > 0 || s.output_tokens > 0) s.input_tokens = context - s.output_tokens;
    s.context = context;
    return s;
}

}  // namespace

const EngineProfile& engine_profile_transformers() {
    static const EngineProfile profile{
        .id = "transformers",
        .name = "transformers",
        .blurb = "Hugging Face generate(): weights, the growing KV cache and the logits of a batch.",
        .aliases = {"hf", "huggingface"},
        .order = 40,
        .releases = {
            {.id = "4.38", .order = 4'038'000, .date = "2024-02",
             .label = "generate() with fp32 logits for every prompt token, tuple KV cache, per-layer rotary caches",
             .changed = "oldest release modelled: ForCausalLM.forward runs lm_head and .float() over every prompt "
                        "position; generate() passes tuple caches (the old tuple alive while each step builds the new "
                        "one); every attention layer owns a rotary cos/sin cache of max_position_embeddings",
             .source = "models/qwen2/modeling_qwen2.py Qwen2ForCausalLM.forward, Qwen2Attention (Qwen's 4.38.2 tables)"},
            {.id = "4.42", .order = k442, .date = "2024-06",
             .label = "generate() with fp32 logits for every prompt token, DynamicCache",
             .changed = "generate() keeps DynamicCache objects (no second tuple) and the rotary cache is shared; "
                        "approximate boundary: the Qwen2/Mistral code moved between 4.40 and 4.42",
             .source = "cache_utils.py DynamicCache, models/qwen2/modeling_qwen2.py Qwen2RotaryEmbedding"},
            {.id = "4.45", .order = k445, .date = "2024-09",
             .label = "generate() with last-token logits, DynamicCache",
             .changed = "the prefill computes logits only for the last position (num_logits_to_keep); _sample copies "
                        "them to fp32",
             .source = "generation/utils.py GenerationMixin._sample, ForCausalLM num_logits_to_keep (4.45.0)"},
            {.id = "4.51", .order = 4'051'000, .date = "2025-04",
             .label = "generate() with last-token logits, DynamicCache",
             .changed = "",
             .source = "checked against Qwen3's speed benchmark tables (transformers 4.51.3)"},
            {.id = "4.54", .order = k454, .date = "2025-07",
             .label = "generate() with last-token logits, DynamicCache",
             .changed = "model classes for Falcon-H1 (4.53: FalconHybridMambaAttentionDynamicCache, a conv and an SSM "
                        "state on every layer) and LFM2 (4.54: Lfm2HybridConvCache, a conv state on every layer); the "
                        "accounting of other models is 4.51's (not checked against measurements of this release)",
             .source = "models/falcon_h1/modeling_falcon_h1.py, models/lfm2/modeling_lfm2.py"},
            {.id = "4.55", .order = k455, .date = "2025-08",
             .label = "generate() with last-token logits, DynamicCache",
             .changed = "model class for GPT-OSS (GptOssForCausalLM); the accounting is 4.51's",
             .source = "v4.55.0 release notes (\"New openai GPT OSS model!\")"},
            {.id = "4.57", .order = k457, .date = "2025-10",
             .label = "generate() with last-token logits, DynamicCache",
             .changed = "model classes for Qwen3-Next and Olmo3; the accounting is 4.51's",
             .source = "v4.57.0 release notes (Qwen3-Next, ..., OLMO3)"},
            {.id = "5.3", .order = k503, .date = "2026-03",
             .label = "generate() with last-token logits, DynamicCache",
             .changed = "model classes for Qwen3.5 / Qwen3.6 (qwen3_5, qwen3_5_moe: added to main 2026-02-09, listed "
                        "in the 5.3.0 docs); the accounting is 4.51's (transformers 5 changes not checked)",
             .source = "docs model_doc/qwen3_5 and qwen3_5_moe (v5.3.0)"},
            {.id = "5.5", .order = k505, .date = "2026-04",
             .label = "generate() with last-token logits, DynamicCache",
             .changed = "model classes for Gemma 4; the accounting is 4.51's (transformers 5 changes not checked)",
             .source = "v5.5.0 release notes (\"New Model additions: Gemma4\")"},
            {.id = "autoawq", .order = 0, .date = "2023-11",
             .label = "AutoAWQ fused modules: static cache of max_seq_len, eager prefill attention, fused QKV",
             .changed = "AutoAWQ's fused modules replace transformers' attention: a static cache allocated at load, "
                        "fp16 scores + fp32 softmax at prefill, fused QKV weights made beside q/k/v",
             .source = "casper-hansen/AutoAWQ awq/modules/fused/attn.py QuantAttentionFused (3b362c0)",
             .variant = true},
        },
        .parse_version = parse_version,
        .version_forms = "a release such as 4.38.2, 4.51 or 5.0, or 'AutoAWQ 0.1.6' for AutoAWQ's fused modules",
        .load_error = load_error,
        .formats_by_quality = {"bf16", "fp8", "bnb-int8", "gptq-int8", "awq", "gptq-int4", "nf4"},
        .estimate = estimate_transformers,
        .counts_kv_cache = true,
        .reserved_fraction = nullptr,
        .command = command,
        .knobs = {},
        .knob_default = nullptr,
        .parallel = {.tensor_parallel = false, .pipeline_parallel = false, .heads_divide_tp = false,
                     .split = "accelerate device_map=\"auto\""},
        .workload = {.sequence_context = [](const Scenario& s) { return s.context; },
                     .with_sequence_context = with_sequence_context,
                     .concurrency = [](const Scenario& s) { return s.batch; },
                     .with_concurrency = [](Scenario s, std::int64_t n) { s.batch = n; return s; },
                     .min_sequence_context = [](const Scenario& s) { return std::max<std::int64_t>(1, s.output_tokens); },
                     .context_help = "Prompt + generated tokens (input and output tokens below)",
                     .concurrency_help = "Sequences generated together (generate() batch)",
                     .concurrency_knob = "",
                     .prompt_and_output = true},
        // kv_bytes_per_token_layer: the layer's own K/V heads and head size (Gemma 4 full layers); no
        // cache for KV-shared layers (cache_utils.py DynamicCache.__init__ drops the last
        // num_kv_shared_layers layer types) nor for Nemotron-H '-'/'E' blocks (HybridMambaAttentionDynamicCache
        // keeps empty tensors for non-mamba layers).
        // fixed_cache_bytes: Falcon-H1's and LFM2's hybrid caches, mllama's cross-attention K/V.
        .cache_features = {"kv_sharing", "layer_kv_geometry", "mixerless_blocks", "parallel_ssm", "short_conv", "cross_attention"},
        .release_refusal = release_refusal,
    };
    return profile;
}

}  // namespace vramcalc
