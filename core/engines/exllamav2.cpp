// ExLlamaV2 0.3.2 (turboderp-org/exllamav2 at da07facd, 2025-12-09) as TabbyAPI loads it (its
// exllamav2 backend, theroyallab/tabbyAPI backends/exllamav2/model.py before c8b9a8f, 2026-07-14,
// which removed it). What it allocates, per GPU:
//   - weights: EXL2 linear layers at their average bits per weight, the head at --head_bits
//     (conversion/convert_exl2.py default 6), norms fp16; the token embedding stays in CPU memory
//     (model.py load_autosplit_gen: module 0 is loaded with set_device_idx(-1)).
//   - cache: one paged cache of cache_size tokens shared by all sequences (TabbyAPI create_cache:
//     batch_size 1, max_seq_len = cache_size; cache_size defaults to max_seq_len and is rounded up to
//     a multiple of 256, adjust_cache_size). cache.py: FP16 = 2 bytes per value; ExLlamaV2Cache_Q4/Q6/Q8
//     store K and V in uint8 tensors of head_dim / weights_per_byte values plus fp16 scales, one per 32
//     values (shape_s), and the kernels (exllamav2_ext/cuda/cache.cu) run Q6 as K 8-bit + V 4-bit:
//     Q8 = 8.5, Q6 = 8.5 (K) + 4.5 (V), Q4 = 4.5 bits per value. Quantized caches also keep one fp16
//     K/V pair of a whole layer per device (touch_device temp_tensors) to dequantize into.
//   - scratch: each device context holds max(module.scratch_space_fixed()) bytes (model.py,
//     device.py), sized by max_input_len = TabbyAPI chunk_size (default 2048), plus RoPE sin/cos
//     tables of max_seq_len rows.
//   - autosplit (several GPUs; one GPU loads without it): modules fill GPU 0, then the next
//     (load_autosplit_gen), keeping reserve_vram per device (TabbyAPI autosplit_reserve, default
//     [96] MiB, padded with 0 for the others) and a 256 MiB minimum_reserve tensor on the device
//     being filled.
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

const EngineProfile& engine_profile_exllamav2();

