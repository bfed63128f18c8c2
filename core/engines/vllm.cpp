// vLLM memory accounting, following vLLM 0.19 (the V1 engine) and, per release (.releases at the end
// and release_rules), what others did differently: the V0 engine before 0.8, the sorting top-k/top-p
// sampler before 0.17, and from 0.21 the CUDA graphs' estimate taken from the KV budget with a 0.92
// default utilization (docs/accounting/vllm.md). What vLLM 0.19 does at start-up, per worker (one GPU):
//   1. init_device (vllm/v1/worker/gpu_worker.py Worker.init_device): requested_memory =
//      total_memory x gpu_memory_utilization, taken after the CUDA context and NCCL exist.
//   2. load_model: "Model loading took X GiB" = the rank's share of the weights plus buffers the
//      model makes (rotary cos/sin cache, MLA absorbed matrices).
//   3. determine_available_memory: profile_run() under vllm/utils/mem_utils.py memory_profiling;
//      available KV = requested_memory - (weights + torch peak increase + non-torch increase).
//      The CUDA context is in the baseline, so it is not subtracted; CUDA graphs are captured after
//      the KV cache is allocated and are NOT subtracted in 0.19 unless
//      VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=1 (they live in the unrequested 1 - utilization).
//   4. vllm/v1/core/kv_cache_utils.py get_kv_cache_configs: layers grouped by KV spec, num_blocks =
//      available // page_size // group_size, the minimum over workers; "GPU KV cache size" =
//      num_blocks // num_groups x block_size; "Maximum concurrency" =
//      num_blocks / blocks one max_model_len request needs (get_max_concurrency_for_kv_cache_config).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "../checked.h"
#include "../command_text.h"
#include "../engine_profile.h"
#include "../expert_parallel.h"
#include "../kv_cache.h"
#include "../tensor_parallel.h"
#include "../text.h"

