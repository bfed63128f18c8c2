// SGLang memory accounting, per TP rank:
//   1. python/sglang/srt/server_args.py: when --mem-fraction-static is not given, the default by
//      release (mem_settings below): a table by TP size (~0.3.5-0.4.6, ServerArgs.__post_init__), a
//      reserve by GPU-memory bucket (PR #7054, ~0.4.7-0.5.3), and since PR #10975 (~0.5.4)
//      ServerArgs._handle_gpu_memory_settings: chunked_prefill_size and cuda_graph_max_bs from the
//      GPU's memory bucket and mem_fraction_static = round((gpu_mem - reserved) / gpu_mem, 3) with
//      reserved = 512 MiB + max(chunked_prefill_size, 2048) x 1.5 MiB + cuda_graph_max_bs x 2 MiB
//      + tp x pp / 8 x 1024 MiB, at least 10 GiB on GPUs above 60 GiB. From ~0.5.10 (PR #16331)
//      piecewise CUDA graphs are on by default and add 8 MiB per prefill capture size; from ~0.5.20
//      the 20-35 GiB bucket prefills 4096 tokens with 48 / 160 graph rows (PR #37898) and MLA models
//      reserve 1.5 GiB for their prefill graphs (sglang/srt/arg_groups gpu-memory handler,
//      reserve_for_graph_mb).
//   2. model_executor/model_runner.py load_model: "Load weight end ... mem usage" = the drop in free
//      memory while the rank's shard loads.
//   3. ModelRunner.profile_max_num_token: rest_memory = available_after_load -
//      total_at_start x (1 - mem_fraction_static); max_total_num_tokens = rest // cell_size, with
//      cell_size = kv heads per rank x (K + V head dims) x layers x dtype bytes, or
//      (kv_lora_rank + qk_rope_head_dim) x layers x dtype for MLA (not split by TP), plus the NSA
//      indexer keys for DeepSeek V3.2. Hybrid models first give handle_max_mamba_cache its Mamba pool
//      (model_runner_kv_cache_mixin.py, mamba_full_memory_ratio 0.9).
//      "KV Cache is allocated. #tokens: N, K size: X GB, V size: X GB" (GB printed, GiB meant).
// Activations and CUDA graphs live in the (1 - mem_fraction_static) share; SGLang does not profile
// them, so the figures below are its own reservation terms.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "../checked.h"
#include "../command_text.h"
#include "../engine_profile.h"
#include "../expert_parallel.h"
#include "../kv_cache.h"
#include "../tensor_parallel.h"
#include "../text.h"