namespace {

constexpr double kMaxDqSize = 512.0 * 1024 * 1024;    // config.py max_dq_size (elements)
constexpr double kMinimumReserve = 256.0 * 1024 * 1024;  // model.py minimum_reserve_vram
constexpr std::int64_t kTabbyOutputLen = 16;          // TabbyAPI: config.max_output_len = 16

std::int64_t round_up(std::int64_t x, std::int64_t m) { return m <= 0 ? x : (x + m - 1) / m * m; }

// K and V bits per value for a cache mode; 0 when TabbyAPI's exllamav2 backend has no such mode.
TabbyCacheMode cache_bits(const KvFormat& kv) {
    if (kv.id == "auto" || kv.id == "fp16" || kv.id == "bf16") return {16, 16, "FP16", false};
    if (kv.id == "q8") return {8.5, 8.5, "Q8", true};
    if (kv.id == "q6") return {8.5, 4.5, "Q6", true};
    if (kv.id == "q4") return {4.5, 4.5, "Q4", true};
    return {};
}


// TabbyAPI: chunk_size = sorted((256, chunk_size, max_seq_len))[1] rounded up to 256; the loader then
// caps max_input_len at max_seq_len (load_autosplit_gen).
std::int64_t chunk_tokens(const Scenario& s) {
    const std::int64_t user = s.chunk_size > 0 ? s.chunk_size : 2048;
    const std::int64_t mid = std::max<std::int64_t>(256, std::min(user, std::max<std::int64_t>(256, s.context)));
    return std::min(round_up(mid, 256), std::max<std::int64_t>(1, s.context));
}

double dq(double elements) { return 2.0 * std::min(elements, kMaxDqSize); }  // linear.py temp_dq_size

// max(module.scratch_space_fixed()) over attention, MLP and head (attn.py, mlp.py, moe_mlp.py, linear.py).
double scratch_fixed(const Architecture& a, double T) {
    const double H = static_cast<double>(a.hidden_size), hd = static_cast<double>(a.head_dim);
    const double q = static_cast<double>(a.num_heads) * hd, kv = static_cast<double>(a.num_kv_heads) * hd;
    const double attn = T * std::max(q, H) * 2 + 128 + dq(std::max(q * H, kv * H));
    const double inter = static_cast<double>(a.is_moe() && a.moe_intermediate_size > 0 ? a.moe_intermediate_size : a.intermediate_size);
    double mlp = T * H * 2 + 128 + 2 * (T * std::max(H, inter) * 2 + 128) + dq(H * inter);
    if (a.is_moe()) mlp += T * H * 2 + 128 + T * static_cast<double>(a.num_experts) * 2 + 128;  // gathered state, router logits
    const double head = dq(static_cast<double>(a.vocab_size) * H);
    return std::max({attn, mlp, head});
}

struct Sizes {
    TabbyCacheMode bits;
    std::int64_t tokens = 0, chunk = 0;
    double scratch = 0, rope = 0, attn_temp = 0, logits = 0, q_temp = 0;
};

Sizes sizes(const ResolvedScenario& r) {
    const Architecture& a = r.model.arch;
    const Scenario& s = r.scenario;
    Sizes z;
    z.bits = cache_bits(r.kv);
    z.tokens = tabby_cache_size(s);
    z.chunk = chunk_tokens(s);
    const double T = static_cast<double>(z.chunk), hd = static_cast<double>(a.head_dim);
    if (z.bits.quantized) {
        // ExLlamaV2Cache_Q: q_block tokens make a whole number of 512-value blocks; the length is rounded to it.
        const std::int64_t kv_dim = std::max<std::int64_t>(1, a.num_kv_heads * a.head_dim);
        std::int64_t q_block = 1;
        while ((kv_dim * q_block) % 512 != 0 && q_block < 512) ++q_block;
        z.tokens = round_up(z.tokens, q_block);
        double widest = 0;
        for (std::int64_t l = 0; l < a.num_layers; ++l) widest = std::max(widest, kv_bytes_per_token_layer(a, l, 1, 16.0));
        z.q_temp = widest * static_cast<double>(z.tokens);
    }
    z.scratch = scratch_fixed(a, T);
    z.rope = 2.0 * static_cast<double>(s.context) * hd * 2.0;                      // device.py sin, cos (fp16)
    z.attn_temp = T * static_cast<double>(a.num_heads + 2 * a.num_kv_heads) * hd * 2 + 3 * 128;  // attn.py temp_q/k/v
    z.logits = static_cast<double>(std::min<std::int64_t>(kTabbyOutputLen, z.chunk)) * static_cast<double>(a.vocab_size) * 4;
    return z;
}

GpuLoad device_load(const DeviceShare& d, const Sizes& z, double reserve, bool last, std::int64_t index) {
    GpuLoad g;
    g.weights = {bytes_from(d.weight_bytes), std::to_string(d.count) + " modules (decoder layers, then norm and head)"};
    const double cache = d.cache_bytes + (d.count > 0 ? z.q_temp : 0.0);
    g.kv_cache = {bytes_from(cache), std::to_string(z.tokens) + "-token " + z.bits.mode + " cache of these layers (" +
                                          format_fixed(z.bits.k, 1) + "-bit K, " + format_fixed(z.bits.v, 1) + "-bit V)" +
                                          (z.bits.quantized ? " + an fp16 K/V layer to dequantize into " + gib_text(z.q_temp) : "")};
    const double act = z.scratch + z.rope + z.attn_temp + (last ? z.logits : 0.0);
    g.activation = {bytes_from(act), "device scratch " + gib_text(z.scratch) + " (max scratch_space_fixed at chunk " +
                                         std::to_string(z.chunk) + ") + q/k/v of a chunk " + gib_text(z.attn_temp) +
                                         " + RoPE tables " + gib_text(z.rope) + (last ? " + logits of 16 tokens" : "")};
    const double over = kTabbyTorchContextGiB * kGiB + reserve;
    g.overhead = {bytes_from(over), "CUDA context ~" + gib_text(kTabbyTorchContextGiB * kGiB) +
                                        (reserve > 0 ? " + autosplit reserves " + gib_text(reserve) + " (held while the loader fills this GPU)" : "")};
    g.total_bytes = g.weights.bytes + g.kv_cache.bytes + g.activation.bytes + g.overhead.bytes;
    g.role = "GPU " + std::to_string(index) + (d.count > 0 ? ", modules " + std::to_string(d.first) + "-" + std::to_string(d.first + d.count - 1) : ", unused");
    return g;
}

// TabbyAPI autosplits only over several GPUs (one GPU: model.load(), no reserves); the list is padded
// with 0 MiB, and the loader holds 256 MiB more on the GPU it is filling.
std::vector<double> reserves(const Scenario& s) {
    std::vector<double> reserve(static_cast<std::size_t>(std::max(1, s.gpus)), 0.0);
    if (reserve.size() > 1) {
        reserve[0] = tabby_autosplit_reserve_mib(s) * kMiB;
        for (double& x : reserve) x += kMinimumReserve;
    }
    return reserve;
}

// The architectures[0] strings ExLlamaV2 0.3.2 recognises: the `if arch_string == ...` blocks of
// ExLlamaV2ArchParams.__init__ (exllamav2/architecture.py at da07facd). Llava and Mistral3 count only
// with a pixtral vision_config (the same file); the vision towers are not counted here anyway.
constexpr const char* kArchitectures[] = {
    "LlamaForCausalLM", "MistralForCausalLM", "MixtralForCausalLM", "LlavaForConditionalGeneration",
    "Mistral3ForConditionalGeneration", "YiForCausalLM", "OrionForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM",
    "Qwen3MoeForCausalLM", "Qwen2VLForConditionalGeneration", "Qwen2_5_VLForConditionalGeneration", "GemmaForCausalLM",
    "Gemma2ForCausalLM", "Gemma3ForConditionalGeneration", "Starcoder2ForCausalLM", "GemmoeForCausalLM", "CohereForCausalLM",
    "Cohere2ForCausalLM", "DbrxForCausalLM", "Phi3ForCausalLM", "GPTBigCodeForCausalLM", "GPT2LMHeadModel",
    "MiniCPMForCausalLM", "InternLM2ForCausalLM", "IndexForCausalLM", "GraniteForCausalLM", "Glm4ForCausalLM",
};

bool listed(const std::string& arch) {
    return std::any_of(std::begin(kArchitectures), std::end(kArchitectures), [&](const char* x) { return arch == x; });
}

// An unrecognised architecture is loaded as LlamaForCausalLM ("!! Loading as LlamaForCausalLM",
// architecture.py at da07facd), which finds its tensors only in a Llama-shaped checkpoint: a dense
// decoder of plain attention, RMSNorm, two norms and a gated MLP per layer, separate q/k/v, no other towers.
bool llama_shaped(const Architecture& a) {
    const bool plain_layers = std::all_of(a.layer_attention.begin(), a.layer_attention.end(),
                                          [](LayerAttention x) { return x == LayerAttention::Full; });
    return plain_layers && !a.is_moe() && !a.is_mla() && a.mlp == MlpKind::Gated && a.norm == NormKind::RmsNorm &&
           a.norms_per_layer == 2 && !a.fused_qkv && !a.qk_norm && !a.learned_positions && a.linear_state_bytes_per_layer == 0 &&
           a.kv_shared_layers == 0 && a.global_head_dim == 0 && a.global_kv_heads == 0 && a.cross_attention_layers.empty() &&
           !a.has_per_layer_embeddings() && !a.attn_output_gate && a.extra_params == 0;  // a vision model's layers sit under a prefix
}

Estimate estimate_exllamav2(const ResolvedScenario& r, const EngineRelease&) {
    const Architecture& a = r.model.arch;
    const Scenario& s = r.scenario;
    const Sizes z = sizes(r);
    const WeightFormat w = with_head_bits(r.weights, s.head_bits);
    TabbySplit split;
    split.modules = modules_in_load_order(a, *r.tensors, w, tabby_cache_per_layer(a, z.bits.k, z.bits.v, z.tokens, 0),
                                          w.head_bits > 0 ? w.head_bits : 16.0);
    split.reserve = reserves(s);
    split.beside_layers = z.scratch + z.rope + z.attn_temp + (z.bits.quantized ? z.q_temp : 0.0);
    split.beside_last = z.logits;
    Estimate e = tabby_placement(
        r, split, [&](const DeviceShare& d, double reserve, bool last, std::int64_t i) { return device_load(d, z, reserve, last, i); },
        "token embedding in CPU memory (" + std::to_string(a.vocab_size) + " x " + std::to_string(a.hidden_size) +
            " fp16), as ExLlamaV2 keeps it",
        "ExLlamaV2's autosplit runs out of GPUs: \"Insufficient VRAM for model and cache\"");
    e.kv_bytes_per_token = bytes_from(kv_bytes_per_token(a, (z.bits.k + z.bits.v) / 2.0));
    e.kv_cache_tokens = z.tokens;
    e.startup_peak = {e.per_gpu.total_bytes, "the loaded model: weights, cache, scratch and the load-time reserves"};
    if (a.architecture.empty())
        e.warnings.push_back("the config names no architectures: ExLlamaV2 reads architectures[0] to pick its layer layout; "
                             "answered as the layers this config describes, unchecked against ExLlamaV2's list");
    else if (!listed(a.architecture))
        e.warnings.push_back("ExLlamaV2 0.3.2 does not list " + a.architecture + "; it loads it as LlamaForCausalLM (its fallback "
                             "in exllamav2/architecture.py), which works only while the checkpoint keeps Llama's tensor names");
    if (a.is_mla() || a.linear_state_bytes_per_layer > 0)
        e.warnings.push_back("ExLlamaV2 has no MLA or linear-attention layers: this architecture is sized as plain attention");
    e.ok = true;
    return e;
}

std::string load_error(const WeightFormat& f, const KvFormat& kv) {
    if (f.kind != "exl2" && f.id != "fp16" && f.id != "bf16" && f.id != "gptq-int4")
        return "weights: ExLlamaV2 loads EXL2, GPTQ 4-bit or 16-bit checkpoints, not " + f.id;
    if (cache_bits(kv).k == 0) return "kv_dtype: TabbyAPI's ExLlamaV2 cache_mode is FP16, Q8, Q6 or Q4 (auto, q8, q6, q4), not " + kv.id;
    return "";
}

std::string release_refusal(const Architecture& a, const EngineRelease& rel) {
    if (a.architecture.empty() || listed(a.architecture) || llama_shaped(a)) return {};  // no architectures: a custom config
    return refusal_with_alternatives("ExLlamaV2 " + std::string(rel.id) + " does not load " + a.architecture +
                                         " (exllamav2/architecture.py at da07facd does not list it; its fallback loads an "
                                         "unknown architecture as LlamaForCausalLM, whose layers this model does not have)",
                                     a, engine_profile_exllamav2());
}

std::string command(const ResolvedScenario& r) {
    return tabby_config_yml(r, "exllamav2", ": a release before 2026-07-14, the last with the exllamav2 backend", cache_bits(r.kv).mode, chunk_tokens(r.scenario));
}

}  // namespace