namespace vramcalc {

namespace {

constexpr std::int64_t kBlockSize = 16;  // CacheConfig.block_size default on CUDA

std::string num(double v, int decimals = 2) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::int64_t cdiv(std::int64_t a, std::int64_t b) { return b <= 0 ? 0 : (a + b - 1) / b; }

// vllm/engine/arg_utils.py get_batch_defaults (OPENAI_API_SERVER context): GPUs with >= 70 GiB
// that are not A100 get max_num_batched_tokens 8192 and max_num_seqs 1024; others 2048 and 256.
struct BatchDefaults {
    std::int64_t max_num_batched_tokens = 2048;
    std::int64_t max_num_seqs = 256;
};
BatchDefaults batch_defaults(const Gpu& gpu) {
    BatchDefaults d;
    const bool big = static_cast<double>(gpu.memory_bytes) >= 70.0 * kGiB;
    const bool a100 = lower(gpu.name + " " + gpu.id).find("a100") != std::string::npos;
    if (big && !a100) {
        d.max_num_batched_tokens = 8192;
        d.max_num_seqs = 1024;
    }
    return d;
}

// ---- what each release does differently (the rows of .releases below) -----------------------------
constexpr std::int64_t kChunkedLongContext = 6'000;  // 0.6: V0 turns chunked prefill on above 32K
constexpr std::int64_t kMemoryProfiling = 6'005;     // 0.6.5: memory_profiling; chunked steps of 2048
constexpr std::int64_t kV1Default = 8'000;           // 0.8: V1 engine by default
constexpr std::int64_t kTritonTopKTopP = 17'000;     // 0.17: top-k/top-p without sorting (PR #33538)
constexpr std::int64_t kGraphsInBudget = 21'000;     // 0.21: CUDA graph estimate taken from the budget, util 0.92
constexpr std::int64_t kRunnerV2Dense = 25'000;      // 0.25: Model Runner V2 for dense models, no graph estimate
constexpr std::int64_t kRunnerV2All = 29'000;        // 0.29: Model Runner V2 for all models, with the estimate

struct ReleaseRules {
    bool v0 = false;                   // V0 engine: vllm/worker/worker.py + vllm/worker/model_runner.py
    bool chunked_long_context = false; // V0: chunked prefill by default when max_model_len > 32K
    std::int64_t chunked_tokens = 512; // V0's max_num_batched_tokens with chunked prefill
    bool sort_sampler = false;         // the dummy sampler sorts the [rows, vocab] fp32 logits
    bool graphs_in_budget = false;     // VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS on by default
    bool dense_graphs_unestimated = false;  // dense models on Model Runner V2 estimate 0 for graphs
    double default_util = 0.9;         // CacheConfig.gpu_memory_utilization's default
};

ReleaseRules release_rules(const EngineRelease& rel) {
    ReleaseRules r;
    r.v0 = rel.order < kV1Default;
    r.chunked_long_context = r.v0 && rel.order >= kChunkedLongContext;
    r.chunked_tokens = rel.order >= kMemoryProfiling ? 2048 : 512;
    r.sort_sampler = rel.order < kTritonTopKTopP;
    r.graphs_in_budget = rel.order >= kGraphsInBudget;
    r.dense_graphs_unestimated = rel.order >= kRunnerV2Dense && rel.order < kRunnerV2All;
    r.default_util = rel.order >= kGraphsInBudget ? 0.92 : 0.9;
    return r;
}

// Whether the KV budget gives up the CUDA graphs' memory. 0.21+ estimates it before sizing the pool
// (gpu_worker.py determine_available_memory: requested - non_kv - cudagraph_memory_estimate_applied,
// capturing two graphs per mode and extrapolating); 0.25-0.28 ran dense models on Model Runner V2,
// whose profile_cudagraph_memory returned 0 (vllm #49224), so their graphs stayed outside it.
bool graphs_in_budget(const ReleaseRules& rules, const Architecture& a) {
    return rules.graphs_in_budget && !(rules.dense_graphs_unestimated && !a.is_moe());
}

// vllm/engine/arg_utils.py create_engine_config (V0, 0.6.x-0.7.x): chunked prefill is switched on
// for max_model_len > 32K unless the model has a sliding window or is multimodal (the later files
// also exclude MLA); SchedulerConfig then takes max_num_batched_tokens 512 ("Chunked prefill is
// enabled with max_num_batched_tokens=512"), 2048 in the 0.6.6 files ("chosen to have a balance
// between ITL and TTFT"; placed at 0.6.5 here, the release between is not pinned).
bool v0_chunked_by_default(const Architecture& a, std::int64_t max_model_len) {
    return max_model_len > 32 * 1024 && a.sliding_window <= 0 && a.extra_params <= 0 && !a.is_mla();
}

// V0's scheduler defaults (vllm/config.py SchedulerConfig, EngineArgs.max_num_seqs = 256 on every
// GPU): max_num_batched_tokens = max(max_model_len, 2048) without chunked prefill, 512 / 2048 with it.
BatchDefaults v0_batch_defaults(const Architecture& a, std::int64_t max_model_len, const ReleaseRules& rules) {
    BatchDefaults d;
    d.max_num_seqs = 256;
    const bool chunked = rules.chunked_long_context && v0_chunked_by_default(a, max_model_len);
    d.max_num_batched_tokens = chunked ? rules.chunked_tokens : std::max<std::int64_t>(max_model_len, 2048);
    return d;
}

// The sampler dry run's working set in copies of the [rows, vocab] fp32 logits. 0.17+: 3.25 (the
// float copy, masks and the Triton kernel's outputs; fitted to the 0.19 runs, see activation_peak).
// Before, apply_top_k_top_p (vllm/v1/sample/ops/topk_topp_sampler.py; V0's _apply_top_k_top_p in
// vllm/model_executor/layers/sampler.py) runs logits.sort() for the dummy top_k = vocab - 1 and
// top_p (0.9 in V1's _dummy_sampler_run, 0.99 in V0's profile_run): the sorted values (1 copy) and
// their int64 indices (2) are new tensors, and PyTorch's segmented radix sort keeps a second buffer
// of both while it runs (3): 6 copies more. Qwen3-14B on H100: 1024 x 151936 x 4 B = 0.58 GiB, so
// 6 x 0.58 = 3.48 GiB, against the 3.41 GiB between 0.16's 5.64 and 0.17's 2.23.
double sampler_fp32_copies(const ReleaseRules& rules) { return rules.sort_sampler ? 3.25 + 6.0 : 3.25; }

// Non-torch memory that appears during the profile run (cuBLAS workspaces, lazily loaded kernels,
// NCCL channel buffers on the first collective). Measured, not derivable from vLLM's code: 0.24-0.26
// GiB on one H100, 0.07 GiB per pipeline stage, and 2.07 (tp 2) / 2.13 (tp 4) GiB with tensor
// parallel on NVSwitch H100s, where NCCL sets up NVLink SHARP (NVLS) buffers.
double non_torch_increase_bytes(const Gpu& gpu, int tp, int pp) {
    double gib_ = pp > 1 ? 0.07 : 0.25;
    if (tp > 1) {
        const std::string ic = gpu.interconnect;
        const bool nvls = ic.find("NVLink 4") != std::string::npos || ic.find("NVLink 5") != std::string::npos ||
                          (gpu.id == "custom" && static_cast<double>(gpu.memory_bytes) >= 70.0 * kGiB);
        gib_ += nvls ? 1.82 + 0.03 * (tp - 2) : 0.25;
    }
    return gib_ * kGiB;
}

// CUDA context and the torch/NCCL state present before vLLM's baseline snapshot (outside the budget).
constexpr double kCudaContextGiB = 0.55;

// CUDA graph pool after capture (FULL_AND_PIECEWISE, capture sizes up to 512): informative in 0.19
// because it is not subtracted from the KV budget. Fitted to the "Graph capturing finished ... took
// X GiB" lines of the 0.19 H100 runs (0.5-1.2 GiB; 1.6 for MLA): a base plus a per-layer share that
// shrinks with TP.
double cuda_graph_bytes(const Architecture& a, std::int64_t layers, int tp) {
    double g = 0.38 + static_cast<double>(layers) * (0.008 + 0.0085 / std::max(1, tp));
    if (a.is_mla()) g *= 1.8;
    return g * kGiB;
}

// ---- KV cache specs and groups (vllm/v1/core/kv_cache_utils.py) -------------------------------------
enum class SpecKind { Full, Sliding, Mamba };

// One KV cache spec as get_kv_cache_spec returns them: an attention layer, a Mamba / linear-attention
// / short-conv mixer, or a DeepSeek V3.2 indexer cache. A model layer may own two (Falcon-H1:
// attention and Mamba side by side; V3.2: the MLA latent and the indexer keys) or none.
struct LayerSpec {
    std::int64_t layer = 0;        // model layer it belongs to (places it on a PP stage)
    SpecKind kind = SpecKind::Full;
    double page_bytes = 0;         // bytes of one block of this spec
    std::int64_t block_size = kBlockSize;
};

struct KvGroup {
    SpecKind kind = SpecKind::Full;
    std::vector<std::size_t> specs;  // indices into KvLayout::specs
    std::int64_t block_size = kBlockSize;
};

struct KvLayout {
    std::vector<LayerSpec> specs;       // every spec of the whole model
    std::vector<KvGroup> groups;        // global groups
    double page_bytes = 0;              // uniform page after unify (general case)
    bool uniform_type = false;          // one group, per-spec page sizes summed (UniformTypeKVCacheSpecs)
    std::int64_t stack_layers = 0;      // the decoder stack; specs past it are MTP draft layers (last stage)
};

// vllm/platforms/cuda.py check_and_update_config: "Forcing kv cache block size to 64 for
// FlashMLASparse backend" when the model has an indexer (hf_config.index_topk).
std::int64_t base_block_size(const Architecture& a) { return a.has_dsa_indexer() ? 64 : kBlockSize; }

// DeepseekV32IndexerCache.get_kv_cache_spec (vllm/model_executor/models/deepseek_v2.py): an
// MLAAttentionSpec of one uint8 "head" of index_head_dim + index_head_dim / 128 x 4 bytes per token
// (fp8 keys with one fp32 scale per 128 values), on every layer, whatever the kv_cache_dtype.
double indexer_bytes_per_token(const Architecture& a) {
    return a.has_dsa_indexer() ? static_cast<double>(a.index_head_dim + a.index_head_dim / 128 * 4) : 0.0;
}

// An attention layer's bytes per token. DeepSeek V3.2 with an fp8 cache: DeepseekV32ForCausalLM
// (vllm/model_executor/models/config.py) turns kv_cache_dtype fp8 into "fp8_ds_mla", 656 bytes per
// token: kv_lora_rank fp8 values, one fp32 scale per 128 of them, and the rope part in 16 bits.
double attention_bytes_per_token(const Architecture& a, std::int64_t layer, int tp, double kv_bits_) {
    if (a.has_dsa_indexer() && a.is_mla() && kv_bits_ <= 8.0)
        return static_cast<double>(a.kv_lora_rank + a.kv_lora_rank / 128 * 4 + a.qk_rope_head_dim * 2);
    return kv_bytes_per_token_layer(a, layer, tp, kv_bits_);
}

std::vector<LayerSpec> layer_specs(const Architecture& a, int tp, double kv_bits_, std::int64_t mtp_layers, bool v0) {
    std::vector<LayerSpec> specs;
    const std::int64_t block = base_block_size(a);
    for (std::int64_t l = 0; l < a.num_layers; ++l) {
        const auto i = static_cast<std::size_t>(l);
        const LayerAttention la = i < a.layer_attention.size() ? a.layer_attention[i] : LayerAttention::Full;
        // Nemotron-H '-' / 'E' blocks have no mixer module, so no spec. KV-sharing layers (Gemma 3n /
        // Gemma 4 kv_sharing_target_layer_name) are skipped by GPUModelRunner.get_kv_cache_spec.
        if (la == LayerAttention::None) continue;
        if (la == LayerAttention::Linear || a.parallel_ssm) specs.push_back({l, SpecKind::Mamba, 0.0, block});
        if (la == LayerAttention::Linear || a.is_kv_shared_layer(l)) continue;
        // V0's CacheEngine gives every layer the same num_gpu_blocks, sliding window or not.
        const SpecKind kind = (!v0 && la == LayerAttention::Sliding && a.sliding_window > 0) ? SpecKind::Sliding : SpecKind::Full;
        specs.push_back({l, kind, attention_bytes_per_token(a, l, tp, kv_bits_) * static_cast<double>(block), block});
        if (a.has_dsa_indexer()) specs.push_back({l, SpecKind::Full, indexer_bytes_per_token(a) * static_cast<double>(block), block});
    }
    // MTP draft layers (--speculative-config method "mtp"): the draft model's attention layers,
    // model.layers.{num_hidden_layers + i} (deepseek_mtp.py; qwen3_next_mtp.py builds them with
    // layer_type "full_attention"), are Attention modules too, so get_kv_cache_spec gives each a
    // full-attention spec like the stack's last layer and they share the pool.
    const std::int64_t last = a.num_layers - 1;
    for (std::int64_t i = 0; i < mtp_layers && last >= 0; ++i) {
        const std::int64_t l = a.num_layers + i;
        specs.push_back({l, SpecKind::Full, attention_bytes_per_token(a, last, tp, kv_bits_) * static_cast<double>(block), block});
        if (a.has_dsa_indexer()) specs.push_back({l, SpecKind::Full, indexer_bytes_per_token(a) * static_cast<double>(block), block});
    }
    return specs;
}

// One Mamba layer's state per request on one rank. The conv part follows the model dtype
// (mamba_cache_dtype "auto"); vllm/model_executor/models/config.py turns mamba_ssm_cache_dtype "auto"
// into the HF config's value for NemotronHForCausalLM (NemotronHForCausalLMConfig: mamba_ssm_cache_dtype,
// float32 for Nemotron 3) and for Qwen3.5 / Qwen3.6 (Qwen3_5ForConditionalGenerationConfig, keyed by
// Qwen3_5ForConditionalGeneration and Qwen3_5MoeForConditionalGeneration: text_config.mamba_ssm_dtype
// float32). Other families (Qwen3-Next, Granite 4.0-H, Falcon-H1) keep "auto", the model dtype.
bool ssm_dtype_from_config(const Architecture& a) {
    return a.model_type == "nemotron_h" || a.architecture == "Qwen3_5ForConditionalGeneration" ||
           a.architecture == "Qwen3_5MoeForConditionalGeneration";
}

double mamba_state_bytes(const Architecture& a, int tp) {
    double bytes = static_cast<double>(a.linear_state_bytes_per_layer);
    if (ssm_dtype_from_config(a) && a.ssm_state_dtype == "float32") {
        const LinearStateValues v = linear_state_values(a);
        bytes = v.conv * (a.torch_dtype == "float32" ? 4.0 : 2.0) + v.recurrent * 4.0;
    }
    return bytes / std::max(1, tp);
}

// vllm/model_executor/models/config.py HybridAttentionMambaModelConfig (at 1936cf38, no prefix
// caching): the attention block size grows in steps of the kernel's block alignment (16; 64 for MLA
// backends other than CUTLASS_MLA, which wants 128) until an attention page holds a mamba state;
// mamba pages are padded to that page. (FlashInfer with 256-wide heads on Blackwell aligns to 32:
// the GPU's compute capability is not modelled.)
void unify_mamba_pages(const Architecture& a, int tp, std::vector<LayerSpec>& specs) {
    double max_attn_token = 0;
    bool any_mamba = false;
    for (const LayerSpec& s : specs) {
        if (s.kind == SpecKind::Mamba) any_mamba = true;
        else max_attn_token = std::max(max_attn_token, s.page_bytes / static_cast<double>(s.block_size));
    }
    if (!any_mamba) return;
    const double mamba_state = mamba_state_bytes(a, tp);
    const std::int64_t align = a.is_mla() ? 64 : kBlockSize;
    std::int64_t attn_block = kBlockSize;
    if (max_attn_token > 0 && mamba_state > 0)
        attn_block = align * std::max<std::int64_t>(1, saturating_floor_count(std::ceil(mamba_state / (align * max_attn_token))));
    const double page = max_attn_token > 0 ? attn_block * max_attn_token : mamba_state;
    for (auto& s : specs) {
        s.block_size = attn_block;
        s.page_bytes = page;
    }
}

KvLayout kv_layout(const Architecture& a, int tp, double kv_bits_, std::int64_t mtp_layers = 0, bool v0 = false) {
    KvLayout out;
    out.stack_layers = a.num_layers;
    out.specs = layer_specs(a, tp, kv_bits_, mtp_layers, v0);
    unify_mamba_pages(a, tp, out.specs);
    std::map<int, std::vector<std::size_t>> by_kind;
    for (std::size_t i = 0; i < out.specs.size(); ++i) by_kind[static_cast<int>(out.specs[i].kind)].push_back(i);
    if (by_kind.size() == 1 && by_kind.begin()->first != static_cast<int>(SpecKind::Mamba)) {
        // Uniform spec or uniform type (the V3.2 latent and indexer specs): one group holding every spec.
        KvGroup g;
        g.kind = static_cast<SpecKind>(by_kind.begin()->first);
        g.specs = by_kind.begin()->second;
        g.block_size = out.specs[g.specs.front()].block_size;
        out.groups.push_back(g);
        out.uniform_type = true;
        return out;
    }
    // unify_kv_cache_spec_page_size: a smaller page that divides the largest gets a larger block size;
    // one that does not keeps its block and is padded (page_size_padded; releases before the padding
    // refused such models with NotImplementedError). Mamba pages are sized by their state, not blocks.
    double max_page = 0;
    for (const auto& s : out.specs) max_page = std::max(max_page, s.page_bytes);
    const std::int64_t max_page_int = saturating_round(max_page);
    for (auto& s : out.specs)
        if (s.page_bytes > 0 && s.page_bytes < max_page && s.kind != SpecKind::Mamba) {
            const std::int64_t page = saturating_round(s.page_bytes);
            if (page > 0 && max_page_int % page == 0) s.block_size *= max_page_int / page;
            s.page_bytes = max_page;
        }
    out.page_bytes = max_page;
    // _get_kv_cache_groups_uniform_page_size: group size = fewest specs of one type, or the most
    // when max < 1.5 x min; each type split into cdiv(n, group_size) groups, specs[i::num_groups].
    std::size_t min_n = out.specs.size(), max_n = 0;
    for (const auto& [k, v] : by_kind) {
        min_n = std::min(min_n, v.size());
        max_n = std::max(max_n, v.size());
    }
    const std::int64_t group_size = static_cast<std::int64_t>(
        static_cast<double>(max_n) < static_cast<double>(min_n) * 1.5 ? max_n : min_n);
    for (const auto& [k, v] : by_kind) {
        const std::int64_t ng = cdiv(static_cast<std::int64_t>(v.size()), group_size);
        for (std::int64_t gi = 0; gi < ng; ++gi) {
            KvGroup g;
            g.kind = static_cast<SpecKind>(k);
            for (std::size_t j = static_cast<std::size_t>(gi); j < v.size(); j += static_cast<std::size_t>(ng)) g.specs.push_back(v[j]);
            g.block_size = out.specs[g.specs.front()].block_size;
            out.groups.push_back(g);
        }
    }
    return out;
}

// MTP drafting (--speculative-config method "mtp"): the families whose MTP model this profile reads.
// DeepSeek V3 / V3.2 and GLM-4.5 (deepseek_mtp.py, glm4_moe_mtp.py: eh_proj a plain nn.Linear) and
// Qwen3-Next / Qwen3.5 (qwen3_next_mtp.py, qwen3_5_mtp.py: fc a ColumnParallelLinear).
bool mtp_fc_parallel(const Architecture& a) { return a.model_type.rfind("qwen3_", 0) == 0; }
bool mtp_modelled(const Architecture& a) {
    static const char* const kinds[] = {"deepseek_v3", "deepseek_v32", "glm4_moe", "qwen3_next", "qwen3_5",
                                        "qwen3_5_text", "qwen3_5_moe", "qwen3_5_moe_text"};
    for (const char* k : kinds)
        if (a.model_type == k) return true;
    return false;
}

// One MTP module on one TP rank as vLLM builds it (vllm-project/vllm deepseek_mtp.py at 03356f8c,
// qwen3_next_mtp.py at 055e47c2): one decoder layer like the stack's last (MLA and MoE included),
// two input norms and an output norm, and the [hidden, 2 x hidden] projection of the embedding and
// hidden state side by side. The embedding and lm_head are the target's (spec_decode proposer
// load_model: MTP drafts share embed_tokens with PP = 1 and take the target's lm_head, or its
// shared_head.head when equal), so they are not counted again.
double mtp_module_bytes(const std::vector<TensorGroup>& tensors, const Architecture& a, const WeightFormat& f, int tp,
                        double model_dtype_bytes) {
    const std::int64_t last = a.num_layers - 1;
    double b = 0;
    for (const TensorGroup& t : tensors)
        if (t.layer == last) b += static_cast<double>(tensor_bytes(f, t, a)) * tp_shard_fraction(t, a, tp);
    const double h = static_cast<double>(a.hidden_size);
    if (mtp_fc_parallel(a)) {
        const TensorGroup fc{TensorRole::MlpUp, -1, a.hidden_size, 2 * a.hidden_size, 1, false};
        b += static_cast<double>(tensor_bytes(f, fc, a)) / std::max(1, tp);
    } else {
        b += 2.0 * h * h * model_dtype_bytes;  // eh_proj: nn.Linear, unquantized, on every rank
    }
    b += 3.0 * h * model_dtype_bytes;
    // MLA: the draft layer's W_UK_T / W_UV copy of kv_b_proj, as for every stack layer (finish_stage).
    if (a.is_mla())
        b += static_cast<double>(a.kv_lora_rank) * (static_cast<double>(a.num_heads) / std::max(1, tp)) *
             static_cast<double>(a.qk_nope_head_dim + a.value_head_dim()) * model_dtype_bytes;
    return b;
}

// Blocks one request of max_model_len needs in a group (KVCacheSpec.max_memory_usage_bytes / page).
std::int64_t blocks_per_request(const Architecture& a, const KvGroup& g, std::int64_t max_model_len,
                                std::int64_t max_num_batched_tokens) {
    switch (g.kind) {
        case SpecKind::Full:
            return cdiv(max_model_len, g.block_size);
        case SpecKind::Sliding: {
            // SlidingWindowSpec: the last sliding_window - 1 tokens plus one scheduled chunk, + 1 block
            // because the window need not start at a block boundary.
            const std::int64_t tokens = std::min(a.sliding_window - 1 + max_num_batched_tokens, max_model_len);
            return cdiv(tokens, g.block_size) + 1;
        }
        case SpecKind::Mamba:
            return 1;  // MambaSpec, mamba_cache_mode "none": one state per request
    }
    return 0;
}

struct WorkerKv {
    double group_size = 0;      // KV tensors on this worker (layers per group, projected)
    double bytes_per_block = 0; // group_size x page, or the sum of per-layer pages (uniform type)
};

WorkerKv worker_kv(const KvLayout& lay, const PpStage& st) {
    WorkerKv w;
    auto here = [&](std::size_t i) {
        const std::int64_t l = lay.specs[i].layer;
        if (l >= lay.stack_layers) return st.last;  // MTP draft layers
        return l >= st.first_layer && l < st.first_layer + st.num_layers;
    };
    if (lay.uniform_type) {
        double sum = 0, cnt = 0;
        for (std::size_t i : lay.groups.front().specs)
            if (here(i)) {
                sum += lay.specs[i].page_bytes;
                cnt += 1;
            }
        w.group_size = cnt;
        w.bytes_per_block = sum;
        return w;
    }
    double gs = 0;
    for (const auto& g : lay.groups) {
        double c = 0;
        for (std::size_t i : g.specs)
            if (here(i)) c += 1;
        gs = std::max(gs, c);
    }
    w.group_size = gs;
    w.bytes_per_block = gs * lay.page_bytes;
    return w;
}

// ---- activation peak of profile_run (vllm/v1/worker/gpu_model_runner.py) ---------------------------
struct ActivationParts {
    double forward = 0;       // dense MLP of one layer at max_num_batched_tokens
    double sampler = 0;       // _dummy_sampler_run on the last PP stage
    double moe_workspace = 0; // fused-MoE workspace, kept by the workspace manager
    double pp_buffers = 0;    // IntermediateTensors (hidden + residual) between PP stages
    double total = 0;
    std::string how;
};

ActivationParts activation_peak(const Architecture& a, const PpStage& st, int tp, int pp, double act_bytes,
                                std::int64_t tokens, std::int64_t seqs, int moe_tp, const ReleaseRules& rules) {
    ActivationParts p;
    const double T = static_cast<double>(tokens);
    const double H = static_cast<double>(a.hidden_size);
    const double tpd = static_cast<double>(std::max(1, tp));
    // Widest dense MLP on this stage (dense layers or a shared expert).
    double width = 0;
    bool any_moe = false;
    for (std::int64_t l = st.first_layer; l < st.first_layer + st.num_layers; ++l) {
        if (a.is_moe_layer(l)) {
            any_moe = true;
            width = std::max(width, static_cast<double>(a.shared_expert_intermediate_size + a.num_shared_experts * a.moe_intermediate_size));
        } else {
            width = std::max(width, static_cast<double>(a.intermediate_size));
        }
    }
    const double w_rank = width / tpd;
    const double up_cols = a.mlp == MlpKind::Gated ? 2.0 : 1.0;
    // Forward at the MLP: gate_up output + activation output + ~4 hidden-sized buffers (residual,
    // normed input, attention output, layer output); the constant 4.25 is fitted to the two dense
    // 0.19 runs whose peak is the forward pass (CodeLlama-7B 0.77, Granite-3.1-8B 0.85 GiB).
    p.forward = T * (up_cols + 1.0) * w_rank * act_bytes + 4.25 * T * H * act_bytes;
    if (any_moe && a.moe_intermediate_size > 0) {
        // FusedMoEModularKernel workspaces (workspace13 = M x topk x max(2N, K), workspace2 =
        // M x topk x N) live in the persistent workspace manager, so they add to every later peak.
        // With expert parallel each rank runs whole experts (moe_tp 1).
        const double n_rank = static_cast<double>(a.moe_intermediate_size) / std::max(1, moe_tp);
        const double k = static_cast<double>(std::max<std::int64_t>(1, a.experts_per_token));
        p.moe_workspace = T * k * (std::max(2.0 * n_rank, H) + n_rank) * act_bytes;
    }
    if (st.last) {
        // _dummy_sampler_run with max_num_seqs rows: the hidden states of the whole dummy batch stay
        // alive, the lm_head logits [seqs, vocab] in the model dtype are kept by the caller, and the
        // sampler works on fp32 logits (float copy, top-k/top-p sort values and int64 indices, masks):
        // 3.25 x the fp32 logits, from the 0.19 runs whose peak is the sampler (Llama 3.1 8B 1.89 GiB
        // at tp 1, 2 and 4: logits are gathered to every TP rank; Gemma 2 3.62-3.66 GiB).
        const double S = static_cast<double>(std::min(seqs, tokens));
        const double V = static_cast<double>(a.vocab_size);
        p.sampler = T * H * act_bytes + S * V * act_bytes + sampler_fp32_copies(rules) * S * V * 4.0;
    }
    if (pp > 1) p.pp_buffers = 2.0 * T * H * act_bytes;
    // V0's fused_moe allocates its intermediate caches inside each call (vllm/model_executor/layers/
    // fused_moe/fused_moe.py fused_experts), so they end with the forward instead of staying on.
    if (rules.v0) p.total = std::max(p.forward + p.moe_workspace, p.sampler) + p.pp_buffers;
    else p.total = std::max(p.forward, p.sampler) + p.moe_workspace + p.pp_buffers;
    std::string how;
    if (p.sampler >= p.forward)
        how = "sampler dry run: " + std::to_string(std::min(seqs, tokens)) + " seqs x " + std::to_string(a.vocab_size) +
              " vocab logits (" + num(act_bytes, 0) + " B kept + " + num(sampler_fp32_copies(rules)) + " x fp32 working set" +
              (rules.sort_sampler ? ", top-k/top-p by sorting" : "") + ") + hidden states of " +
              std::to_string(tokens) + " tokens = " + gib_text(p.sampler);
    else
        how = "forward of " + std::to_string(tokens) + " tokens (max_num_batched_tokens): MLP " +
              std::to_string(static_cast<std::int64_t>(w_rank)) + " wide per rank + 4.25 x hidden = " + gib_text(p.forward);
    if (p.moe_workspace > 0) how += " + fused-MoE workspace " + gib_text(p.moe_workspace);
    if (p.pp_buffers > 0) how += " + PP hidden/residual buffers " + gib_text(p.pp_buffers);
    p.how = how;
    return p;
}

// ---- multimodal encoder profiling (vllm/v1/worker/gpu_model_runner.py profile_run, at 000fc94b) ------
// Before the text dummy run, profile_run builds one dummy batch of the modality with the most tokens
// per item (_get_mm_dummy_batch: the processor's largest item, repeated max_mm_items_per_batch times),
// runs embed_multimodal on it and keeps the outputs in encoder_cache until the text dummy run and
// the sampler are done; the batched inputs stay referenced (a local of profile_run) as well. Inputs
// arrive in the model dtype (vllm/multimodal/processing.py _postprocess_output casts floating tensors,
// "mimics transformers.BatchFeature", at e4a33b45). So the torch peak is the larger of the encoder's
// own peak and the text run's peak plus what stays alive. Images only: video items are not sized.
struct EncoderProfile {
    bool modelled = false;
    std::int64_t tokens_per_item = 0;   // output tokens of one image (placeholder embeddings)
    std::int64_t patches_per_item = 0;  // ViT sequence length of one image
    std::int64_t items = 0;             // max_mm_items_per_batch
    double inputs = 0;                  // pixel values of the dummy batch (kept)
    double outputs = 0;                 // encoder outputs in encoder_cache (kept)
    double peak = 0;                    // torch peak while the encoder runs
    std::string how;
};

EncoderProfile encoder_profile(const Architecture& a, int tp, double act_bytes, std::int64_t mnbt, std::int64_t max_seqs,
                               std::int64_t max_model_len) {
    EncoderProfile p;
    const auto& v = a.vision;
    if (v.family.empty()) return p;
    double pixel_dim = 0;   // values per patch (or per image for SigLIP's [3, H, W])
    double resident = 0;    // hidden-sized [patches, hidden] tensors alive through a block's MLP
    if (v.family == "gemma3_siglip") {
        // gemma3_mm.py (at e5fa9450): pan-and-scan off by default, so the largest image is one
        // image_size square crop of (image_size / patch)^2 SigLIP patches, pooled to
        // mm_tokens_per_image embeddings. SiglipEncoderLayer keeps the residual and the layer-norm
        // output beside the MLP's fc1 and activation outputs.
        const std::int64_t side = v.image_size / v.patch_size;
        p.patches_per_item = side * side;
        p.tokens_per_item = v.tokens_per_image;
        pixel_dim = static_cast<double>(v.channels * v.image_size * v.image_size) / static_cast<double>(p.patches_per_item);
        resident = 2;
    } else {
        // Qwen2-VL processing (qwen2_vl.py get_image_size_with_most_features): smart_resize of a huge
        // image down to the preprocessor's max_pixels, in whole (patch x merge) cells. max_pixels of the
        // checkpoints' preprocessor_config.json: 12845056 (Qwen2.5-VL), size.longest_edge 16777216
        // (Qwen3-VL, Qwen3.5): both 128 x 128 merged tokens, 16384 per image at patch 14 / 16 (the
        // Qwen3.5-9B log: "budget of 16384 tokens, and profiled with 1 image items").
        const double max_pixels = v.family == "qwen_vl" ? 12845056.0 : 16777216.0;
        const std::int64_t cell = v.patch_size * v.spatial_merge;
        const std::int64_t cells = static_cast<std::int64_t>(std::floor(std::sqrt(max_pixels) / static_cast<double>(cell)));
        const std::int64_t side = cells * v.spatial_merge;
        p.patches_per_item = side * side;
        p.tokens_per_item = cells * cells;
        pixel_dim = static_cast<double>(v.channels * v.temporal_patch * v.patch_size * v.patch_size);
        // qwen3_vl.py (at 4f5768c7) Qwen3_VisionTransformer.forward keeps pos_embeds as a local beside
        // the residual and the norm output; qwen2_5_vl.py (at fb33ec8c) has no learned positions.
        resident = v.family == "qwen3_vl" ? 3 : 2;
    }
    if (p.tokens_per_item <= 0 || p.patches_per_item <= 0) return p;
    // vllm/multimodal/encoder_budget.py MultiModalBudget (at 042a4d3e) with compute_mm_encoder_budget:
    // budget = max(max_num_batched_tokens, tokens of the largest item); items per batch = budget //
    // item tokens, at most max_num_seqs x items per prompt (limit 999, max_model_len // item tokens).
    const std::int64_t budget = std::max(mnbt, p.tokens_per_item);
    const std::int64_t per_prompt = std::max<std::int64_t>(1, std::min<std::int64_t>(999, max_model_len / p.tokens_per_item));
    p.items = std::max<std::int64_t>(1, std::min(budget / p.tokens_per_item, max_seqs * per_prompt));
    const double P = static_cast<double>(p.items) * static_cast<double>(p.patches_per_item);
    const double T = static_cast<double>(p.items) * static_cast<double>(p.tokens_per_item);
    const double h = static_cast<double>(v.hidden);
    // The ViT is tensor-parallel (mm_encoder_tp_mode "weights"): fc1 / gate_up are column-parallel.
    const double i_rank = static_cast<double>(v.intermediate) / std::max(1, tp);
    const double mlp_cols = v.gated_mlp ? 3.0 * i_rank : 2.0 * i_rank;  // gate_up (2i) + act (i), or fc1 + act
    p.inputs = P * pixel_dim * act_bytes;
    const double out_w = static_cast<double>(v.out_hidden) * static_cast<double>(1 + v.deepstack);
    p.outputs = T * out_w * act_bytes;
    // Deepstack features of the earlier layers are held until the merger runs.
    const double deepstack_held = T * static_cast<double>(v.out_hidden) * static_cast<double>(v.deepstack) * act_bytes;
    p.peak = p.inputs + P * (resident * h + mlp_cols) * act_bytes + deepstack_held;
    p.modelled = true;
    p.how = "encoder on " + std::to_string(p.items) + " dummy image" + (p.items > 1 ? "s" : "") + " of " +
            std::to_string(p.tokens_per_item) + " tokens (" + std::to_string(p.patches_per_item) + " patches each): inputs " +
            gib_text(p.inputs) + " + ViT MLP working set " + gib_text(P * (resident * h + mlp_cols) * act_bytes) +
            (deepstack_held > 0 ? " + deepstack features " + gib_text(deepstack_held) : "") + " = " + gib_text(p.peak);
    return p;
}

// The profile run's torch peak with the encoder pass in front of the text dummy run.
void add_encoder_profile(ActivationParts& act, const EncoderProfile& enc) {
    if (!enc.modelled) return;
    const double text_phase = act.total + enc.inputs + enc.outputs;
    if (enc.peak >= text_phase) {
        act.total = enc.peak;
        act.how = enc.how + " (above the text run's " + gib_text(text_phase) + ")";
    } else {
        act.total = text_phase;
        act.how += " + the encoder's dummy inputs and outputs kept " + gib_text(enc.inputs + enc.outputs) + " (its own pass peaks at " +
                   gib_text(enc.peak) + ")";
    }
}

// The scheduler defaults the release gives this GPU and model (V1: by GPU; V0: by max_model_len).
BatchDefaults release_batch_defaults(const ResolvedScenario& r, const ReleaseRules& rules) {
    if (!rules.v0) return batch_defaults(r.gpu);
    const Scenario& s = r.scenario;
    const std::int64_t len = s.max_model_len_auto && r.model.arch.max_context > 0 ? r.model.arch.max_context : s.context;
    return v0_batch_defaults(r.model.arch, len, rules);
}

// ---- estimate_vllm, in steps ---------------------------------------------------------------------

// What the scenario asks of every worker: the memory budget, the scheduler limits, the dtypes.
struct VllmSettings {
    int tp = 1, pp = 1;
    double util = 0.9;             // gpu_memory_utilization
    double mem = 0;                // one GPU's memory
    double requested = 0;          // util x mem
    BatchDefaults defs;            // the release's defaults for this GPU
    std::int64_t mnbt = 0;         // max_num_batched_tokens
    std::int64_t max_seqs = 0;     // max_num_seqs
    std::int64_t seqs = 0;         // requests in the profile run's dummy batch
    std::int64_t max_len = 0;      // max_model_len (auto: the longest that fits, set once the stages are known)
    double model_dtype_bytes = 2.0;
    double kvb = 16.0;             // KV cache bits per value
    std::int64_t mtp = 0;          // MTP draft layers (0: no drafting)
};

VllmSettings vllm_settings(const ResolvedScenario& r, const ReleaseRules& rules) {
    VllmSettings v;
    const Scenario& s = r.scenario;
    const Architecture& a = r.model.arch;
    v.tp = std::max(1, s.tp);
    v.pp = std::max(1, s.pp);
    v.util = s.gpu_mem_util > 0 ? s.gpu_mem_util : rules.default_util;
    v.mem = static_cast<double>(r.gpu.memory_bytes);
    v.requested = v.util * v.mem;
    v.defs = release_batch_defaults(r, rules);
    v.mnbt = s.max_batched_tokens > 0 ? s.max_batched_tokens : v.defs.max_num_batched_tokens;
    // The profile run's dummy batch has min(max_num_batched_tokens, max_num_seqs) requests
    // (vllm/v1/worker/gpu_model_runner.py _dummy_run: max_num_reqs = scheduler_config.max_num_seqs;
    // num_reqs = min(num_tokens, max_num_reqs)), and the sampler dry run one logits row per request.
    // A batch above 1 is the --max-num-seqs the command line passes; otherwise the GPU's default.
    // V0's profile_run (vllm/worker/model_runner.py) splits max_num_batched_tokens over max_num_seqs
    // dummy sequences and samples one row for each: the same counts.
    v.max_seqs = s.batch > 1 ? static_cast<std::int64_t>(s.batch) : v.defs.max_num_seqs;
    v.seqs = std::min<std::int64_t>(v.max_seqs, v.mnbt);
    v.max_len = s.context;
    v.model_dtype_bytes = r.weights.id == "fp32" ? 4.0 : 2.0;
    // kv_cache_dtype "auto" is the dtype the model runs in (--dtype), which the weight format sets
    // here: an fp32 run keeps an fp32 cache, a 16-bit run of an fp32 checkpoint a 16-bit one.
    v.kvb = kv_bits(r.kv, a, r.weights);
    if (r.kv.id == "auto" && (r.weights.id == "fp32" || r.weights.id == "fp16" || r.weights.id == "bf16"))
        v.kvb = r.weights.id == "fp32" ? 32.0 : 16.0;
    // MTP drafting: the draft's layers join the KV pool and its module the last stage's weights.
    v.mtp = s.mtp_tokens > 0 ? a.mtp_layers : 0;
    return v;
}

// The MTP layouts this profile does not answer; "" when drafting is off or modelled.
std::string mtp_refusal(const Architecture& a, const VllmSettings& v, const ReleaseRules& rules) {
    if (v.mtp <= 0) return "";
    if (!mtp_modelled(a))
        return "mtp_tokens: vLLM's MTP draft for model_type " + a.model_type + " is not modelled (DeepSeek V3/V3.2, "
               "GLM-4.5/4.6, Qwen3-Next and Qwen3.5 are); set it to 0";
    if (v.pp > 1) return "mtp_tokens: MTP speculative decoding with pipeline parallelism is not modelled; use tp only";
    if (rules.v0) return "mtp_tokens: MTP drafting on vLLM's V0 engine (before 0.8) is not modelled; choose 0.8 or newer";
    return "";
}

// The tensors vLLM loads. Text-only (--limit-mm-per-prompt with every modality 0):
// SupportsMultiModal._mark_tower_model (vllm/model_executor/models/interfaces.py; gemma3_mm.py and
// qwen3_vl.py build their towers inside it) leaves the towers unbuilt, so their weights (the Extra
// group) are not loaded. Not copyable: `tensors` and `files` may point into the object itself.
struct LoadedTensors {
    bool text_only = false;
    std::vector<TensorGroup> lm_tensors;        // the language model's alone (text_only)
    std::optional<FileWeights> lm_files;
    const std::vector<TensorGroup>* tensors = nullptr;
    const FileWeights* files = nullptr;
    LoadedTensors() = default;
    LoadedTensors(const LoadedTensors&) = delete;
    LoadedTensors& operator=(const LoadedTensors&) = delete;
};

void select_loaded_tensors(const ResolvedScenario& r, LoadedTensors& out) {
    out.text_only = r.scenario.mm_text_only && r.model.arch.extra_params > 0;
    if (out.text_only) {
        for (const TensorGroup& t : *r.tensors)
            if (t.role != TensorRole::Extra) out.lm_tensors.push_back(t);
        if (const FileWeights* f = matching_file_weights(r)) {
            out.lm_files = *f;
            std::erase_if(out.lm_files->groups, [](const FileWeightGroup& g) { return g.role == TensorRole::Extra; });
        }
    }
    out.tensors = out.text_only ? &out.lm_tensors : &*r.tensors;
    out.files = out.text_only ? (out.lm_files ? &*out.lm_files : nullptr) : matching_file_weights(r);
}

// "Model loading took" per PP stage, with the MTP draft modules on the last stage.
std::vector<RankWeights> vllm_stage_weights(const ResolvedScenario& r, const VllmSettings& v, const LoadedTensors& lt,
                                            const RankShard& shard, const std::vector<PpStage>& stages) {
    const Architecture& a = r.model.arch;
    // MXFP4 MoE (gpt-oss): vllm/model_executor/layers/fused_moe/oracle/mxfp4.py (at 001eda31)
    // mxfp4_round_up_hidden_size_and_intermediate_size rounds each expert's intermediate per partition
    // up to 64 on the Triton backend (Hopper: "Using 'TRITON' Mxfp4 MoE backend"), to 128 or 256 on the
    // CUTLASS, Marlin and TRT-LLM ones (which also pad hidden); 64 is modelled, the least of them.
    RankShard weight_shard = shard;
    weight_shard.expert_intermediate_align = 64;
    auto stage_weights = stage_weight_bytes(*lt.tensors, a, r.weights, weight_shard, stages, v.model_dtype_bytes, lt.files);
    if (lt.text_only && !stage_weights.empty()) stage_weights.front().how += " (no vision tower: every modality limit is 0)";
    if (v.mtp > 0 && !stage_weights.empty()) {
        const double draft = static_cast<double>(v.mtp) * mtp_module_bytes(*lt.tensors, a, r.weights, v.tp, v.model_dtype_bytes);
        RankWeights& w = stage_weights.back();
        w.bytes += bytes_from(draft);
        w.how += " + " + std::to_string(v.mtp) + " MTP draft module" + (v.mtp > 1 ? "s " : " ") + gib_text(draft) +
                 " (--speculative-config method mtp)";
    }
    return stage_weights;
}

// One PP stage's worker (its TP ranks are alike): what the profile run leaves for the KV cache.
struct StageResult {
    PpStage st;
    RankWeights w;
    double weights_gpu = 0, offloaded = 0;
    ActivationParts act;
    double non_torch = 0, graphs = 0, avail = 0;
    double budget_graphs = 0;      // the graphs taken from the KV budget (0.21+), else 0
    WorkerKv kv;
    std::int64_t blocks = 0;
};

// What every stage shares: the model, the release, the expert layout, the KV layout, the encoder pass.
struct StageInputs {
    const ResolvedScenario& r;
    const ReleaseRules& rules;
    const VllmSettings& v;
    const LoadedTensors& lt;
    const ExpertLayout& xl;
    const KvLayout& lay;
    const EncoderProfile& enc;
};

StageResult stage_result(const StageInputs& in, const PpStage& st, const RankWeights& w) {
    const Scenario& s = in.r.scenario;
    const Architecture& a = in.r.model.arch;
    const VllmSettings& v = in.v;
    StageResult x;
    x.st = st;
    x.w = w;
    // --cpu-offload-gb: that many GiB of each GPU's weights stay in pinned host memory, whole
    // parameters in layer order (tensor_parallel.h cpu_offload_bytes; the files' own bytes: the budget).
    x.offloaded = std::min(static_cast<double>(x.w.bytes),
                           s.cpu_offload_gib <= 0 ? 0.0
                           : in.lt.files ? s.cpu_offload_gib * kGiB
                                         : cpu_offload_bytes(*in.lt.tensors, a, in.r.weights, in.xl.shard, st, s.cpu_offload_gib * kGiB));
    x.weights_gpu = static_cast<double>(x.w.bytes) - x.offloaded;
    x.act = activation_peak(a, st, v.tp, v.pp, v.model_dtype_bytes, v.mnbt, v.seqs, in.xl.shard.moe_tp, in.rules);
    // The vision tower runs on the first PP stage, which embeds the inputs.
    if (st.first_layer == 0) add_encoder_profile(x.act, in.enc);
    x.non_torch = non_torch_increase_bytes(in.r.gpu, v.tp, v.pp);
    // A calibration from the user's own log replaces the modelled terms (docs/logs.md).
    if (s.cal_activation_gib > 0) {
        x.act.total = s.cal_activation_gib * kGiB;
        x.act.how = "calibrated: " + gib_text(x.act.total) + " torch peak increase, as your log printed it";
    }
    if (s.cal_non_torch_gib > 0) x.non_torch = s.cal_non_torch_gib * kGiB;
    x.graphs = s.enforce_eager ? 0.0 : cuda_graph_bytes(a, st.num_layers, v.tp);
    // --kv-cache-memory-bytes: that budget as given, profile run or not (gpu_worker.py
    // determine_available_memory returns it and ignores gpu_memory_utilization and the graphs).
    x.budget_graphs = s.kv_cache_memory_bytes <= 0 && graphs_in_budget(in.rules, a) ? x.graphs : 0.0;
    x.avail = s.kv_cache_memory_bytes > 0 ? static_cast<double>(s.kv_cache_memory_bytes)
                                          : v.requested - (x.weights_gpu + x.act.total + x.non_torch + x.budget_graphs);
    x.kv = worker_kv(in.lay, st);
    x.blocks = (x.avail > 0 && x.kv.bytes_per_block > 0)
                   ? saturating_floor_count(x.avail / x.kv.bytes_per_block)
                   : 0;
    return x;
}

// num_blocks is the minimum over the workers that hold KV cache (0 when none can).
std::int64_t common_block_count(const std::vector<StageResult>& res) {
    std::int64_t min_blocks = -1;
    for (const StageResult& x : res)
        if (x.kv.bytes_per_block > 0) min_blocks = min_blocks < 0 ? x.blocks : std::min(min_blocks, x.blocks);
    return min_blocks < 0 ? 0 : min_blocks;
}

// estimate_max_model_len (kv_cache_utils.py): the longest length, at most `cap`, whose blocks fit
// every worker's KV memory. `--max-model-len -1` (auto, original_max_model_len == -1) makes it
// max_model_len, searched up to the model's own limit (_auto_fit_max_model_len).
std::int64_t longest_fitting(const Architecture& a, const KvLayout& lay, const std::vector<StageResult>& res,
                             std::int64_t mnbt, std::int64_t cap) {
    std::int64_t lo = 0, hi = cap;
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo + 1) / 2;
        std::int64_t b = 0;
        for (const auto& g : lay.groups) b += blocks_per_request(a, g, mid, mnbt);
        bool fits_all = true;
        for (const auto& x : res) fits_all = fits_all && static_cast<double>(b) * x.kv.bytes_per_block <= x.avail;
        if (fits_all) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

// Tokens and concurrency as vLLM reports them (_report_kv_cache_config).
struct KvReport {
    std::int64_t blocks = 0;          // num_blocks, common to every worker
    std::int64_t n_groups = 1;
    std::int64_t min_block_size = kBlockSize;
    std::int64_t tokens = 0;          // "GPU KV cache size"
    std::int64_t blocks_req = 0;      // blocks one max_model_len request needs over all groups
    double concurrency = 0;           // "Maximum concurrency"
};

KvReport kv_report(const Architecture& a, const KvLayout& lay, std::int64_t min_blocks, std::int64_t max_len, std::int64_t mnbt) {
    KvReport k;
    k.blocks = min_blocks;
    k.n_groups = std::max<std::int64_t>(1, static_cast<std::int64_t>(lay.groups.size()));
    for (const auto& g : lay.groups) k.min_block_size = std::min(k.min_block_size, g.block_size);
    if (!lay.groups.empty()) {
        k.min_block_size = lay.groups.front().block_size;
        for (const auto& g : lay.groups) k.min_block_size = std::min(k.min_block_size, g.block_size);
    }
    k.tokens = min_blocks / k.n_groups * k.min_block_size;
    for (const auto& g : lay.groups) k.blocks_req += blocks_per_request(a, g, max_len, mnbt);
    k.concurrency = k.blocks_req > 0 ? static_cast<double>(min_blocks) / static_cast<double>(k.blocks_req) : 0.0;
    return k;
}

// One TP rank of PP stage i: the pool fills what the profile run left (x.avail), in whole blocks.
GpuLoad stage_load(const Scenario& s, const VllmSettings& v, const KvReport& k, const StageResult& x, std::size_t i) {
    const std::string budget_how = s.kv_cache_memory_bytes > 0
        ? "--kv-cache-memory-bytes " + gib_text(static_cast<double>(s.kv_cache_memory_bytes)) + " (gpu_memory_utilization ignored)"
        : "gpu_memory_utilization " + num(v.util) + " x " + gib_text(v.mem) + " = " + gib_text(v.requested);
    GpuLoad g;
    g.weights.bytes = bytes_from(x.weights_gpu);
    g.weights.how = "\"Model loading took\": " + x.w.how +
                    (x.offloaded > 0 ? " minus " + gib_text(x.offloaded) + " --cpu-offload-gb" : "");
    const double kv_alloc = static_cast<double>(k.blocks) * x.kv.bytes_per_block;
    g.kv_cache.bytes = bytes_from(kv_alloc);
    g.kv_cache.how = budget_how + "; minus weights " + gib_text(x.weights_gpu) + ", activations " + gib_text(x.act.total) +
                     ", non-torch " + gib_text(x.non_torch) +
                     (x.budget_graphs > 0 ? ", CUDA graphs " + gib_text(x.budget_graphs) : "") + " -> " +
                     gib_text(std::max(0.0, x.avail)) + " available; " +
                     std::to_string(k.blocks) + " blocks x " + num(x.kv.group_size, 0) + " layers' pages of " +
                     num(x.kv.group_size > 0 ? x.kv.bytes_per_block / x.kv.group_size / kKiB : 0, 0) + " KiB (" +
                     std::to_string(k.min_block_size) + " tokens" +
                     (k.n_groups > 1 ? ", " + std::to_string(k.n_groups) + " KV cache groups" : "") + ") = " + gib_text(kv_alloc);
    g.activation.bytes = bytes_from(x.act.total);
    g.activation.how = "profile_run torch peak: " + x.act.how;
    const double overhead = x.non_torch + x.graphs + kCudaContextGiB * kGiB;
    g.overhead.bytes = bytes_from(overhead);
    g.overhead.how = "non-torch during profiling " + gib_text(x.non_torch) + " (cuBLAS, kernels" +
                     std::string(v.tp > 1 ? ", NCCL buffers" : "") + ") + CUDA graphs " + gib_text(x.graphs) +
                     (s.enforce_eager            ? " (enforce_eager)"
                      : x.budget_graphs > 0      ? " (estimated before the KV cache and taken from the budget: vLLM "
                                                   "extrapolates two captures per mode, seen 0.1-2 GiB, and the error "
                                                   "bands come from 0.19 runs)"
                                                 : " (captured after the KV cache, outside the budget)") +
                     " + CUDA context ~" + gib_text(kCudaContextGiB * kGiB);
    g.total_bytes = g.weights.bytes + g.kv_cache.bytes + g.activation.bytes + g.overhead.bytes;
    g.role = "PP stage " + std::to_string(i) + ", layers " + std::to_string(x.st.first_layer) + "-" +
             std::to_string(x.st.first_layer + x.st.num_layers - 1) + (v.tp > 1 ? ", each of " + std::to_string(v.tp) + " TP ranks" : "");
    return g;
}

// The stage with the most memory besides the KV cache (the least KV room).
std::size_t worst_stage(const std::vector<StageResult>& res) {
    std::size_t worst = 0;
    double worst_non_kv = -1;
    for (std::size_t i = 0; i < res.size(); ++i) {
        const double non_kv = res[i].weights_gpu + res[i].act.total + res[i].non_torch + res[i].budget_graphs;
        if (non_kv > worst_non_kv) {
            worst_non_kv = non_kv;
            worst = i;
        }
    }
    return worst;
}

// Per-GPU loads: every TP rank of a stage is alike; DP replicas (--data-parallel-size) repeat them.
void add_rank_loads(Estimate& e, const Architecture& a, const RankShard& shard, const std::vector<StageResult>& res,
                    const std::vector<GpuLoad>& stage_loads, int tp, int replicas) {
    for (int rep = 0; rep < replicas; ++rep)
        for (std::size_t i = 0; i < stage_loads.size(); ++i)
            for (int t = 0; t < tp; ++t) {
                GpuLoad g = stage_loads[i];
                g.role = (replicas > 1 ? "DP replica " + std::to_string(rep) + ", " : "") + "TP rank " + std::to_string(t) +
                         ", PP stage " + std::to_string(i) + ", layers " + std::to_string(res[i].st.first_layer) + "-" +
                         std::to_string(res[i].st.first_layer + res[i].st.num_layers - 1);
                // EP rank = DP rank x TP + TP rank (the EP group spans the DP x TP ranks of a stage).
                if (const std::string ex = expert_role(a, shard, rep * tp + t); !ex.empty()) g.role += "; " + ex;
                g.placement = rank_placement(a, shard, res[i].st.first_layer, res[i].st.num_layers, rep * tp + t) +
                              (replicas > 1 ? " (DP replica " + std::to_string(rep) + "'s requests)" : "");
                e.gpus.push_back(g);
            }
}

// The totals over every GPU, the start-up peak of the worst stage and the pinned host memory.
void add_totals(Estimate& e, const Scenario& s, const VllmSettings& v, const std::vector<StageResult>& res, std::size_t worst,
                int replicas) {
    add_load_bytes(e.total, e.gpus);
    const std::string ng = count_of(static_cast<std::int64_t>(e.gpus.size()), "GPU");
    e.total.weights.how = "summed over " + ng;
    e.total.kv_cache.how = "summed over " + ng;
    e.total.activation.how = "summed over " + ng + " (reserved inside each budget)";
    e.total.overhead.how = "summed over " + ng;
    e.total.role = ng;

    const StageResult& wx = res[worst];
    e.startup_peak.bytes = bytes_from(kCudaContextGiB * kGiB + wx.weights_gpu + wx.act.total + wx.non_torch);
    e.startup_peak.how = "during profile_run: CUDA context ~" + gib_text(kCudaContextGiB * kGiB) + " + weights " +
                         gib_text(wx.weights_gpu) + " + activation peak " + gib_text(wx.act.total) + " + non-torch " + gib_text(wx.non_torch) +
                         " (the KV cache and CUDA graphs come afterwards)";
    if (s.cpu_offload_gib > 0) {
        double off = 0;
        for (const auto& x : res) off += x.offloaded * v.tp;
        off *= replicas;
        e.cpu.bytes = bytes_from(off);
        e.cpu.how = "--cpu-offload-gb " + num(s.cpu_offload_gib) + " GiB x " + ng + " (pinned host memory)";
    }
}

// Does it start? "" when it does, else vLLM's refusal.
std::string start_failure(const VllmSettings& v, const std::vector<StageResult>& res, const KvReport& k,
                          std::int64_t engine_max_context) {
    const bool any_short = std::any_of(res.begin(), res.end(), [](const StageResult& x) { return x.avail <= 0; });
    if (any_short || k.blocks <= 0)
        return "no memory left for the KV cache: weights + activations + non-torch" +
               std::string(res.front().budget_graphs > 0 ? " + CUDA graphs" : "") + " exceed gpu_memory_utilization " + num(v.util) +
               " x " + gib_text(v.mem) + " (vLLM: \"No available memory for the cache blocks\")";
    for (const auto& x : res) {
        const double need = static_cast<double>(k.blocks_req) * x.kv.bytes_per_block;
        if (need > x.avail) {
            // _check_enough_kv_cache_memory names the estimate in its error.
            const std::int64_t lo = engine_max_context;
            return "max_model_len " + std::to_string(v.max_len) + " needs " + gib_text(need) + " of KV cache per GPU, more than the " +
                   gib_text(x.avail) + " available (vLLM refuses to start; the longest that fits is about " +
                   std::to_string(lo) + " tokens)";
        }
    }
    return "";
}

// Does the requested concurrency fit? Headroom, the load the request needs, and the warnings.
void report_fit(Estimate& e, const ResolvedScenario& r, const VllmSettings& v, const std::vector<StageResult>& res,
                std::size_t worst, const KvReport& k, const EncoderProfile& enc) {
    const Scenario& s = r.scenario;
    const std::string fail = start_failure(v, res, k, *e.engine_max_context);
    const StageResult& wx = res[worst];
    const double per_seq_blocks = static_cast<double>(k.blocks_req);
    const double need_batch = per_seq_blocks * static_cast<double>(s.batch) * wx.kv.bytes_per_block;
    double have = static_cast<double>(k.blocks) * wx.kv.bytes_per_block;
    // When weights + activations already overflow the budget, the shortfall includes that overflow,
    // not only the missing KV cache (32B bf16 on one 24 GB GPU is ~40 GiB short, not 2).
    for (const auto& x : res) have = std::min(have, x.avail);
    e.headroom_bytes = saturating_round(have - need_batch);
    // What the request needs on that GPU: the same load with the KV cache of `batch` sequences of
    // max_model_len (whole blocks, as the scheduler allocates them) instead of the pool.
    GpuLoad needed = e.per_gpu;
    needed.kv_cache = {bytes_from(need_batch), std::to_string(s.batch) + " x " + std::to_string(k.blocks_req) + " blocks of " +
                                                   std::to_string(k.min_block_size) + " tokens for " + std::to_string(v.max_len) +
                                                   " tokens = " + gib_text(need_batch)};
    needed.total_bytes = needed.weights.bytes + needed.kv_cache.bytes + needed.activation.bytes + needed.overhead.bytes;
    e.needed_per_gpu = needed;
    e.fits = fail.empty() && k.concurrency + 1e-9 >= static_cast<double>(s.batch);
    if (!fail.empty()) e.warnings.push_back(fail);
    else if (!e.fits)
        e.warnings.push_back("vLLM starts, but holds only " + num(k.concurrency) + " sequences of " + std::to_string(v.max_len) +
                             " tokens at once, fewer than the " + std::to_string(s.batch) + " asked for (the rest queue)");
    if (e.per_gpu.total_bytes > r.gpu.memory_bytes && fail.empty())
        e.warnings.push_back("the budget plus CUDA graphs and the CUDA context exceed the GPU's memory: lower "
                             "gpu_memory_utilization or use enforce_eager");
    if (s.batch > v.defs.max_num_seqs)
        e.warnings.push_back("batch " + std::to_string(s.batch) + " is above vLLM's default max_num_seqs " +
                             std::to_string(v.defs.max_num_seqs) + " for this GPU: the command raises --max-num-seqs to it, "
                             "which also grows the profile run's sampler peak");
    if (r.model.arch.extra_params > 0 && !enc.modelled && !s.mm_text_only)
        e.warnings.push_back("vision encoder profiling (encoder cache budget) is not counted in the activation peak: "
                             "modelled for the Qwen2.5-VL, Qwen3-VL, Qwen3.5 and Gemma 3 towers only");
}

Estimate estimate_vllm(const ResolvedScenario& r, const EngineRelease& rel) {
    Estimate e;
    const Scenario& s = r.scenario;
    const Architecture& a = r.model.arch;
    const ReleaseRules rules = release_rules(rel);
    if (a.num_layers <= 0 || a.hidden_size <= 0) {
        e.error = "model: the architecture has no layers or hidden size";
        return e;
    }
    VllmSettings v = vllm_settings(r, rules);
    const auto stages = pp_stages(a.num_layers, v.pp);
    if (std::string refusal = mtp_refusal(a, v, rules); !refusal.empty()) {
        e.error = refusal;
        return e;
    }
    const KvLayout lay = kv_layout(a, v.tp, v.kvb, v.mtp, rules.v0);
    if (rules.v0 && std::any_of(lay.specs.begin(), lay.specs.end(), [](const LayerSpec& x) { return x.kind == SpecKind::Mamba; }))
        e.warnings.push_back("vLLM " + std::string(rel.id) + " (V0) keeps Mamba / linear-attention state in a separate "
                             "MambaCacheManager sized by max_num_seqs, which is not modelled: answered with V1's shared pool");
    // --enable-expert-parallel: experts over TP x DP ranks (core/expert_parallel.h).
    const ExpertLayout xl = vllm_expert_layout(s, a, v.tp, std::max(1, s.replicas));
    if (!xl.error.empty()) {
        e.error = xl.error;
        return e;
    }
    e.warnings.insert(e.warnings.end(), xl.warnings.begin(), xl.warnings.end());

    // All modality limits 0: MultiModalBudget has no tower modality, profile_run skips the encoder.
    const EncoderProfile enc = s.mm_text_only ? EncoderProfile{} : encoder_profile(a, v.tp, v.model_dtype_bytes, v.mnbt, v.max_seqs, v.max_len);
    LoadedTensors lt;
    select_loaded_tensors(r, lt);
    const std::vector<RankWeights> stage_weights = vllm_stage_weights(r, v, lt, xl.shard, stages);
    const StageInputs in{r, rules, v, lt, xl, lay, enc};
    std::vector<StageResult> res;
    for (std::size_t i = 0; i < stages.size(); ++i) res.push_back(stage_result(in, stages[i], stage_weights[i]));
    const std::int64_t min_blocks = common_block_count(res);

    if (s.max_model_len_auto) v.max_len = std::max<std::int64_t>(1, longest_fitting(a, lay, res, v.mnbt, a.max_context > 0 ? a.max_context : v.max_len));
    e.engine_max_context = longest_fitting(a, lay, res, v.mnbt, v.max_len);
    const KvReport k = kv_report(a, lay, min_blocks, v.max_len, v.mnbt);
    e.kv_cache_tokens = k.tokens;
    e.max_concurrency = k.concurrency;

    const int replicas = std::max(1, s.replicas);
    std::vector<GpuLoad> stage_loads;
    for (std::size_t i = 0; i < res.size(); ++i) stage_loads.push_back(stage_load(s, v, k, res[i], i));
    add_rank_loads(e, a, xl.shard, res, stage_loads, v.tp, replicas);
    const std::size_t worst = worst_stage(res);
    e.per_gpu = stage_loads[worst];
    e.kv_budget_graph_estimate = bytes_from(res[worst].budget_graphs);
    if (v.pp > 1) e.per_gpu.role += " (the stage with the least KV room sets the block count of all)";
    add_totals(e, s, v, res, worst, replicas);
    report_fit(e, r, v, res, worst, k, enc);
    e.ok = true;
    return e;
}

// ---- the profile --------------------------------------------------------------------------------

std::string load_error(const WeightFormat& f, const KvFormat&) {
    if (f.kind == "exl2") return "weights: EXL2 runs on ExLlamaV2/TabbyAPI, not vLLM; choose the simple engine or another format";
    return "";
}

ReleaseRules rules_of(const ResolvedScenario& r) { return r.release ? release_rules(*r.release) : ReleaseRules{}; }

double default_util(const ResolvedScenario& r) { return rules_of(r).default_util; }

double reserved_fraction(const ResolvedScenario& r) { return r.scenario.gpu_mem_util > 0 ? r.scenario.gpu_mem_util : default_util(r); }

std::optional<double> knob_default(std::string_view knob, const ResolvedScenario& r) {
    if (knob == "gpu_mem_util") return default_util(r);  // CacheConfig.gpu_memory_utilization
    if (knob == "max_batched_tokens") {
        return static_cast<double>(release_batch_defaults(r, rules_of(r)).max_num_batched_tokens);
    }
    return std::nullopt;
}

std::string command(const ResolvedScenario& r) {
    const Scenario& s = r.scenario;
    std::vector<std::string> p;
    p.push_back("vllm serve " + shell_word(model_ref(r)));
    if (s.tp > 1) p.push_back("--tensor-parallel-size " + std::to_string(s.tp));
    if (s.pp > 1) p.push_back("--pipeline-parallel-size " + std::to_string(s.pp));
    if (s.replicas > 1) p.push_back("--data-parallel-size " + std::to_string(s.replicas));
    if ((s.enable_expert_parallel || s.ep > 1) && r.model.arch.is_moe()) p.push_back("--enable-expert-parallel");
    if (s.nodes > 1) p.push_back("--distributed-executor-backend ray");
    p.push_back("--max-model-len " + (s.max_model_len_auto ? std::string("-1") : std::to_string(s.context)));
    if (s.kv_cache_memory_bytes > 0) p.push_back("--kv-cache-memory-bytes " + std::to_string(s.kv_cache_memory_bytes));
    else p.push_back("--gpu-memory-utilization " + format_fixed(reserved_fraction(r), 2));
    if (std::string q = quantization_flag_value(r); !q.empty()) p.push_back("--quantization " + q);
    if (r.kv.id == "fp8") p.push_back("--kv-cache-dtype fp8");
    if (r.weights.id == "fp32") p.push_back("--dtype float32");
    if (r.weights.id == "fp16") p.push_back("--dtype float16");
    if (s.batch > 1) p.push_back("--max-num-seqs " + std::to_string(std::max<std::int64_t>(s.batch, 1)));
    if (s.max_batched_tokens > 0) p.push_back("--max-num-batched-tokens " + std::to_string(s.max_batched_tokens));
    if (s.cpu_offload_gib > 0) p.push_back("--cpu-offload-gb " + format_fixed(s.cpu_offload_gib, 0));
    if (s.enforce_eager) p.push_back("--enforce-eager");
    if (s.mm_text_only && r.model.arch.extra_params > 0) p.push_back("--limit-mm-per-prompt " + shell_word("{\"image\":0,\"video\":0}"));
    if (s.mtp_tokens > 0)
        p.push_back("--speculative-config " +
                    shell_word("{\"method\":\"mtp\",\"num_speculative_tokens\":" + std::to_string(s.mtp_tokens) + "}"));
    return checkpoint_note(r) + joined_flags(p);
}

// Architectures the release's registry no longer loads (vllm/model_executor/models/registry.py
// _PREVIOUSLY_SUPPORTED_MODELS names the last release that did).
constexpr std::int64_t kLastMllama = 10'002;  // 0.10.2

std::string release_refusal(const Architecture& a, const EngineRelease& rel) {
    if (a.cross_attention_layers.empty()) return {};
    // Releases up to 0.10.2 ran mllama on V0's encoder-decoder runner (vllm/worker/enc_dec_model_runner.py),
    // whose cross-attention cache over the image tokens this profile does not model.
    if (rel.order <= kLastMllama)
        return "vLLM " + std::string(rel.id) + " runs MllamaForConditionalGeneration on the V0 encoder-decoder runner, "
               "whose cross-attention KV cache this profile does not model; use transformers or SGLang";
    return "vLLM " + std::string(rel.id) + " does not load MllamaForConditionalGeneration: PR #24907 removed the V0 "
           "encoder-decoder runner and the registry lists mllama under _PREVIOUSLY_SUPPORTED_MODELS as last supported "
           "in 0.10.2; use transformers or SGLang";
}

}  // namespace

const EngineProfile& engine_profile_vllm() {
    static const EngineProfile profile{
        .id = "vllm",
        .name = "vLLM",
        .blurb = "Serving: reserves gpu-memory-utilization of each GPU and fills what weights and activations leave with KV cache.",
        .aliases = {},
        .order = 10,
        .releases = {
            {.id = "0.4", .order = 4'000, .date = "2024-04",
             .label = "V0 engine: KV = total x utilization - the free-memory drop of load + profile run",
             .changed = "vllm/worker/worker.py determine_num_available_blocks: peak = free memory at init_device minus free "
                        "memory after profile_run (weights, the torch peak and every non-torch allocation; the CUDA context "
                        "is already in the baseline), num_gpu_blocks = (total x gpu_memory_utilization - peak) // block bytes, "
                        "every layer holding every block (no sliding-window groups). profile_run runs max_num_seqs (256) dummy "
                        "sequences sharing max_num_batched_tokens = max(max_model_len, 2048) and samples one row each with "
                        "top_k = vocab - 1, top_p 0.99, which sorts the logits. CUDA graphs come after the KV cache, outside it",
             .source = "vllm-project/vllm v0.4.1: vllm/worker/worker.py determine_num_available_blocks, vllm/worker/model_runner.py "
                       "profile_run, vllm/model_executor/layers/sampler.py _apply_top_k_top_p"},
            {.id = "0.6", .order = kChunkedLongContext, .date = "2024-09",
             .label = "V0 engine, chunked prefill by default above 32K",
             .changed = "models with max_model_len > 32K (no sliding window, not multimodal) get chunked prefill by default, "
                        "so max_num_batched_tokens is 512 and the profile run's forward shrinks to 512 tokens",
             .source = "vllm/engine/arg_utils.py create_engine_config (\"Chunked prefill is enabled by default for models with "
                       "max_model_len > 32K\", present in the 0.6.x files) and vllm/config.py SchedulerConfig (512 tokens)"},
            {.id = "0.6.5", .order = 6'005, .date = "2024-12",
             .label = "V0 engine, memory_profiling: weights + torch peak + non-torch increase",
             .changed = "determine_num_available_blocks runs profile_run inside vllm/utils.py memory_profiling: KV = total x "
                        "utilization - (weights + torch peak increase + non-torch increase) instead of the free-memory drop. "
                        "The same terms here (the caching allocator's reserve above the torch peak, which the old rule also "
                        "subtracted, is not modelled). Chunked prefill's default step is 2048 tokens instead of 512",
             .source = "vllm-project/vllm PR #10511 (\"overhaul memory profiling\", in 0.6.5); the PR's Llama-3-8B log; "
                       "vllm/config.py SchedulerConfig.__post_init__ as of 0.6.6.post1 (2048)"},
            {.id = "0.8", .order = kV1Default, .date = "2025-03",
             .label = "V1 engine, sorting top-k/top-p sampler in the profile run",
             .changed = "the V1 engine is the default: vllm/v1/worker/gpu_worker.py determine_available_memory, KV cache groups "
                        "per layer type (vllm/v1/core/kv_cache_utils.py), a dummy batch of min(max_num_seqs, "
                        "max_num_batched_tokens) requests, and _dummy_sampler_run sampling one row each with top_k = vocab - 1, "
                        "top_p 0.9 through apply_top_k_top_p, which sorts the [rows, vocab] fp32 logits (values + int64 "
                        "indices + the sort's second buffer: 6 more fp32 copies than 0.17's kernel)",
             .source = "vLLM 0.8.0 release note (V1 by default); vllm/v1/worker/gpu_model_runner.py _dummy_sampler_run, "
                       "vllm/v1/sample/ops/topk_topp_sampler.py apply_top_k_top_p; rows: Qwen3-14B on 0.15.0 / 0.16.0 "
                       "(activation 5.64 GiB), Qwen3-235B-FP8 on 0.9.2"},
            {.id = "0.17", .order = kTritonTopKTopP, .date = "2026-03",
             .label = "V1 engine, Triton top-k/top-p sampler in the profile run",
             .changed = "top-k/top-p sampling runs a Triton kernel instead of sorting the [rows, vocab] fp32 logits, "
                        "so the profile run's sampler peak drops (Qwen3-14B on H100: 5.64 GiB on 0.15/0.16, 2.23 on 0.17+)",
             .source = "vllm-project/vllm PR #33538 (2026-02-17); validation rows of the Qwen3-14B version sweep"},
            {.id = "0.19", .order = 19'000, .date = "",
             .label = "V1 engine; CUDA graphs outside the KV budget",
             .changed = "",
             .source = "checked against 31 vLLM 0.19.0 rows (H100, vllm/v1/worker/gpu_worker.py determine_available_memory)"},
            {.id = "0.21", .order = kGraphsInBudget, .date = "2026-05",
             .label = "V1 engine; CUDA graphs estimated and taken from the KV budget; gpu_memory_utilization 0.92",
             .changed = "PR #38284 turns VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS on by default (vllm/envs.py: \"Enabled by "
                        "default as of v0.21.0\") and raises CacheConfig.gpu_memory_utilization's default to 0.92: "
                        "determine_available_memory takes the graphs' estimate (two captures per mode, extrapolated) from "
                        "the KV budget, and the log adds \"Estimated CUDA graph memory: X GiB total\". The estimate is "
                        "modelled as the graphs' own memory (the 0.19 fit)",
             .source = "vllm-project/vllm PR #38284; vllm/config/cache.py (default=0.92, as of 0.25.0 and 0.30.0); "
                       "0.21-0.28 logs (\"CUDA graph memory profiling is enabled (default since v0.21.0)\")"},
            {.id = "0.25", .order = kRunnerV2Dense, .date = "2026-07",
             .label = "dense models on Model Runner V2: no CUDA graph estimate, graphs outside the KV budget",
             .changed = "PR #44443 makes Model Runner V2 (vllm/v1/worker/gpu/model_runner.py) the default for dense models; "
                        "its profile_cudagraph_memory returns 0 (vllm #49224), so a dense model's KV budget keeps the "
                        "graphs' memory; MoE models stay on the V1 runner and its estimate (release inferred from the "
                        "PR date and a 0.25.1 pin)",
             .source = "vllm-project/vllm PR #44443 (2026-07-02), issues #49224 and #50159 (0.26.0, Qwen2.5-0.5B: "
                       "6,891,296 tokens on the V1 runner, 6,900,336 on V2)"},
            {.id = "0.29", .order = kRunnerV2All, .date = "2026-09",
             .label = "Model Runner V2 for every model; CUDA graphs estimated and taken from the KV budget",
             .changed = "Model Runner V2 is the default for all models and estimates its CUDA graphs for the KV cache's "
                        "sizing again (0.29.0 release notes); 0.30 and 0.31 (about 2026-10-01, the newest seen) follow it",
             .source = "vLLM 0.29.0 release notes (\"CUDA graph memory profiling ... used for KV cache auto-sizing\"); "
                       "docs/accounting/vllm.md, releases after 0.19"},
        },
        .parse_version = release_version,
        .version_forms = "a release such as 0.6.3, 0.10.1 or v0.11.0",
        .load_error = load_error,
        .formats_by_quality = {"bf16", "fp8", "int8", "gptq-int8", "awq", "gptq-int4", "nf4"},
        .estimate = estimate_vllm,
        .counts_kv_cache = true,
        .reserved_fraction = reserved_fraction,
        .command = command,
        .knobs = {
            {"gpu_mem_util", "memory util.", "--gpu-memory-utilization: the fraction of each GPU's WHOLE memory vLLM may use (default 0.92; 0.9 before 0.21)", 0.30, 0.99},
            {"max_batched_tokens", "batched tokens", "--max-num-batched-tokens: tokens per scheduler step; sizes the activation peak "
                                                     "(default 8192 on GPUs of 70 GiB and more except A100, else 2048)"},
            {"cpu_offload_gib", "CPU offload", "--cpu-offload-gb: GiB of weights per GPU kept in CPU RAM and streamed in (slower)"},
            {"enforce_eager", "no CUDA graphs", "--enforce-eager: no CUDA graphs (saves their memory, slower decoding)"},
            {"kv_cache_memory_bytes", "KV cache bytes", "--kv-cache-memory-bytes: a fixed KV cache size per GPU instead of the "
                                                         "gpu-memory-utilization rule (unset by default)"},
            {"max_model_len_auto", "max-model-len auto", "--max-model-len -1: the longest length the KV cache holds, up to the model's limit"},
            {"cal_non_torch_gib", "calib. non-torch", "calibration from your log: \"non-torch forward increase memory\" in GiB (0 = modelled)"},
            {"cal_activation_gib", "calib. activation", "calibration from your log: \"torch peak memory increase\" in GiB (0 = modelled)"},
            {"replicas", "replicas", "--data-parallel-size: copies of the model, each on GPUs / replicas GPUs (default 1: "
                                     "all GPUs serve one copy)"},
            {"enable_expert_parallel", "expert parallel", "--enable-expert-parallel: MoE experts split whole over TP x DP ranks "
                                                          "instead of each expert sharded over TP (attention and dense parts stay over TP)"},
            {"ep", "EP size", "expert-parallel size; vLLM's is always TP x DP (0 = none, or the flag's TP x DP)"},
            {"mm_text_only", "text only", "--limit-mm-per-prompt '{\"image\":0,\"video\":0}': serve a vision model "
                                          "text-only; vLLM then neither loads the vision tower nor profiles its encoder"},
            {"mtp_tokens", "MTP tokens", "--speculative-config '{\"method\":\"mtp\",\"num_speculative_tokens\":N}': "
                                               "speculative decoding with the model's own MTP layers, which then load and get KV "
                                               "cache (0 = off; only models with MTP layers)", 0, 8},
        },
        .knob_default = knob_default,
        .parallel = {.tensor_parallel = true, .pipeline_parallel = true, .heads_divide_tp = true, .split = ""},
        .workload = per_sequence_workload("Tokens per sequence: prompt + generated (vLLM --max-model-len)",
                                          "Sequences in flight at once (vLLM's target concurrency)"),
        // kv_layout: specs per layer as GPUModelRunner.get_kv_cache_spec returns them (see there)
        .cache_features = {"kv_sharing", "layer_kv_geometry", "dsa_indexer", "parallel_ssm", "short_conv", "mixerless_blocks"},
        .release_refusal = release_refusal,
    };
    return profile;
}

}  // namespace vramcalc