namespace vramcalc {

namespace {

std::string num(double v, int decimals = 3) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// CUDA context, torch and NCCL state before "Load weight begin. avail mem=": 79.19 - 78.58 GiB on the
// H100 docs runs.
constexpr double kContextGiB = 0.6;
// With tp > 1, init_torch_distributed warms NCCL up before the weights load; on NVSwitch GPUs NCCL's
// NVLink SHARP buffers take ~1.45 GiB more (Qwen3-235B-FP8 tp 4 on H100: 16.46 GiB of KV at
// --mem-fraction-static 0.93 implies 77.14 GiB free at start of 79.19).
double tp_init_bytes(const Gpu& gpu, int tp) {
    if (tp <= 1) return 0.0;
    const std::string& ic = gpu.interconnect;
    const bool nvls = ic.find("NVLink 4") != std::string::npos || ic.find("NVLink 5") != std::string::npos ||
                      (gpu.id == "custom" && static_cast<double>(gpu.memory_bytes) >= 70.0 * kGiB);
    return (nvls ? 1.45 : 0.25) * kGiB;
}
// Free memory the load loses beyond the checkpoint tensors (allocator segment rounding, rotary
// caches, kernels loaded on first use): SGLang's "mem usage" exceeds the shard by 0.04-0.14 GiB.
constexpr double kLoadSlackGiB = 0.08;

struct MemSettings {
    double mem_fraction_static = 0.88;
    std::int64_t chunked_prefill_size = 4096;
    std::int64_t cuda_graph_max_bs = 160;
    double reserved_mib = 0;
    double pcg_mib = 0;          // the piecewise (prefill) CUDA graphs' share of the reserve
    std::string rule;            // how the default fraction was found, for the "how" line
    bool activation_reserve = false;  // the reserve has a prefill-activation term (PR #10975)
};

// The release line's order keys (EngineRelease::order: major*1e6 + minor*1e3 + patch).
constexpr std::int64_t kPr7054 = 4'007;    // ~0.4.7: reserve by GPU-memory bucket
constexpr std::int64_t kPr10975 = 5'004;   // ~0.5.4: reserve = activations + graphs + NCCL terms
constexpr std::int64_t kPr16331 = 5'010;   // 0.5.10: piecewise CUDA graphs on by default
// ~0.5.20: 32 GB bucket 4096 / 48 (PR #37898); MLA prefill graphs 1.5 GiB; the NEXTN draft's weights and
// pool inside mem_fraction_static, its flat 2 GiB reserve gone (PRs #23862, #28855)
constexpr std::int64_t kRel0520 = 5'020;

// ~0.3.5-0.4.6, ServerArgs.__post_init__: a fraction by TP size; chunked prefill and the CUDA graph
// batch by GPU memory (PR #2044).
MemSettings tp_table_settings(double gpu_mem_mib, int tp) {
    MemSettings m;
    m.mem_fraction_static = tp >= 16 ? 0.79 : tp >= 8 ? 0.81 : tp >= 4 ? 0.85 : tp >= 2 ? 0.87 : 0.88;
    const bool small = gpu_mem_mib < 25'000;
    m.chunked_prefill_size = small ? 2048 : 8192;
    m.cuda_graph_max_bs = small ? (tp < 4 ? 8 : 80) : 160;
    m.reserved_mib = gpu_mem_mib * (1.0 - m.mem_fraction_static);
    m.rule = "tp " + std::to_string(tp) + " table";
    return m;
}

// PR #7054 (2025-06-10): reserved GiB by GPU-memory bucket, parallel_size = tp x pp.
MemSettings bucket_settings(double gpu_mem_mib, int tp, int pp, bool spec) {
    MemSettings m;
    const double ps = static_cast<double>(tp) * pp;
    const double gib = 1024.0;
    double reserved_gib;
    if (gpu_mem_mib < 35 * gib) { reserved_gib = 2.8 + ps / 10.0; m.chunked_prefill_size = 2048; m.cuda_graph_max_bs = tp < 4 ? 8 : 80; }
    else if (gpu_mem_mib < 90 * gib) { reserved_gib = 9.5 + ps / 2.0; m.chunked_prefill_size = 8192; m.cuda_graph_max_bs = 160; }
    else if (gpu_mem_mib < 160 * gib) { reserved_gib = 12.0 + ps / 2.0; m.chunked_prefill_size = 8192; m.cuda_graph_max_bs = 256; }
    else { reserved_gib = 32.0; m.chunked_prefill_size = 16384; m.cuda_graph_max_bs = 512; }
    if (spec) reserved_gib += 2.0;  // "draft model and larger cuda graph buffers"
    m.reserved_mib = reserved_gib * gib;
    m.mem_fraction_static = std::round((gpu_mem_mib - m.reserved_mib) / gpu_mem_mib * 1000.0) / 1000.0;
    m.rule = "PR #7054 bucket";
    return m;
}

// The piecewise CUDA graph's capture sizes up to max_tokens (ServerArgs._generate_piecewise_cuda_graph_tokens
// at sgl-project/sglang 469c63e5, later arg_groups cuda_graph_hook generate_prefill_cuda_graph_batch_sizes):
// 4-32 by 4, 48-256 by 16, 288-512 by 32, 576-1024 by 64, 1280-4096 by 256, 4608 on by 512.
std::int64_t pcg_capture_sizes(std::int64_t max_tokens) {
    struct Run { std::int64_t first, last, step; };
    static constexpr Run runs[] = {{4, 32, 4}, {48, 256, 16}, {288, 512, 32}, {576, 1024, 64}, {1280, 4096, 256}};
    std::int64_t n = 0;
    for (const Run& r : runs)
        if (max_tokens >= r.first) n += (std::min(max_tokens, r.last) - r.first) / r.step + 1;
    if (max_tokens >= 4608) n += (max_tokens - 4608) / 512 + 1;
    return n;
}

// The prefill graphs' reserve (MiB). 0.5.10: len(piecewise_cuda_graph_tokens) x 8 ("non-torch memory"),
// the tokens running to chunked_prefill_size, or 2048 on an MLA backend (PR #15700, #15927).
// ~0.5.20 reserve_for_graph_mb: the same, but 1.5 GiB flat on MLA ("overhead is much higher than expected").
double pcg_reserve_mib(const EngineRelease& rel, std::int64_t chunked_prefill_size, bool mla) {
    if (rel.order < kPr16331) return 0.0;
    if (mla && rel.order >= kRel0520) return 1.5 * 1024.0;
    return static_cast<double>(pcg_capture_sizes(mla ? 2048 : chunked_prefill_size)) * 8.0;
}

// PR #10975 (2025-09-27): ServerArgs._handle_gpu_memory_settings.
MemSettings reserve_settings(const EngineRelease& rel, double gpu_mem_mib, int tp, int pp, int attn_dp, bool spec, bool mla) {
    MemSettings m;
    if (gpu_mem_mib < 20 * 1024) { m.chunked_prefill_size = 2048; m.cuda_graph_max_bs = 8; }
    else if (gpu_mem_mib < 35 * 1024 && rel.order >= kRel0520) { m.chunked_prefill_size = 4096; m.cuda_graph_max_bs = tp < 4 ? 48 : 160; }
    else if (gpu_mem_mib < 35 * 1024) { m.chunked_prefill_size = 2048; m.cuda_graph_max_bs = tp < 4 ? 24 : 80; }
    else if (gpu_mem_mib < 60 * 1024) { m.chunked_prefill_size = 4096; m.cuda_graph_max_bs = tp < 4 ? 32 : 160; }
    else if (gpu_mem_mib < 160 * 1024) { m.chunked_prefill_size = 8192; m.cuda_graph_max_bs = tp < 4 ? 256 : 512; }
    else { m.chunked_prefill_size = 16384; m.cuda_graph_max_bs = 512; }
    double reserved = 512.0;
    reserved += static_cast<double>(std::max<std::int64_t>(m.chunked_prefill_size, 2048)) * 1.5;
    reserved += static_cast<double>(m.cuda_graph_max_bs) * 2.0;
    reserved += static_cast<double>(tp) * static_cast<double>(pp) / 8.0 * 1024.0;
    // "DP attention needs more padding for some operations": cuda_graph_max_bs x dp_size x 3 MiB, and
    // x 1.5 more above 300 graph rows (server_args.py _handle_gpu_memory_settings)
    if (attn_dp > 1) {
        reserved += static_cast<double>(m.cuda_graph_max_bs) * attn_dp * 3.0;
        if (m.cuda_graph_max_bs > 300) reserved += static_cast<double>(m.cuda_graph_max_bs) * attn_dp * 1.5;
    }
    m.pcg_mib = pcg_reserve_mib(rel, m.chunked_prefill_size, mla);
    reserved += m.pcg_mib;
    if (gpu_mem_mib > 60 * 1024) reserved = std::max(reserved, 10.0 * 1024.0);
    // "eagle draft models and cuda graphs": 2 GiB more for EAGLE / NEXTN, after the 10 GiB floor, until
    // PR #23862 (2026-04-27) dropped it for a draft budgeted inside the fraction (draft_in_budget).
    if (spec && rel.order < kRel0520) reserved += 2.0 * 1024.0;
    m.reserved_mib = reserved;
    m.mem_fraction_static = std::round((gpu_mem_mib - reserved) / gpu_mem_mib * 1000.0) / 1000.0;
    m.rule = "chunked_prefill_size " + std::to_string(m.chunked_prefill_size) + ", cuda_graph_max_bs " +
             std::to_string(m.cuda_graph_max_bs) +
             (m.pcg_mib > 0 ? ", piecewise CUDA graphs " + std::to_string(static_cast<std::int64_t>(m.pcg_mib)) + " MiB" : std::string());
    m.activation_reserve = true;
    return m;
}

// attn_dp: the --dp-size of --enable-dp-attention (1 without it); spec: --speculative-algorithm NEXTN
// (server_args.py: "draft model and larger cuda graph buffers", 2 GiB more reserve since PR #7054)
// mla: the model runs on an MLA attention backend (use_mla_backend), which caps or fixes the prefill graphs' reserve
MemSettings mem_settings(const EngineRelease& rel, double gpu_mem_mib, int tp, int pp, int attn_dp = 1, bool spec = false,
                         bool mla = false) {
    if (rel.order >= kPr10975) return reserve_settings(rel, gpu_mem_mib, tp, pp, attn_dp, spec, mla);
    if (rel.order >= kPr7054) return bucket_settings(gpu_mem_mib, tp, pp, spec);
    return tp_table_settings(gpu_mem_mib, tp);
}

// Hybrid models (mambaish_config): one request's Mamba / linear-attention state on one rank,
// python/sglang/srt/configs/mamba_utils.py Mamba2CacheParams.mamba_cache_per_req: the conv state in
// bf16 (CONV_DTYPE) and the temporal state in SGLANG_MAMBA_SSM_DTYPE (ServerArgs.mamba_ssm_dtype
// "float32"), both split by TP, times the stage's Mamba layers.
double mamba_cache_per_req(const Architecture& a, const PpStage& st, int tp) {
    std::int64_t layers = 0;
    for (std::int64_t l = st.first_layer; l < st.first_layer + st.num_layers; ++l) {
        const auto i = static_cast<std::size_t>(l);
        // FalconH1Config.linear_layer_ids: Mamba on every layer (and attention on every layer too)
        if (a.parallel_ssm || (i < a.layer_attention.size() && a.layer_attention[i] == LayerAttention::Linear)) ++layers;
    }
    const LinearStateValues v = linear_state_values(a);
    return (v.conv * 2.0 + v.recurrent * 4.0) / std::max(1, tp) * static_cast<double>(layers);
}

// model_runner_kv_cache_mixin.py handle_max_mamba_cache: the rest is split so that Mamba memory /
// KV memory = mamba_full_memory_ratio (ServerArgs default 0.9); max_mamba_cache_size =
// floor(rest x 0.9 / 1.9 / per_req) slots come off the rest before the KV pool is sized.
constexpr double kMambaFullMemoryRatio = 0.9;
std::int64_t mamba_slots(double rest, double per_req) {
    if (rest <= 0 || per_req <= 0) return 0;
    return saturating_floor_count(rest * kMambaFullMemoryRatio / (1.0 + kMambaFullMemoryRatio) / per_req);
}

// model_config.py is_hybrid_swa_model: these architectures get the hybrid SWA pool (SWAKVPool: one
// pool for the full layers, one for the sliding ones) unless --disable-hybrid-swa-memory. Gemma 2/3
// and Gemma 3n are not listed: their sliding layers keep every token in the one MHA pool.
bool hybrid_swa(const Architecture& a) {
    const bool listed = a.architecture == "Gemma4ForConditionalGeneration" || a.architecture == "Gemma4ForCausalLM" ||
                        a.architecture == "GptOssForCausalLM";
    return listed && a.sliding_window > 0 &&
           std::any_of(a.layer_attention.begin(), a.layer_attention.end(), [](LayerAttention x) { return x == LayerAttention::Sliding; });
}
constexpr double kSwaFullTokensRatio = 0.8;  // ServerArgs.swa_full_tokens_ratio

// One layer's bytes per token in SGLang's pool on one rank. Every layer id its lists name gets a
// buffer, KV-shared layers too (Gemma 3n / Gemma 4 read another layer's buffer; RadixAttention's
// layer_id points there, their own stays allocated). mllama cross-attention layers hold the image's
// tokens in the same slots (pad_input_ids puts them in front of the prompt).
double pool_layer_bytes(const Architecture& unshared, std::int64_t l, int tp, double kvb) {
    if (unshared.is_cross_attention_layer(l)) return cross_attention_bytes_per_token_layer(unshared, tp, kvb);
    return kv_bytes_per_token_layer(unshared, l, tp, kvb);
}

// ---- MTP speculative decoding (--speculative-algorithm NEXTN, run as EAGLE) ---------------------------
// Read at sgl-project/sglang: server_args.py _handle_speculative_decoding (NEXTN -> EAGLE;
// max_running_requests 48 when not given; with eagle_topk 1, num_draft_tokens = num_steps + 1);
// configs/model_config.py _config_draft_model (DeepseekV3 -> DeepseekV3ForCausalLMNextN, Glm4Moe ->
// Glm4MoeForCausalLMNextN, MiMo -> MiMoMTP, Qwen3Next -> Qwen3NextForCausalLMMTP with 1 nextn layer);
// model_runner.py (a draft worker builds num_nextn_predict_layers layers); the draft module files
// models/deepseek_nextn.py (eh_proj nn.Linear, enorm / hnorm / shared_head.norm), qwen3_next_mtp.py at
// 00534216 and qwen3_5_mtp.py at 008b79d2 (fc nn.Linear, pre_fc_norm_embedding / _hidden + the model's
// norm, one full-attention layer); eagle_worker set_embed_and_head: the draft's embedding and lm_head are
// the target's (its own are deleted after load), so only the layer, the 2h x h projection and three norms stay.
// model_runner_kv_cache_mixin.py at 001ccef0: the draft's pool holds as many tokens as the target's
// (draft_runner_cache_size = the target's max_total_num_tokens) in its one layer; the draft's weights
// and pool come out of the reserve (1 - mem_fraction_static), not out of the target's rest. Since ~0.5.20
// (PR #23862, 2026-04-27: DefaultPoolConfigurator scales cell_size by the draft's layers; PR #28855,
// 2026-06-21: the pool is profiled after the draft's weights load) both come out of the target's rest.
bool sglang_mtp_modelled(const Architecture& a) {
    static const char* const kinds[] = {"deepseek_v3", "deepseek_v32", "glm4_moe", "mimo", "qwen3_next", "qwen3_5",
                                        "qwen3_5_text", "qwen3_5_moe", "qwen3_5_moe_text"};
    return std::any_of(std::begin(kinds), std::end(kinds), [&](const char* k) { return a.model_type == k; });
}
constexpr std::int64_t kSpecMaxRunningRequests = 48;  // _handle_speculative_decoding default

// The stack's last attention layer: the layer the MTP module repeats (attention and MLP alike).
std::int64_t mtp_template_layer(const Architecture& a) {
    for (std::int64_t l = a.num_layers - 1; l >= 0; --l) {
        const auto i = static_cast<std::size_t>(l);
        if (i >= a.layer_attention.size() || a.layer_attention[i] != LayerAttention::Linear) return l;
    }
    return a.num_layers - 1;
}

// One rank's draft module: the template layer's tensors sharded like the stack (EP, DP attention
// included), the replicated 2h x h eh_proj / fc in the model dtype, three norms, and for MLA the
// w_kc / w_vc copy of kv_b_proj that every stack layer also gets (tensor_parallel.cpp finish_stage).
double mtp_draft_bytes(const ResolvedScenario& r, const RankShard& shard, double model_dtype_bytes) {
    const Architecture& a = r.model.arch;
    const std::int64_t layer = mtp_template_layer(a);
    double b = 0;
    for (const TensorGroup& t : *r.tensors)
        if (t.layer == layer) b += static_cast<double>(tensor_bytes(r.weights, t, a)) * rank_shard_fraction(t, a, shard);
    const double h = static_cast<double>(a.hidden_size);
    b += 2.0 * h * h * model_dtype_bytes + 3.0 * h * model_dtype_bytes;
    if (a.is_mla())
        b += static_cast<double>(a.kv_lora_rank) * (static_cast<double>(a.num_heads) / std::max(1, shard.attn_tp)) *
             static_cast<double>(a.qk_nope_head_dim + a.value_head_dim()) * model_dtype_bytes;
    return b;
}

// ---- estimate_sglang, in steps -------------------------------------------------------------------

// What the scenario asks of every rank: the memory settings, the speculative decoding, the dtypes.
struct SglangSettings {
    int tp = 1, pp = 1;
    double mem = 0;                    // one GPU's memory
    int dp_attn_size = 1;              // --dp-size of --enable-dp-attention
    bool spec = false;                 // --speculative-algorithm NEXTN
    std::int64_t spec_running = 0;     // max_running_requests with speculative decoding
    std::int64_t spec_draft_tokens = 0;
    MemSettings ms;
    bool fraction_given = false;
    double f = 0;                      // mem_fraction_static
    double model_dtype_bytes = 2.0;
    double kvb = 16.0;                 // KV cache bits per value
    double init_bytes = 0;             // CUDA context, torch and NCCL before the weights load
    double total_at_start = 0;         // free memory when the weights start loading
    bool draft_in_budget = false;      // the NEXTN draft's weights and pool inside mem_fraction_static (~0.5.20)
};

SglangSettings sglang_settings(const ResolvedScenario& r, const EngineRelease& release) {
    SglangSettings v;
    const Scenario& s = r.scenario;
    const Architecture& a = r.model.arch;
    v.tp = std::max(1, s.tp);
    v.pp = std::max(1, s.pp);
    v.mem = static_cast<double>(r.gpu.memory_bytes);
    v.dp_attn_size = s.enable_dp_attention && s.replicas > 1 && v.tp % s.replicas == 0 ? s.replicas : 1;
    // --speculative-algorithm NEXTN with the model's own MTP layer (mtp_refusal has checked it has one).
    v.spec = s.mtp_tokens > 0 && a.mtp_layers > 0;
    // _handle_speculative_decoding: max_running_requests 48 unless given (the command gives it when batch > 1).
    v.spec_running = s.batch > 1 ? s.batch : kSpecMaxRunningRequests;
    v.spec_draft_tokens = static_cast<std::int64_t>(s.mtp_tokens) + 1;  // eagle_topk 1: steps + 1
    v.ms = mem_settings(release, v.mem / kMiB, v.tp, v.pp, v.dp_attn_size, v.spec, a.is_mla());
    v.fraction_given = s.gpu_mem_util > 0;
    v.f = v.fraction_given ? s.gpu_mem_util : v.ms.mem_fraction_static;
    v.model_dtype_bytes = r.weights.id == "fp32" ? 4.0 : 2.0;
    // kv_cache_dtype "auto" is the dtype the model runs in (--dtype), which the weight format sets
    // here: an fp32 run keeps an fp32 cache, a 16-bit run of an fp32 checkpoint a 16-bit one.
    v.kvb = kv_bits(r.kv, a, r.weights);
    if (r.kv.id == "auto" && (r.weights.id == "fp32" || r.weights.id == "fp16" || r.weights.id == "bf16"))
        v.kvb = r.weights.id == "fp32" ? 32.0 : 16.0;
    v.init_bytes = kContextGiB * kGiB + tp_init_bytes(r.gpu, v.tp);
    v.total_at_start = std::max(0.0, v.mem - v.init_bytes);
    v.draft_in_budget = v.spec && release.order >= kRel0520;
    return v;
}

// The NEXTN layouts this profile does not answer; "" when drafting is off or modelled.
std::string sglang_mtp_refusal(const Architecture& a, const SglangSettings& v, const EngineRelease& release) {
    if (!v.spec) return "";
    if (!sglang_mtp_modelled(a))
        return "mtp_tokens: SGLang's NEXTN draft for model_type " + a.model_type + " is not modelled (DeepSeek V3/V3.2, "
               "GLM-4.5/4.6, MiMo, Qwen3-Next and Qwen3.5 are); set it to 0";
    if (v.pp > 1) return "mtp_tokens: SGLang's NEXTN drafting with pipeline parallelism is not modelled; use tp only";
    if (release.order < kPr7054)
        return "mtp_tokens: SGLang's NEXTN draft is modelled from release 0.4.7 on (the reserve that makes room for "
               "it, PR #7054); choose 0.4.7 or newer, or set it to 0";
    return "";
}

// One PP stage's rank: its weights, bytes per token and the pool its rest memory holds.
struct StageResult {
    PpStage st;
    RankWeights w;
    double weights = 0, cell = 0, pool_cell = 0, rest = 0, mamba_per_req = 0, mamba_bytes = 0;
    double swa_cell = 0;  // the sliding layers' share of cell (hybrid SWA pool)
    double mamba_spec_bytes = 0;  // speculative decoding's intermediate Mamba states
    std::int64_t mamba_slots = 0;
    std::int64_t tokens = 0, swa_tokens = 0;
};

// What every stage shares.
struct PoolInputs {
    const Architecture& a;
    const Architecture& unshared;   // KV-shared layers counted as owning their buffer
    const SglangSettings& v;
    int attn_tp = 1;
    bool swa_pool = false;          // the hybrid SWA pool (hybrid_swa)
};

// Bytes per token of the stage's layers: profiled (cell), stored (pool_cell), sliding (swa_cell).
void stage_cells(const PoolInputs& in, StageResult& x) {
    const Architecture& a = in.a;
    const PpStage& st = x.st;
    for (std::int64_t l = st.first_layer; l < st.first_layer + st.num_layers; ++l) {
        const double b = pool_layer_bytes(in.unshared, l, in.attn_tp, in.v.kvb);  // KV heads of the attention-TP group
        x.cell += b;
        const auto li = static_cast<std::size_t>(l);
        if (in.swa_pool && li < a.layer_attention.size() && a.layer_attention[li] == LayerAttention::Sliding) x.swa_cell += b;
    }
    // DeepSeek V3.2 (get_cell_size_per_token, is_deepseek_nsa): the indexer's uint8 keys with one
    // fp32 scale per 128 values, index_head_dim + index_head_dim / 128 x 4 bytes, on every layer.
    if (a.has_dsa_indexer())
        x.cell += static_cast<double>(a.index_head_dim + a.index_head_dim / 128 * 4) * static_cast<double>(st.num_layers);
    // calculate_mla_kv_cache_dim: with an fp8 cache the NSA pool stores kv_lora_rank fp8 values, their
    // fp32 scales and the rope part in bf16 (656 B), while the profile above counted 576 B.
    x.pool_cell = x.cell;
    if (a.has_dsa_indexer() && a.is_mla() && in.v.kvb <= 8.0)
        x.pool_cell += static_cast<double>(a.kv_lora_rank / 128 * 4 + a.qk_rope_head_dim) * static_cast<double>(st.num_layers);
}

// The draft worker (pp 1 here): its module's weights and a pool of the same token count over its layer(s).
struct DraftWorker {
    double weights = 0;
    double cell = 0;   // bytes per token over the draft's layers
};

DraftWorker draft_worker(const ResolvedScenario& r, const PoolInputs& in, const RankShard& shard) {
    DraftWorker d;
    if (!in.v.spec) return d;
    const Architecture& a = in.a;
    const double n = static_cast<double>(a.mtp_layers);
    d.weights = n * mtp_draft_bytes(r, shard, in.v.model_dtype_bytes);
    d.cell = pool_layer_bytes(in.unshared, mtp_template_layer(a), in.attn_tp, in.v.kvb);
    if (a.has_dsa_indexer()) {
        d.cell += static_cast<double>(a.index_head_dim + a.index_head_dim / 128 * 4);
        if (a.is_mla() && in.v.kvb <= 8.0) d.cell += static_cast<double>(a.kv_lora_rank / 128 * 4 + a.qk_rope_head_dim);
    }
    d.cell *= n;
    return d;
}

// profile_max_num_token on the stage: the rest after the weights, less the Mamba pool, in tokens.
void stage_tokens(const PoolInputs& in, const DraftWorker& d, StageResult& x) {
    const SglangSettings& v = in.v;
    // rest_memory = (total_at_start - weights) - total_at_start x (1 - f); since ~0.5.20 the draft's
    // weights are loaded before the profile (PR #28855) and so come off it too.
    x.rest = (v.total_at_start - x.weights) - v.total_at_start * (1.0 - v.f);
    if (v.draft_in_budget) x.rest -= d.weights;
    x.mamba_per_req = mamba_cache_per_req(in.a, x.st, v.tp);
    // handle_max_mamba_cache with speculative decoding: the intermediate states of every draft token of
    // max_running_requests (per attention-DP rank) come off the rest first.
    if (v.spec && x.mamba_per_req > 0) {
        x.mamba_spec_bytes = x.mamba_per_req * static_cast<double>(v.spec_running / std::max(1, v.dp_attn_size)) *
                             static_cast<double>(v.spec_draft_tokens);
        x.rest -= x.mamba_spec_bytes;
    }
    x.mamba_slots = mamba_slots(x.rest, x.mamba_per_req);
    x.mamba_bytes = static_cast<double>(x.mamba_slots) * x.mamba_per_req;
    x.rest -= x.mamba_bytes;
    // PR #23862: cell_size scaled by the draft's layers, i.e. each token also pays its draft-pool slot.
    const double token_bytes = x.cell + (v.draft_in_budget ? d.cell : 0.0);
    x.tokens = (x.rest > 0 && x.cell > 0) ? saturating_floor_count(x.rest / token_bytes) : 0;
    x.swa_tokens = x.tokens;
    if (in.swa_pool && x.swa_cell > 0 && x.swa_cell < x.cell) {
        // set_num_tokens_hybrid_swa: the same memory split so that swa tokens = 0.8 x full tokens;
        // full = max_total x (F n_full + S n_swa) / (F n_full + r S n_swa).
        const double full_cell = x.cell - x.swa_cell;
        const double total = static_cast<double>(x.tokens) * x.cell;
        x.tokens = saturating_floor_count(total / (full_cell + kSwaFullTokensRatio * x.swa_cell));
        x.swa_tokens = saturating_floor_count(static_cast<double>(x.tokens) * kSwaFullTokensRatio);
    }
}

StageResult stage_result(const PoolInputs& in, const PpStage& st, const RankWeights& w, const DraftWorker& d) {
    StageResult x;
    x.st = st;
    x.w = w;
    x.weights = static_cast<double>(x.w.bytes) + kLoadSlackGiB * kGiB;
    stage_cells(in, x);
    stage_tokens(in, d, x);
    return x;
}

// The pool every rank gets (the smallest stage's) and what one request takes of it.
struct PoolSize {
    std::int64_t min_tokens = 0;
    std::int64_t min_swa_tokens = 0;
    std::int64_t seq_slots = 0;     // slots one request takes
};

PoolSize pool_size(const Scenario& s, const Architecture& a, const std::vector<StageResult>& res, bool swa_pool) {
    PoolSize p;
    std::int64_t min_tokens = -1;
    for (const StageResult& x : res)
        if (x.cell > 0) min_tokens = min_tokens < 0 ? x.tokens : std::min(min_tokens, x.tokens);
    p.min_tokens = min_tokens < 0 ? 0 : min_tokens;
    // Slots one request takes: its tokens, plus (mllama) the image's vision tokens pad_input_ids puts in
    // front of the prompt (one image of max_num_tiles tiles assumed).
    p.seq_slots = s.context + (a.cross_attention_layers.empty() ? 0 : a.cross_attention_tokens);
    p.min_swa_tokens = swa_pool ? static_cast<std::int64_t>(static_cast<double>(p.min_tokens) * kSwaFullTokensRatio) : p.min_tokens;
    return p;
}

void report_pool(Estimate& e, const SglangSettings& v, const PoolSize& p, const std::vector<StageResult>& res, int attn_dp) {
    e.kv_cache_tokens = p.min_tokens;
    e.max_concurrency = p.seq_slots > 0 ? static_cast<double>(p.min_tokens) / static_cast<double>(p.seq_slots) : 0.0;
    if (attn_dp > 1) *e.max_concurrency *= attn_dp;  // one pool per attention-DP rank
    if (v.spec) e.max_concurrency = std::min(*e.max_concurrency, static_cast<double>(v.spec_running));
    // init_memory: running requests are capped at max_mamba_cache_size // 3
    // (MAMBA_CACHE_SIZE_MAX_RUNNING_REQUESTS_RATIO with the radix cache on, the default).
    for (const StageResult& x : res)
        if (x.mamba_per_req > 0) e.max_concurrency = std::min(*e.max_concurrency, static_cast<double>(x.mamba_slots / 3));
}

// Activations: SGLang reserves max(chunked_prefill_size, 2048) x 1.5 MiB for them but never
// measures them. What a prefill chunk really takes, as in the vLLM profile (vllm.cpp): the widest
// MLP of one layer for chunked_prefill_size tokens + ~4 hidden-sized buffers, and the logits of a
// full decode batch (cuda_graph_max_bs rows, 16-bit plus an fp32 copy in the sampler).
struct ActivationEstimate {
    double reserved_act = 0;   // SGLang's own reservation
    std::int64_t chunk = 0;    // prefill chunk tokens
    double forward = 0, logits = 0;
    double act = 0;            // the figure shown
    double graphs = 0;         // CUDA graphs' reservation
};

ActivationEstimate activation_estimate(const Architecture& a, const SglangSettings& v, int attn_dp) {
    const MemSettings& ms = v.ms;
    ActivationEstimate x;
    x.reserved_act = static_cast<double>(std::max<std::int64_t>(ms.chunked_prefill_size, 2048)) * 1.5 * kMiB;
    double width = static_cast<double>(a.intermediate_size);
    if (a.is_moe()) width = std::max(width, static_cast<double>(a.moe_intermediate_size * std::max<std::int64_t>(1, a.experts_per_token)));
    // server_args.py _handle_data_parallelism: with DP attention chunked_prefill_size //= dp_size.
    x.chunk = attn_dp > 1 ? ms.chunked_prefill_size / attn_dp : ms.chunked_prefill_size;
    const double T = static_cast<double>(x.chunk);
    const double up_cols = a.mlp == MlpKind::Gated ? 2.0 : 1.0;
    x.forward = T * (up_cols + 1.0) * width / v.tp * v.model_dtype_bytes + 4.25 * T * static_cast<double>(a.hidden_size) * v.model_dtype_bytes;
    x.logits = static_cast<double>(ms.cuda_graph_max_bs) * static_cast<double>(a.vocab_size) * (v.model_dtype_bytes + 4.0);
    // Releases before PR #10975 reserve no activation term: the estimate is not capped.
    x.act = ms.activation_reserve ? std::min(x.reserved_act, x.forward + x.logits) : x.forward + x.logits;
    x.graphs = (static_cast<double>(ms.cuda_graph_max_bs) * 2.0 + ms.pcg_mib) * kMiB;
    return x;
}

// How the stage's pool was sized, for its KV figure.
std::string pool_how(const PoolInputs& in, const PoolSize& p, const DraftWorker& d, const StageResult& x, double kv,
                     double draft_pool) {
    const Architecture& a = in.a;
    const SglangSettings& v = in.v;
    const std::string frac_how = v.fraction_given
        ? "mem_fraction_static " + num(v.f) + " (given)"
        : "mem_fraction_static " + num(v.f) + " = (" + num(v.mem / kMiB, 0) + " - " + num(v.ms.reserved_mib, 0) + " MiB reserved) / " +
              num(v.mem / kMiB, 0) + " MiB (" + v.ms.rule + ")";
    const std::string mamba_how =
        x.mamba_slots > 0 ? " - Mamba pool " + std::to_string(x.mamba_slots) + " states x " + num(x.mamba_per_req, 0) + " B " +
                                gib_text(x.mamba_bytes) + " (mamba_full_memory_ratio 0.9)"
                          : std::string();
    const std::string draft_weights_how = v.draft_in_budget ? " - NEXTN draft weights " + gib_text(d.weights) : std::string();
    const std::string cell_how = v.draft_in_budget ? "(" + num(x.cell, 0) + " + draft " + num(d.cell, 0) + ")" : num(x.cell, 0);
    return frac_how + "; free at start " + gib_text(v.total_at_start) + " x " + num(v.f) + " - weights " + gib_text(x.weights) +
           draft_weights_how + mamba_how + " = " + gib_text(std::max(0.0, x.rest)) + " / " + cell_how + " B per token (" +
           std::to_string(x.st.num_layers) + " layers" + (a.is_mla() ? ", MLA latent" : "") + ") = " +
           std::to_string(p.min_tokens) + " tokens" +
           (in.swa_pool ? " of the full layers and " + std::to_string(p.min_swa_tokens) +
                              " of the sliding ones (hybrid SWA pool, swa_full_tokens_ratio 0.8)"
                        : std::string()) +
           (a.cross_attention_layers.empty() ? std::string()
                                             : "; each request also holds one image's " + std::to_string(a.cross_attention_tokens) +
                                                   " vision tokens in the pool") +
           "; pool " + gib_text(kv) +
           (v.spec ? "; + the NEXTN draft's pool " + std::to_string(p.min_tokens) + " tokens x " + num(d.cell, 0) +
                         " B (its " + std::to_string(a.mtp_layers) + " layer) " + gib_text(draft_pool) +
                         (v.draft_in_budget ? ", inside mem_fraction_static (each token pays both)" : ", from the reserve")
                   : std::string()) +
           (x.mamba_spec_bytes > 0 ? "; Mamba states of " + std::to_string(v.spec_draft_tokens) + " draft tokens x " +
                                         std::to_string(v.spec_running) + " requests " + gib_text(x.mamba_spec_bytes) +
                                         " (HybridReqToTokenPool's intermediate states, taken off the rest first)"
                                   : std::string());
}

// One TP rank of PP stage i.
GpuLoad stage_load(const PoolInputs& in, const PoolSize& p, const DraftWorker& d, const ActivationEstimate& act,
                   const StageResult& x, std::size_t i) {
    const SglangSettings& v = in.v;
    GpuLoad g;
    g.weights.bytes = bytes_from(x.weights);
    g.weights.how = "\"Load weight end ... mem usage\": " + x.w.how + " + ~" + gib_text(kLoadSlackGiB * kGiB) + " allocator slack";
    if (v.spec) {
        g.weights.bytes += bytes_from(d.weights);
        g.weights.how += " + the NEXTN draft module " + gib_text(d.weights) +
                         " (its MTP layer, the 2h x h eh_proj / fc and three norms; embedding and lm_head are the target's)";
    }
    const double kv = static_cast<double>(p.min_tokens) * (x.pool_cell - x.swa_cell) + static_cast<double>(p.min_swa_tokens) * x.swa_cell +
                      x.mamba_bytes + x.mamba_spec_bytes;
    const double draft_pool = static_cast<double>(p.min_tokens) * d.cell;
    g.kv_cache.bytes = bytes_from(kv + draft_pool);
    g.kv_cache.how = pool_how(in, p, d, x, kv, draft_pool);
    g.activation.bytes = bytes_from(act.act);
    g.activation.how = "prefill chunk of " + std::to_string(act.chunk) + " tokens (MLP + hidden buffers " + gib_text(act.forward) +
                       ") + logits of " + std::to_string(v.ms.cuda_graph_max_bs) + " decode rows " + gib_text(act.logits) +
                       (v.ms.activation_reserve ? ", within SGLang's " + gib_text(act.reserved_act) +
                                                      " reservation (max(chunked_prefill_size, 2048) x 1.5 MiB)"
                                                : std::string());
    const double overhead = 512.0 * kMiB + act.graphs + v.init_bytes;
    g.overhead.bytes = bytes_from(overhead);
    g.overhead.how = "512 MiB attention metadata + CUDA graphs " + std::to_string(v.ms.cuda_graph_max_bs) + " x 2 MiB" +
                     (v.ms.pcg_mib > 0 ? " + piecewise prefill graphs " + num(v.ms.pcg_mib, 0) + " MiB" : std::string()) +
                     " + CUDA context" + std::string(v.tp > 1 ? " and NCCL" : "") + " ~" + gib_text(v.init_bytes) + " (SGLang's reserved terms)";
    g.total_bytes = g.weights.bytes + g.kv_cache.bytes + g.activation.bytes + g.overhead.bytes;
    g.role = "PP stage " + std::to_string(i);
    return g;
}

// The stage with the heaviest weights.
std::size_t heaviest_stage(const std::vector<StageResult>& res) {
    std::size_t worst = 0;
    double worst_w = -1;
    for (std::size_t i = 0; i < res.size(); ++i)
        if (res[i].weights > worst_w) {
            worst_w = res[i].weights;
            worst = i;
        }
    return worst;
}

// Every GPU's load: TP ranks of a stage alike, DP replicas repeating them.
void add_rank_loads(Estimate& e, const Scenario& s, const Architecture& a, const ExpertLayout& xl, int tp,
                    const std::vector<StageResult>& res, const std::vector<GpuLoad>& loads) {
    const int attn_tp = xl.shard.attn_tp;
    // With DP attention the --dp-size ranks live inside the TP group: no more GPUs than TP x PP.
    const int replicas = xl.attn_dp > 1 ? 1 : std::max(1, s.replicas);
    for (int rep = 0; rep < replicas; ++rep)
        for (std::size_t i = 0; i < loads.size(); ++i)
            for (int t = 0; t < tp; ++t) {
                GpuLoad g = loads[i];
                g.role = (replicas > 1 ? "DP replica " + std::to_string(rep) + ", " : "") + "TP rank " + std::to_string(t) +
                         ", PP stage " + std::to_string(i) + ", layers " + std::to_string(res[i].st.first_layer) + "-" +
                         std::to_string(res[i].st.first_layer + res[i].st.num_layers - 1);
                if (xl.attn_dp > 1) g.role += "; attention DP rank " + std::to_string(t / attn_tp) + " (attention TP " + std::to_string(attn_tp) + ")";
                if (const std::string ex = expert_role(a, xl.shard, t / std::max(1, xl.shard.moe_tp)); !ex.empty()) g.role += "; " + ex;
                g.placement = rank_placement(a, xl.shard, res[i].st.first_layer, res[i].st.num_layers, t / std::max(1, xl.shard.moe_tp));
                e.gpus.push_back(g);
            }
}

// The worst stage's load, the totals over every GPU and the start-up peak.
void add_totals(Estimate& e, const SglangSettings& v, const std::vector<StageResult>& res, const std::vector<GpuLoad>& loads,
                std::size_t worst) {
    e.per_gpu = loads[worst];
    e.per_gpu.role = "PP stage " + std::to_string(worst) + ", layers " + std::to_string(res[worst].st.first_layer) + "-" +
                     std::to_string(res[worst].st.first_layer + res[worst].st.num_layers - 1) +
                     (v.tp > 1 ? ", each of " + std::to_string(v.tp) + " TP ranks" : "");
    add_load_bytes(e.total, e.gpus);
    const std::string ng = count_of(static_cast<std::int64_t>(e.gpus.size()), "GPU");
    e.total.weights.how = e.total.kv_cache.how = e.total.activation.how = e.total.overhead.how = "summed over " + ng;
    e.total.role = ng;
    e.startup_peak.bytes = bytes_from(v.init_bytes + static_cast<double>(e.per_gpu.weights.bytes) + static_cast<double>(e.per_gpu.kv_cache.bytes));
    e.startup_peak.how = "CUDA context + weights + KV pool, before CUDA graph capture";
}

// Does the batch fit the pool? Headroom, the load the request needs, and the warnings.
void report_fit(Estimate& e, const Scenario& s, const PoolInputs& in, const PoolSize& p, const DraftWorker& d,
                const std::vector<StageResult>& res, std::size_t worst, int attn_dp) {
    const Architecture& a = in.a;
    const SglangSettings& v = in.v;
    const bool swa_pool = in.swa_pool;
    const std::int64_t min_tokens = p.min_tokens, min_swa_tokens = p.min_swa_tokens, seq_slots = p.seq_slots;
    // Each attention-DP rank holds the KV of its own requests: the batch is spread over them.
    const std::int64_t batch_per_rank = (s.batch + attn_dp - 1) / attn_dp;
    const double need = static_cast<double>(seq_slots) * static_cast<double>(batch_per_rank);
    // The sliding pool keeps a request's window and the chunk being prefilled (the SWA radix cache frees the rest).
    const double swa_need = static_cast<double>(batch_per_rank) *
                            static_cast<double>(std::min<std::int64_t>(seq_slots, a.sliding_window + v.ms.chunked_prefill_size));
    const StageResult& w = res[worst];
    const double need_bytes = swa_pool ? need * (w.cell - w.swa_cell) + swa_need * w.swa_cell : need * w.cell;
    const double pool_tokens_bytes = swa_pool ? static_cast<double>(min_tokens) * (w.cell - w.swa_cell) + static_cast<double>(min_swa_tokens) * w.swa_cell
                                              : static_cast<double>(min_tokens) * w.cell;
    // When the weights already overflow the budget, the shortfall includes that overflow, as vLLM's does.
    double have = pool_tokens_bytes;
    for (const StageResult& x : res) have = std::min(have, x.rest);
    e.headroom_bytes = saturating_round(have - need_bytes);
    GpuLoad needed = e.per_gpu;  // the same load with the KV of context x batch tokens instead of the pool
    // The draft's pool keeps the same tokens in its own layer, outside the target's budget.
    needed.kv_cache = {bytes_from(need_bytes + need * d.cell), std::to_string(batch_per_rank) + " x " + std::to_string(seq_slots) +
                                                               " tokens x " + num((w.cell + d.cell) / kKiB, 1) + " KiB per token" +
                                                               (v.spec ? std::string(" (draft layer included)") : std::string()) +
                                                               (swa_pool ? " (sliding layers: their window only)" : "")};
    needed.total_bytes = needed.weights.bytes + needed.kv_cache.bytes + needed.activation.bytes + needed.overhead.bytes;
    e.needed_per_gpu = needed;
    if (min_tokens <= 0) {
        e.fits = false;
        e.warnings.push_back("no memory left for the KV pool: weights exceed mem_fraction_static " + num(v.f) +
                             " of the free memory (SGLang: \"Not enough memory. Please try to increase --mem-fraction-static\")");
    } else {
        e.fits = static_cast<double>(min_tokens) >= need && static_cast<double>(min_swa_tokens) >= swa_need;
        if (!e.fits)
            e.warnings.push_back("the KV pool holds " + std::to_string(min_tokens) + " tokens, fewer than " +
                                 std::to_string(batch_per_rank) + " x " + std::to_string(seq_slots) + " (requests wait or are cut)");
    }
    if (v.spec && !v.draft_in_budget && static_cast<double>(e.per_gpu.total_bytes) > v.mem)
        e.warnings.push_back("the NEXTN draft's weights and pool (" + gib_text(d.weights + static_cast<double>(min_tokens) * d.cell) +
                             ") come out of the reserve left beside mem_fraction_static " + num(v.f) +
                             ", and the total passes the GPU's memory: lower --mem-fraction-static");
}

Estimate estimate_sglang(const ResolvedScenario& r, const EngineRelease& release) {
    Estimate e;
    const Scenario& s = r.scenario;
    const Architecture& a = r.model.arch;
    if (a.num_layers <= 0 || a.hidden_size <= 0) {
        e.error = "model: the architecture has no layers or hidden size";
        return e;
    }
    const SglangSettings v = sglang_settings(r, release);
    if (std::string refusal = sglang_mtp_refusal(a, v, release); !refusal.empty()) {
        e.error = refusal;
        return e;
    }
    const auto stages = pp_stages(a.num_layers, v.pp);
    // --ep-size / --enable-dp-attention (core/expert_parallel.h): experts over ep, attention over tp / dp.
    const ExpertLayout xl = sglang_expert_layout(s, a, v.tp, std::max(1, s.replicas));
    if (!xl.error.empty()) {
        e.error = xl.error;
        return e;
    }
    e.warnings.insert(e.warnings.end(), xl.warnings.begin(), xl.warnings.end());
    Architecture unshared = a;
    unshared.kv_shared_layers = 0;
    const PoolInputs in{a, unshared, v, xl.shard.attn_tp, hybrid_swa(a)};
    const auto stage_weights = stage_weight_bytes(*r.tensors, a, r.weights, xl.shard, stages, v.model_dtype_bytes, matching_file_weights(r));
    std::vector<StageResult> res;
    const DraftWorker d = draft_worker(r, in, xl.shard);
    for (std::size_t i = 0; i < stages.size(); ++i) res.push_back(stage_result(in, stages[i], stage_weights[i], d));
    const PoolSize p = pool_size(s, a, res, in.swa_pool);
    report_pool(e, v, p, res, xl.attn_dp);

    const ActivationEstimate act = activation_estimate(a, v, xl.attn_dp);
    std::vector<GpuLoad> loads;
    for (std::size_t i = 0; i < res.size(); ++i) loads.push_back(stage_load(in, p, d, act, res[i], i));
    add_rank_loads(e, s, a, xl, v.tp, res, loads);
    const std::size_t worst = heaviest_stage(res);
    add_totals(e, v, res, loads, worst);
    report_fit(e, s, in, p, d, res, worst, xl.attn_dp);
    e.ok = true;
    return e;
}

// ---- the profile --------------------------------------------------------------------------------

std::string load_error(const WeightFormat& f, const KvFormat&) {
    if (f.kind == "exl2") return "weights: EXL2 runs on ExLlamaV2/TabbyAPI, not SGLang; choose the simple engine or another format";
    return "";
}

double reserved_fraction(const ResolvedScenario& r) {
    if (r.scenario.gpu_mem_util > 0) return r.scenario.gpu_mem_util;
    return mem_settings(r.release ? *r.release : EngineRelease{}, static_cast<double>(r.gpu.memory_bytes) / kMiB,
                        std::max(1, r.scenario.tp), std::max(1, r.scenario.pp),
                        r.scenario.enable_dp_attention && r.scenario.replicas > 1 ? r.scenario.replicas : 1,
                        r.scenario.mtp_tokens > 0 && r.model.arch.mtp_layers > 0, r.model.arch.is_mla())
        .mem_fraction_static;
}

std::optional<double> knob_default(std::string_view knob, const ResolvedScenario& r) {
    if (knob == "gpu_mem_util") return reserved_fraction(r);
    return std::nullopt;
}

std::string command(const ResolvedScenario& r) {
    const Scenario& s = r.scenario;
    std::vector<std::string> p;
    p.push_back("python -m sglang.launch_server --model-path " + shell_word(model_ref(r)));
    if (s.tp > 1) p.push_back("--tp " + std::to_string(s.tp));
    if (s.pp > 1) p.push_back("--pp-size " + std::to_string(s.pp));
    if (s.replicas > 1) p.push_back("--dp-size " + std::to_string(s.replicas));
    if (r.model.arch.is_moe() && (s.ep > 1 || s.enable_expert_parallel))
        p.push_back("--ep-size " + std::to_string(s.ep > 1 ? s.ep : std::max(1, s.tp)));
    if (s.enable_dp_attention && s.replicas > 1) p.push_back("--enable-dp-attention");
    p.push_back("--context-length " + std::to_string(s.context));
    if (s.gpu_mem_util > 0) p.push_back("--mem-fraction-static " + format_fixed(s.gpu_mem_util, 2));
    if (std::string q = quantization_flag_value(r); !q.empty() && q != "gguf") p.push_back("--quantization " + q);
    if (r.kv.id == "fp8") p.push_back("--kv-cache-dtype fp8_e5m2");
    if (s.batch > 1) p.push_back("--max-running-requests " + std::to_string(s.batch));
    // The model's own MTP layer as the draft, in a chain (top-k 1): draft tokens = steps + 1.
    if (s.mtp_tokens > 0)
        p.push_back("--speculative-algorithm NEXTN --speculative-num-steps " + std::to_string(s.mtp_tokens) +
                    " --speculative-eagle-topk 1 --speculative-num-draft-tokens " + std::to_string(s.mtp_tokens + 1));
    return checkpoint_note(r) + joined_flags(p);
}

}  // namespace

const EngineProfile& engine_profile_sglang() {
    static const EngineProfile profile{
        .id = "sglang",
        .name = "SGLang",
        .blurb = "Serving: reserves mem-fraction-static of each GPU for weights and its KV pool.",
        .aliases = {},
        .order = 20,
        .releases = {
            {.id = "0.3.5", .order = 3'005, .date = "2024-11",
             .label = "mem_fraction_static by TP size (0.88 at tp 1, 0.87 tp 2, 0.85 tp 4, 0.81 tp 8)",
             .changed = "oldest release modelled: ServerArgs.__post_init__ picks the fraction from a TP-size table; "
                        "chunked prefill 2048 and CUDA graph batch 8 on GPUs under 25,000 MiB (PR #2044). "
                        "Release inferred from PR dates; 0.2-0.3.0 used 0.83 at tp 8",
             .source = "sgl-project/sglang python/sglang/srt/server_args.py __post_init__ (stored copies); PR #2044"},
            {.id = "0.4.7", .order = kPr7054, .date = "2025-06",
             .label = "mem_fraction_static = (GPU memory - reserve by GPU size) / GPU memory",
             .changed = "PR #7054 \"Simplify the heuristics for setting --mem-fraction-static\" (2025-06-10): reserve "
                        "2.8 + tp x pp / 10 GiB under 35 GiB, 9.5 + tp x pp / 2 under 90 GiB, 12 + tp x pp / 2 under 160 GiB, "
                        "else 32 GiB (release inferred from the PR date)",
             .source = "sgl-project/sglang PR #7054, server_args.py __post_init__"},
            {.id = "0.5.4", .order = kPr10975, .date = "2025-10",
             .label = "reserve = 512 MiB + 1.5 MiB per prefill-chunk token + 2 MiB per CUDA-graph batch + tp x pp / 8 GiB",
             .changed = "PR #10975 (2025-09-27): ServerArgs._handle_gpu_memory_settings sizes the reserve from the "
                        "chunked-prefill size, the CUDA-graph batch and the parallel size, at least 10 GiB above 60 GiB "
                        "(release inferred from the PR date)",
             .source = "sgl-project/sglang PR #10975, server_args.py _handle_gpu_memory_settings"},
            {.id = "0.5.10", .order = kPr16331, .date = "2026-04",
             .label = "the 0.5.4 reserve + 8 MiB per piecewise (prefill) CUDA graph size",
             .changed = "PR #16331 \"Piecewise Cuda Graph set default\" (v0.5.10, 2026-04-06): _handle_gpu_memory_settings adds "
                        "len(piecewise_cuda_graph_tokens) x 8 MiB before the 10 GiB floor; the sizes run to chunked_prefill_size "
                        "(PR #15700), 2048 on MLA: 58 sizes (464 MiB) at 8192, 42 (336 MiB) at 2048",
             .source = "sgl-project/sglang PRs #16331, #15700, #15927; server_args.py _handle_gpu_memory_settings and "
                       "_generate_piecewise_cuda_graph_tokens (stored copy at 469c63e5)"},
            {.id = "0.5.20", .order = kRel0520, .date = "2026-09",
             .label = "32 GB GPUs: chunked prefill 4096, 48 graph rows; MLA prefill graphs 1.5 GiB; NEXTN draft in the fraction",
             .changed = "PR #37898 (2026-09-04): the 32 GB bucket's chunked_prefill_size 2048 -> 4096 and cuda_graph_max_bs "
                        "24 -> 48 (80 -> 160 at tp >= 4); reserve_for_graph_mb reserves 1.5 GiB for an MLA backend's prefill "
                        "graphs instead of 8 MiB per size. NEXTN: PR #23862 (2026-04-27) drops the flat 2 GiB draft reserve and "
                        "scales the pool's cell by the draft's layers; PR #28855 (2026-06-21) profiles the pool after the draft's "
                        "weights load, so both come out of mem_fraction_static. These PRs landed between 0.5.10 and 0.5.20 in "
                        "releases not pinned down here (0.5.11-0.5.19 follow 0.5.10). Newest release seen (0.5.20, Sept 2026; "
                        "PR #40346 benchmarks it with 48). "
                        "Post-capture KV sizing (PR #30157) stays opt-in (SGLANG_ENABLE_POST_CAPTURE_KV_SIZING=0)",
             .source = "sgl-project/sglang PRs #37898, #23862, #28855, #30157, #40346; sglang/srt/arg_groups gpu-memory handler "
                       "handle_gpu_memory_settings / reserve_for_graph_mb"},
        },
        .parse_version = release_version,
        .version_forms = "a release such as 0.4.9, 0.5.4 or v0.5.20",
        .load_error = load_error,
        .formats_by_quality = {"bf16", "fp8", "int8", "gptq-int8", "awq", "gptq-int4", "nf4"},
        .estimate = estimate_sglang,
        .counts_kv_cache = true,
        .reserved_fraction = reserved_fraction,
        .command = command,
        .knobs = {
            {"gpu_mem_util", "mem. fraction", "--mem-fraction-static: the share of each GPU's memory for weights and the KV pool "
                                                "(default by GPU size and release)", 0.30, 0.99},
            {"replicas", "replicas", "--dp-size: copies of the model, each on GPUs / replicas GPUs (default 1: all GPUs serve one copy)"},
            {"ep", "EP size", "--ep-size: MoE experts split whole over this many ranks, each over TP / EP (divides TP; 0 = none)"},
            {"enable_expert_parallel", "expert parallel", "expert parallel with --ep-size = TP when no size is given"},
            {"enable_dp_attention", "DP attention", "--enable-dp-attention: the --dp-size ranks split the TP group's attention "
                                                    "(attention over TP / DP, each with its own KV cache; GPUs = TP x PP)"},
            {"mtp_tokens", "MTP tokens", "--speculative-algorithm NEXTN --speculative-num-steps N --speculative-eagle-topk 1: "
                                               "the model's own MTP layer drafts N tokens; its layer loads and keeps a KV pool of "
                                               "the target's token count (0 = off; only models with MTP layers)", 0, 8},
        },
        .knob_default = knob_default,
        .parallel = {.tensor_parallel = true, .pipeline_parallel = true, .heads_divide_tp = true, .split = "", .dp_attention = true},
        .workload = per_sequence_workload("Tokens per sequence: prompt + generated (SGLang --context-length)",
                                          "Requests in flight at once (SGLang --max-running-requests)"),
        // Nemotron-H '-'/'E' blocks: no attention layer id, no cell (kv_bytes_per_token_layer is 0 there);
        // the V3.2 indexer in the cell; Falcon-H1's Mamba state on every layer (estimate_sglang)
        // Gemma 3n / Gemma 4: every layer keeps a buffer (KV sharing saves nothing, pool_layer_bytes), Gemma 4's
        // full and sliding geometries in the hybrid SWA pool; LFM2's conv states in the Mamba pool (Lfm2Config
        // mamba2_cache_params: hidden x (L_cache - 1) in bf16); mllama's vision tokens in the request's slots.
        .cache_features = {"mixerless_blocks", "dsa_indexer", "parallel_ssm", "kv_sharing", "layer_kv_geometry", "short_conv",
                           "cross_attention"},
    };
    return profile;
}

}  // namespace vramcalc