const EngineProfile& engine_profile_exllamav2() {
    static const EngineProfile profile{
        .id = "exllamav2",
        .name = "ExLlamaV2",
        .blurb = "EXL2 on TabbyAPI / text-generation-webui: weights, a fixed cache of cache_size tokens and scratch sized by chunk_size; embedding in CPU RAM.",
        .aliases = {"exl2", "exllama2"},
        .order = 50,
        .releases = {
            {.id = "0.3.2", .order = 3'002, .date = "2025-12", .label = "paged cache, Q4/Q6/Q8 with fp16 scales per 32 values",
             .changed = "", .source = "turboderp-org/exllamav2 exllamav2/version.py at da07facd (2025-12-09); cache.py, model.py"},
        },
        .parse_version = release_version,
        .version_forms = "a release such as 0.3.2",
        .load_error = load_error,
        .formats_by_quality = {"exl2-8", "exl2-6", "exl2-5", "exl2-4.65", "exl2-4", "exl2-3.5", "exl2-3", "exl2-2.5"},
        .estimate = estimate_exllamav2,
        .counts_kv_cache = true,
        .reserved_fraction = nullptr,
        .command = command,
        .knobs = {
            {"head_bits", "head bits", "convert.py -hb: bits per weight of the output layer (default 6; 8 or 16 for fewer errors)", 2, 16},
            {"chunk_size", "chunk size", "TabbyAPI chunk_size: prompt tokens per forward pass; sizes the scratch (default 2048)"},
            {"autosplit_reserve_mib", "autosplit reserve", "TabbyAPI autosplit_reserve: MiB kept free on GPU 0 while loading (default 96)"},
        },
        .knob_default = tabby_knob_default,
        .parallel = tabby_parallel_rules(),
        .workload = tabby_workload("Tokens per sequence (TabbyAPI max_seq_len)"),
        .release_refusal = release_refusal,
    };
    return profile;
}

}  // namespace vramcalc
