// llama.cpp accounting of llama-server on CUDA with the default split mode "layer", by build (the
// releases at the end of this file): the newest is b11232 (Sept. 2026); b10644 is the newest build in
// the published measurements. Sources mirrored:
//  - weights: src/llama-model.cpp load_tensors (layer -> device assignment, input layer on the CPU,
//    output layer on the device after the last repeating layer), src/llama-quant.cpp for each
//    tensor's GGUF type (engines/gguf.cpp);
//  - KV: src/llama-context.cpp llama_context() (n_ctx padded to 256, n_ctx_seq = n_ctx / n_seq_max
//    padded to 256 with one stream per sequence unless --kv-unified), src/llama-kv-cache.cpp (K and V
//    tensors of ggml_row_size(type, n_embd_k/v_gqa) x cells per layer on the layer's device; MLA keeps
//    only K = kv_lora_rank + rope), src/llama-kv-cache-iswa.cpp (SWA cache of
//    GGML_PAD(min(n_ctx_seq, n_swa + n_ubatch), 256) cells);
//  - compute: src/llama-context.cpp sched_reserve/graph_reserve (worst-case ubatch of
//    min(n_ctx, n_ubatch) tokens, full KV), ggml-alloc reusing memory of dead tensors, so the buffer is
//    the largest set of intermediates alive at once (see docs/accounting/llamacpp.md). Two changes of
//    May/June 2026 split the builds: PR #23861 (the reserve graph computes n_outputs = min(n_ubatch,
//    n_outputs_max) logits rows and llama-server sets n_outputs_max to its slots; every build before
//    reserved logits for the whole ubatch, issue #23527) and PR #23764 (the KQ mask is allocated f16
//    when flash attention reads it; before, an f32 mask plus its f16 cast, llama-graph.cpp
//    `self_kq_mask_cnv = cparams.flash_attn ? ggml_cast(ctx0, self_kq_mask, GGML_TYPE_F16) : ...`).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "../checked.h"
#include "../command_text.h"
#include "../engine_profile.h"
#include "../gguf.h"
#include "../llamacpp_placement.h"
#include "../tensors.h"
#include "../text.h"

namespace vramcalc {

namespace {

// nvidia-smi memory.used minus llama.cpp's model + KV + compute buffers after one completion, on
// RTX 3060 / GTX 1660 SUPER with build b10644 (mcgyvr-lab readings.tsv): 129-136 MiB per device.
// CUDA 12 loads kernels lazily; builds without lazy loading (premAI's 2024 A100 runs) used ~1.2 GiB.
constexpr double kCudaContextMiB = 130.0;
// ggml-backend.c GGML_SCHED_MAX_COPIES: with pipeline parallelism every split input is kept 4 times.
constexpr double kSchedCopies = 4.0;
// The first build known to carry PR #23861 and PR #23764 (both merged 2026-05-29..06-01; b9272 of
// 2026-05-22 has neither, b9464 has both). Builds in between are answered with the older, larger
// reservation.
constexpr std::int64_t kOutputsMaxBuild = 9464;
// llama-server's -np default became "auto" (PR #16736, merged 2025-10-23): 4 slots sharing one unified
// KV cache; b7079 is the first build known to carry it (issue #17300). Before, the default was 1 slot.
constexpr std::int64_t kAutoSlotsBuild = 7079;
constexpr int kAutoSlots = 4;


std::optional<GgmlType> cache_type(const KvFormat& kv) {
    // common/arg.cpp -ctk/-ctv accept f32, f16, bf16, q8_0, q4_0, q4_1, iq4_nl, q5_0, q5_1 (default f16)
    if (kv.id == "auto" || kv.id == "fp16") return GgmlType::F16;
    if (kv.id == "bf16") return GgmlType::BF16;
    if (kv.id == "fp32") return GgmlType::F32;
    if (kv.id == "q8_0") return GgmlType::Q8_0;
    if (kv.id == "q4_0") return GgmlType::Q4_0;
    if (kv.id == "q4_1") return GgmlType::Q4_1;
    if (kv.id == "q5_0") return GgmlType::Q5_0;
    if (kv.id == "q5_1") return GgmlType::Q5_1;
    if (kv.id == "iq4_nl") return GgmlType::IQ4_NL;
    return std::nullopt;
}

LayerAttention layer_kind(const Architecture& a, std::int64_t l) {
    const auto i = static_cast<std::size_t>(l);
    return i < a.layer_attention.size() ? a.layer_attention[i] : LayerAttention::Full;
}

// "3, 5-7": layer numbers as ranges.
std::string layer_ranges(const std::vector<std::int64_t>& layers) {
    std::string t;
    for (std::size_t i = 0; i < layers.size();) {
        std::size_t j = i;
        while (j + 1 < layers.size() && layers[j + 1] == layers[j] + 1) ++j;
        t += (t.empty() ? "" : ", ") + std::to_string(layers[i]) + (j > i ? "-" + std::to_string(layers[j]) : "");
        i = j + 1;
    }
    return t;
}

// One GPU's tensors for the page: its layers' classes, and what overrides moved off them.
std::string device_placement(const Architecture& a, std::int64_t first, std::int64_t count, bool output,
                             const std::vector<int>& moved, bool rows_only) {
    if (rows_only) return "its share of the rows of every offloaded weight matrix (--split-mode row); KV cache and the rest on the main GPU";
    std::string t;
    if (count > 0) {
        const std::int64_t last = first + count - 1;
        t = "layers " + std::to_string(first) + "-" + std::to_string(last) + ": attention + norms + " +
            (!a.is_moe() ? std::string("FFN")
                         : a.num_shared_experts > 0 || a.shared_expert_intermediate_size > 0 ? std::string("router, shared FFN and routed experts")
                                                                                              : std::string("router and routed experts")) + ", their KV cache";
        std::vector<std::int64_t> experts_cpu, other_cpu, other_gpu;
        for (std::int64_t l = first; l <= last && l < static_cast<std::int64_t>(moved.size()); ++l) {
            const int m = moved[static_cast<std::size_t>(l)];
            if (m & 1) experts_cpu.push_back(l);
            if (m & 2) other_cpu.push_back(l);
            if (m & 4) other_gpu.push_back(l);
        }
        if (!experts_cpu.empty()) t += "; routed experts of layers " + layer_ranges(experts_cpu) + " in host RAM";
        if (!other_cpu.empty()) t += "; other tensors of layers " + layer_ranges(other_cpu) + " in host RAM (-ot)";
        if (!other_gpu.empty()) t += "; tensors of layers " + layer_ranges(other_gpu) + " sent to another GPU (-ot)";
    }
    if (output) t += std::string(t.empty() ? "" : "; ") + "output layer (final norm + lm_head)";
    return t.empty() ? "nothing" : t;
}

// Each device's memory: a mixed list (Scenario::gpu_list) or gpus x the one GPU.
double device_memory(const ResolvedScenario& r, int i) {
    const auto k = static_cast<std::size_t>(i);
    return static_cast<double>(k < r.devices.size() ? r.devices[k].memory_bytes : r.gpu.memory_bytes);
}

bool is_expert(TensorRole role) {
    return role == TensorRole::ExpertGate || role == TensorRole::ExpertUp || role == TensorRole::ExpertDown;
}

constexpr double kF32 = 4.0;  // bytes of an f32 intermediate

// ---- setup: what the scenario asks of this build ------------------------------------------------
struct Setup {
    std::optional<GgufFtype> ftype;  // none when the model came as a GGUF file
    GgmlType ktype = GgmlType::F16;
    std::int64_t n_layer = 0;
    int n_dev = 1;
    bool quant_cache = false;
    bool fa = false;
    // PR #23861 / #23764 (see the file header): what the reserve graph holds in this build.
    bool whole_ubatch_logits = false;
    bool f32_mask_with_fa = false;
};

// Refuses what llama.cpp cannot load (e.error) and warns of flags it overrides.
std::optional<Setup> read_setup(const ResolvedScenario& r, const EngineRelease& release, Estimate& e) {
    const Scenario& s = r.scenario;
    const Architecture& a = r.model.arch;
    Setup u;
    u.whole_ubatch_logits = release.order < kOutputsMaxBuild;
    u.f32_mask_with_fa = release.order < kOutputsMaxBuild;
    u.ftype = gguf_ftype(r.weights.id);
    if (!u.ftype && !matching_file_weights(r)) {
        e.error = "weights: llama.cpp loads GGUF files; choose a gguf-* format instead of " + r.weights.id;
        return std::nullopt;
    }
    const auto ktype = cache_type(r.kv);
    if (!ktype) {
        e.error = "kv_dtype: llama.cpp caches K/V as f16, bf16, f32, q8_0, q4_0, q4_1, q5_0, q5_1 or iq4_nl, not " + r.kv.id;
        return std::nullopt;
    }
    if (a.num_layers <= 0 || a.hidden_size <= 0) {
        e.error = "model: the architecture has no layers";
        return std::nullopt;
    }
    u.ktype = *ktype;
    u.n_layer = a.num_layers;
    u.n_dev = std::max(1, s.gpus);
    u.quant_cache = ggml_is_quantized(u.ktype);
    // llama_context: a quantized V cache requires flash attention; with -fa auto (the default) it is on.
    u.fa = s.flash_attn || u.quant_cache;
    if (u.quant_cache && !s.flash_attn) e.warnings.push_back("a quantized KV cache needs flash attention: counted with -fa on");
    return u;
}

// ---- layer placement: llama-model.cpp load_tensors ---------------------------------------------
struct Layout {
    std::int64_t n_layer = 0;
    int n_dev = 1;
    std::int64_t ngl = 0, i_gpu_start = 0, act_gpu_layers = 0;
    std::vector<float> splits;  // cumulative split points, normalized
    std::string split_mode;
    bool row_split = false;
    bool tensor_overrides = false;  // -ot / --n-cpu-moe / --cpu-moe given (llama_model::has_tensor_overrides)
    int main_gpu = 0;
    int out_dev = -1;
};

// Split points: --tensor-split proportions, else each device's free memory (identical GPUs here),
// summed and normalized as llama-model.cpp load_tensors does, compared in float.
std::vector<float> split_points(const ResolvedScenario& r, const TensorPlacement& placement, int n_dev) {
    std::vector<float> splits(static_cast<std::size_t>(n_dev));
    float sum = 0.0f;
    for (int i = 0; i < n_dev; ++i) {
        // free memory at load: the device's memory less its CUDA context
        const double free_mib = std::max(0.0, device_memory(r, i) / kMiB - kCudaContextMiB);
        sum += placement.split.empty() ? static_cast<float>(free_mib) : static_cast<float>(placement.split[static_cast<std::size_t>(i)]);
        splits[static_cast<std::size_t>(i)] = sum;
    }
    for (float& x : splits) x /= sum;
    return splits;
}

int layer_device(const Layout& p, std::int64_t il) {  // -1 = CPU; il == n_layer is the output layer
    if (il < p.i_gpu_start || il - p.i_gpu_start >= p.act_gpu_layers) return -1;
    const float x = static_cast<float>(il - p.i_gpu_start) / static_cast<float>(p.act_gpu_layers);
    const auto it = std::upper_bound(p.splits.begin(), p.splits.end(), x);
    return static_cast<int>(std::min<std::ptrdiff_t>(it - p.splits.begin(), p.n_dev - 1));
}

// --split-mode none / row (src/llama.cpp llama_model_load_from_file_impl, llama-model.cpp
// load_tensors, ggml-cuda split buffer): every offloaded layer, its KV and the compute buffer on
// --main-gpu. With row, each 2-D weight matrix of those layers (and the output matrix) sits in the
// CUDA split buffer, its rows divided by the --tensor-split proportions; the 3-D expert tensors
// (MUL_MAT_ID, which the split buffer does not run) and the vectors stay on the main GPU.
int device_of(const Layout& p, std::int64_t il) {
    const int d = layer_device(p, il);
    return (p.split_mode == "layer" || d < 0) ? d : p.main_gpu;
}

std::optional<Layout> read_layout(const ResolvedScenario& r, const Setup& u, const TensorPlacement& placement, Estimate& e) {
    const Scenario& s = r.scenario;
    Layout p;
    p.n_layer = u.n_layer;
    p.n_dev = u.n_dev;
    p.ngl = s.gpu_layers < 0 ? p.n_layer + 1 : s.gpu_layers;
    p.i_gpu_start = std::max<std::int64_t>(p.n_layer - p.ngl, 0);
    p.act_gpu_layers = std::min<std::int64_t>(p.ngl, p.n_layer + 1);
    p.splits = split_points(r, placement, p.n_dev);
    p.split_mode = s.split_mode.empty() ? "layer" : s.split_mode;
    p.row_split = p.split_mode == "row" && p.n_dev > 1;
    if (p.split_mode != "layer" && s.main_gpu >= p.n_dev) {
        const int n_dev = p.n_dev;
        e.error = "main_gpu: --main-gpu " + std::to_string(s.main_gpu) + " but there " + (n_dev == 1 ? "is 1 GPU" : "are " + std::to_string(n_dev) + " GPUs") +
                  " (0 = the first)";
        return std::nullopt;
    }
    p.main_gpu = s.main_gpu;
    p.out_dev = device_of(p, p.n_layer);
    // common/arg.cpp turns --n-cpu-moe / --cpu-moe into tensor_buft_overrides patterns, like -ot.
    p.tensor_overrides = !placement.overrides.empty() || placement.cpu_moe_layers > 0;
    return p;
}

// ---- model buffers ------------------------------------------------------------------------------
// From the GGUF's own tensors when the model came as a file (each tensor's CUDA allocation:
// padded rows, 128-byte aligned), else each tensor's type by llama-quant.cpp's rules.
struct ModelBuffers {
    std::vector<double> dev_model;
    std::vector<std::int64_t> dev_layers;
    bool largest_is_expert = false;
    double cpu_model = 0.0, embd_bytes = 0.0, largest_cpu_tensor = 0.0, cpu_output_tensor = 0.0, extra_bytes = 0.0, cpu_overridden = 0.0;
    // Host bytes per file position (0 = input tensors, 1 + l = layer l, n_layer + 1 = output) and which
    // positions hold CPU tensors: the mmap'd CPU buffer spans the file from the first to the last of them.
    std::vector<double> slot_bytes;
    std::vector<bool> slot_cpu;
    // Per layer, which tensor classes an override sent to host RAM (1 = routed experts, 2 = others), and
    // to another GPU (4): the page's placement list names them.
    std::vector<int> moved;
    double host_model_buffer = 0.0;
    std::string weights_source;
};

// One tensor group as the loader sees it.
struct TensorAt {
    TensorRole role;
    std::int64_t layer;
    double device_b, host_b;
    bool matrix, expert_bias;
};

void place_tensor(ModelBuffers& m, const Architecture& a, const Layout& p, const TensorPlacement& placement, const TensorAt& t) {
    const std::int64_t n_layer = p.n_layer;
    if (t.role == TensorRole::Extra) {  // mmproj (vision) file: libmtmd puts it on the first GPU
        m.extra_bytes += t.device_b;
        return;
    }
    if (t.layer >= n_layer) return;  // nextn blocks (TENSOR_SKIP)
    const bool input = t.role == TensorRole::TokenEmbedding || t.role == TensorRole::PositionEmbedding;
    const std::size_t slot = input ? 0 : static_cast<std::size_t>(t.layer >= 0 ? t.layer + 1 : n_layer + 1);
    m.slot_bytes[slot] += t.host_b;
    // -ot / --n-cpu-moe first (llama-model.cpp create_tensor), then the layer's device; the input
    // layer stays on the CPU ("there is very little benefit to offloading the input layer").
    int d = input ? -1 : device_of(p, t.layer >= 0 ? t.layer : n_layer);
    int forced = 0;
    const bool overridden = placement.override_for(llama_tensor_name(t.role, t.layer, a.is_moe_layer(t.layer), t.expert_bias), forced);
    if (overridden) d = forced;
    if (overridden && t.layer >= 0 && t.layer < n_layer)
        m.moved[static_cast<std::size_t>(t.layer)] |= d < 0 ? (is_expert(t.role) ? 1 : 2) : 4;
    if (d < 0) {
        m.cpu_model += t.host_b;
        m.slot_cpu[slot] = true;
        if (t.role == TensorRole::TokenEmbedding) m.embd_bytes += t.host_b;
        else if (overridden) m.cpu_overridden += t.host_b;
        if (t.layer >= 0 && t.matrix && t.host_b > m.largest_cpu_tensor) {
            m.largest_cpu_tensor = t.host_b;
            m.largest_is_expert = is_expert(t.role);
        }
        if (t.role == TensorRole::LmHead || (t.role == TensorRole::TokenEmbedding && a.tied_embeddings)) m.cpu_output_tensor = t.host_b;
    } else if (p.row_split && !overridden && d == p.main_gpu && t.matrix && !is_expert(t.role)) {
        const std::vector<float>& splits = p.splits;
        for (int i = 0; i < p.n_dev; ++i)  // the split buffer: rows by the split proportions
            m.dev_model[static_cast<std::size_t>(i)] += t.device_b * (splits[static_cast<std::size_t>(i)] - (i > 0 ? splits[static_cast<std::size_t>(i - 1)] : 0.0f));
    } else {
        m.dev_model[static_cast<std::size_t>(d)] += t.device_b;
    }
}

// The host model buffer llama.cpp prints: with mmap (the default) a CPU_Mapped view of the file from
// the first to the last CPU tensor (llama_model_loader::get_mapping_range), so the GPU layers' tensors
// in between count too; with --no-mmap a CPU buffer holding only the CPU tensors. GGUF files put the
// token embedding first and the layers in order (whole layers are counted at the ends of the span).
double mapped_span(const ModelBuffers& m) {
    double span = 0.0;
    std::size_t first = m.slot_cpu.size(), last = 0;
    for (std::size_t i = 0; i < m.slot_cpu.size(); ++i)
        if (m.slot_cpu[i]) { first = std::min(first, i); last = i; }
    const bool one_slot_only = first == last;  // just the embedding (or one layer): exactly its tensors
    for (std::size_t i = first; i <= last && i < m.slot_cpu.size(); ++i) span += m.slot_bytes[i];
    if (one_slot_only || first >= m.slot_cpu.size()) span = m.cpu_model;
    return span;
}

ModelBuffers model_buffers(const ResolvedScenario& r, const Setup& u, const Layout& p, const TensorPlacement& placement) {
    const Architecture& a = r.model.arch;
    const std::int64_t n_layer = p.n_layer;
    ModelBuffers m;
    m.dev_model.assign(static_cast<std::size_t>(p.n_dev), 0.0);
    m.dev_layers.assign(static_cast<std::size_t>(p.n_dev), 0);
    m.slot_bytes.assign(static_cast<std::size_t>(n_layer + 2), 0.0);
    m.slot_cpu.assign(static_cast<std::size_t>(n_layer + 2), false);
    m.moved.assign(static_cast<std::size_t>(std::max<std::int64_t>(0, n_layer)), 0);
    const FileWeights* files = matching_file_weights(r);
    double tok_embd_bytes = 0.0;  // token_embd alone (not Gemma 3n/4's per_layer_token_embd): what output.weight duplicates
    if (files) {
        for (const FileWeightGroup& g : files->groups)
            place_tensor(m, a, p, placement,
                         {g.role, g.layer, static_cast<double>(g.device_bytes), static_cast<double>(g.bytes),
                          g.role != TensorRole::Norm && g.role != TensorRole::Bias, false});
    } else {
        for (const TensorGroup& g : *r.tensors) {
            const GgmlType t = gguf_tensor_type(*u.ftype, g, a);
            const double b = static_cast<double>(ggml_tensor_bytes(t, g.cols, g.rows, g.count));
            if (g.role == TensorRole::TokenEmbedding && g.layer < 0 && g.cols == a.hidden_size) tok_embd_bytes = b;
            place_tensor(m, a, p, placement, {g.role, g.layer, b, b, g.is_matrix(), g.role == TensorRole::Bias && g.count > 1});
        }
    }
    m.host_model_buffer = r.scenario.no_mmap ? m.cpu_model : mapped_span(m);
    for (std::int64_t l = 0; l < n_layer; ++l)
        if (int d = device_of(p, l); d >= 0) ++m.dev_layers[static_cast<std::size_t>(d)];
    // Tied embeddings: output.weight is token_embd loaded again (TENSOR_DUPLICATED) on the output
    // device (a GGUF's own tensors already hold that copy with the output layer). The per-layer
    // embedding table (per_layer_token_embd, also an input tensor) stays on the CPU and is not copied.
    if (!files && a.tied_embeddings && p.out_dev >= 0) m.dev_model[static_cast<std::size_t>(p.out_dev)] += tok_embd_bytes;
    m.weights_source = files ? " (the GGUF's own tensors)" : "";
    return m;
}

// ---- KV cache: llama-context.cpp + llama-kv-cache(-iswa).cpp ------------------------------------
struct KvLayout {
    GgmlType ktype = GgmlType::F16;
    bool unified = false;
    std::int64_t n_seq = 1, n_ctx = 0, n_ctx_seq = 0, n_stream = 1, n_ubatch = 1;
    bool iswa = false;
    std::int64_t swa_cells = 0;
    bool mla = false;
    std::int64_t idx_width = 0;
    double state_bytes = 0.0;
};

// Cells and streams (sequences), and the ubatch the reserve graph runs.
void kv_cells(const Scenario& s, const EngineRelease& release, KvLayout& kv, std::vector<std::string>& warnings) {
    // -np left at llama-server's default: "auto" = 4 slots and kv_unified (tools/server/server.cpp:
    // `if (params.n_parallel < 0) { params.n_parallel = 4; params.kv_unified = true; }`); older builds 1.
    kv.unified = s.parallel <= 0 && release.order >= kAutoSlotsBuild;
    kv.n_seq = s.parallel > 0 ? s.parallel : kv.unified ? kAutoSlots : 1;
    kv.n_ctx = round_up(static_cast<std::uint64_t>(std::max<std::int64_t>(1, s.context)), 256);
    // llama-context.cpp: kv_unified -> n_ctx_seq = n_ctx, one stream; else (-np N given explicitly) one
    // stream per sequence, n_ctx_seq = n_ctx / n_seq padded to 256.
    kv.n_ctx_seq = (kv.n_seq > 1 && !kv.unified)
        ? static_cast<std::int64_t>(round_up(static_cast<std::uint64_t>(std::max<std::int64_t>(1, kv.n_ctx / kv.n_seq)), 256)) : kv.n_ctx;
    kv.n_stream = kv.unified ? 1 : kv.n_seq;
    const std::int64_t n_ctx_seq = kv.n_ctx_seq, n_stream = kv.n_stream;
    if (n_ctx_seq * n_stream != s.context)
        warnings.push_back("llama.cpp pads the context to " + std::to_string(n_ctx_seq * n_stream) + " cells (" +
                           (n_stream > 1 ? std::to_string(n_stream) + " x " + std::to_string(n_ctx_seq) : std::to_string(n_ctx_seq)) + ")");
    const std::int64_t n_batch = std::min<std::int64_t>(s.context, s.n_batch);
    kv.n_ubatch = std::max<std::int64_t>(1, std::min<std::int64_t>(n_batch, s.ubatch));
}

KvLayout kv_layout(const ResolvedScenario& r, const EngineRelease& release, const Setup& u, std::vector<std::string>& warnings) {
    const Scenario& s = r.scenario;
    const Architecture& a = r.model.arch;
    KvLayout kv;
    kv.ktype = u.ktype;
    kv_cells(s, release, kv, warnings);
    bool has_full = false, has_sliding = false;
    for (std::int64_t l = 0; l < u.n_layer; ++l) {
        const LayerAttention k = layer_kind(a, l);
        has_full |= k == LayerAttention::Full;
        has_sliding |= k == LayerAttention::Sliding;
    }
    // llama.cpp builds the iSWA cache for models that interleave sliding and full layers (gpt-oss,
    // Gemma 2/3, Cohere 2, Llama 4); an all-sliding config (Mistral 7B v0.1) runs with a full cache.
    kv.iswa = has_full && has_sliding && a.sliding_window > 0;
    kv.swa_cells =
        // llama-kv-cache-iswa.cpp: n_swa x (unified ? n_seq_max : 1) + n_ubatch, at most the base size
        kv.iswa ? static_cast<std::int64_t>(round_up(static_cast<std::uint64_t>(std::min<std::int64_t>(
                      kv.n_ctx_seq, a.sliding_window * (kv.unified ? kv.n_seq : 1) + kv.n_ubatch)), 256))
                : kv.n_ctx_seq;
    // src/llama-hparams.cpp is_mla(): n_embd_head_k_mla and _v_mla both set, which deepseek2 reads from
    // the optional attention.key_length_mla / value_length_mla (src/llama-model.cpp). A GGUF converted
    // before the MLA split (attn_kv_b whole, no such keys) runs as plain MHA: full per-head K and V.
    kv.mla = a.is_mla() && !s.unsplit_mla_gguf;
    // DeepSeek V3.2 (llama-kv-cache-dsa.cpp, PR #23346): a second llama_kv_cache of the same cells
    // holds the lightning indexer's key, one head of indexer_head_size, K only, in the -ctk type.
    kv.idx_width = a.has_dsa_indexer() ? a.index_head_dim : 0;
    // llama_memory_recurrent: one cell per sequence, R (conv) and S (ssm) states in F32; the
    // architecture's figure is in the model dtype (vLLM's "auto"), so 16-bit models double. LFM2
    // short-conv layers: n_embd_r = n_embd x (L_cache - 1), n_embd_s = 0.
    kv.state_bytes = static_cast<double>(a.linear_state_bytes_per_layer) * (a.torch_dtype == "float32" ? 1.0 : 2.0);
    return kv;
}

// llama-hparams.cpp n_embd_k_gqa(il) = n_embd_head_k(il) x n_head_kv(il): Gemma 4 full layers
// have their own head size (n_embd_head_k_full vs _swa) and KV heads; MLA keeps only K =
// kv_lora_rank + rope (has_v = !is_mla); Nemotron-H '-'/'E' blocks have n_head_kv 0.
std::int64_t k_width(const Architecture& a, const KvLayout& kv, std::int64_t l) {
    if (layer_kind(a, l) == LayerAttention::None) return 0;
    return kv.mla ? a.kv_lora_rank + a.qk_rope_head_dim : a.layer_kv_heads(l) * a.layer_head_dim(l);
}
std::int64_t v_width(const Architecture& a, const KvLayout& kv, std::int64_t l) {
    if (kv.mla || layer_kind(a, l) == LayerAttention::None) return 0;
    const std::int64_t hd = a.layer_head_dim(l);
    return a.layer_kv_heads(l) * (hd != a.head_dim ? hd : a.value_head_dim());
}
double cell_bytes(const Architecture& a, const KvLayout& kv, std::int64_t l) {
    return static_cast<double>(ggml_tensor_bytes(kv.ktype, k_width(a, kv, l), 1)) + static_cast<double>(ggml_tensor_bytes(kv.ktype, v_width(a, kv, l), 1)) +
           static_cast<double>(ggml_tensor_bytes(kv.ktype, kv.idx_width, 1));
}
// hparams.has_kv(il): KV-shared layers (n_layer_kv_from_start, Gemma 3n / Gemma 4) own no cells;
// Nemotron-H '-'/'E' blocks have n_head_kv 0.
bool keeps_kv(const Architecture& a, std::int64_t l) {
    const LayerAttention k = layer_kind(a, l);
    return k != LayerAttention::Linear && k != LayerAttention::None && !a.is_kv_shared_layer(l);
}

struct KvBuffers {
    double per_token = 0.0;  // the header's "KV cache per token"
    std::vector<double> dev_kv;
    double cpu_kv = 0.0;
    std::string width_text, state_text;
};

// The "how" line: the widths of the first layer that keeps K/V, and the recurrent states.
void kv_how(const Architecture& a, const KvLayout& kv, KvBuffers& b) {
    std::int64_t first_kv = -1, state_layers = 0;
    bool variable_widths = false;
    for (std::int64_t l = 0; l < a.num_layers; ++l) {
        if (layer_kind(a, l) == LayerAttention::Linear || a.parallel_ssm) ++state_layers;
        if (!keeps_kv(a, l)) continue;
        if (first_kv < 0) first_kv = l;
        else variable_widths |= k_width(a, kv, l) != k_width(a, kv, first_kv) || v_width(a, kv, l) != v_width(a, kv, first_kv);
    }
    const std::int64_t w0 = std::max<std::int64_t>(first_kv, 0);
    b.width_text =
        (kv.mla ? "K " + std::to_string(k_width(a, kv, w0)) : "(K " + std::to_string(k_width(a, kv, w0)) + " + V " + std::to_string(v_width(a, kv, w0)) + ")") +
        (kv.idx_width > 0 ? " + indexer K " + std::to_string(kv.idx_width) : "") + (variable_widths ? " (per-layer widths)" : "") +
        (a.kv_shared_layers > 0 ? ", last " + std::to_string(a.kv_shared_layers) + " layers share K/V" : "");
    b.state_text =
        state_layers > 0 ? " + " + std::to_string(state_layers) + " layers' F32 recurrent state of " + mib_text(kv.state_bytes) + " per sequence" : "";
}

KvBuffers kv_buffers(const Architecture& a, const KvLayout& kv, const Layout& p) {
    KvBuffers b;
    // The header's "KV cache per token": llama.cpp's own cell widths (an un-split MLA GGUF caches full K/V).
    for (std::int64_t l = 0; l < p.n_layer; ++l)
        if (keeps_kv(a, l)) b.per_token += cell_bytes(a, kv, l);
    b.dev_kv.assign(static_cast<std::size_t>(p.n_dev), 0.0);
    for (std::int64_t l = 0; l < p.n_layer; ++l) {
        const LayerAttention k = layer_kind(a, l);
        double bytes = 0.0;
        // Falcon-H1 (parallel_ssm): llama_memory_hybrid keeps both the recurrent state and the KV of every layer.
        if (k == LayerAttention::Linear || a.parallel_ssm) bytes += kv.state_bytes * static_cast<double>(kv.n_seq);
        if (keeps_kv(a, l))
            bytes += cell_bytes(a, kv, l) * static_cast<double>((kv.iswa && k == LayerAttention::Sliding ? kv.swa_cells : kv.n_ctx_seq) * kv.n_stream);
        const int d = device_of(p, l);
        if (d < 0) b.cpu_kv += bytes;
        else b.dev_kv[static_cast<std::size_t>(d)] += bytes;
    }
    kv_how(a, kv, b);
    return b;
}

// ---- compute buffers: the largest set of intermediates alive at once ---------------------------
struct ComputeShape {
    double T = 0.0, n_out = 0.0, E = 0.0, H = 0.0, Hkv = 0.0, Dk = 0.0, Dv = 0.0, V = 0.0;
    double mask_bytes = 0.0;
    bool fa = false, quant_cache = false, f32_mask_with_fa = false, pipeline = false;
    double copies = 1.0;
    double output_phase = 0.0;
};

ComputeShape compute_shape(const Architecture& a, const Setup& u, const Layout& p, const KvLayout& kv) {
    ComputeShape c;
    const bool mla = kv.mla;
    c.T = static_cast<double>(std::min<std::int64_t>(kv.n_ctx, kv.n_ubatch));
    const double T = c.T;
    // Logits rows of the reserve graph: every token of the ubatch before PR #23861; since then
    // llama-server's n_outputs_max, one row per sequence (llama-cli and bindings keep the ubatch).
    c.n_out = u.whole_ubatch_logits ? T : std::min<double>(T, static_cast<double>(kv.n_seq));
    c.E = static_cast<double>(a.hidden_size);
    c.H = static_cast<double>(a.num_heads);
    c.Hkv = mla ? 1.0 : static_cast<double>(a.num_kv_heads);
    c.Dk = mla ? static_cast<double>(a.kv_lora_rank + a.qk_rope_head_dim) : static_cast<double>(a.head_dim);
    c.Dv = mla ? static_cast<double>(a.kv_lora_rank) : static_cast<double>(a.value_head_dim());
    c.V = static_cast<double>(a.vocab_size);
    c.fa = u.fa;
    c.quant_cache = u.quant_cache;
    c.f32_mask_with_fa = u.f32_mask_with_fa;
    // KQ mask: F32 without flash attention; with it F16 since PR #23764, before that F32 + its F16 cast.
    c.mask_bytes = c.fa ? (c.f32_mask_with_fa ? 6.0 : 2.0) : 4.0;
    // llama_context(): pipeline parallelism (GGML_SCHED_MAX_COPIES input copies) needs more than one
    // device, every layer offloaded, --split-mode layer and no tensor overrides (src/llama-context.cpp
    // `pipeline_parallel = n_devices() > 1 && n_gpu_layers() > n_layer && split_mode() == LAYER &&
    // offload_kqv && !has_tensor_overrides()`; the overrides test came with -ot, PR #11397).
    c.pipeline = p.n_dev > 1 && p.ngl > p.n_layer && p.split_mode == "layer" && !p.tensor_overrides;
    c.copies = c.pipeline ? kSchedCopies : 1.0;
    // Output layer (llm_graph: get_rows of the output rows, norm, lm_head): the ubatch's last hidden
    // state while the rows are gathered, then the normed rows and the logits. The layers' inputs (KQ
    // masks, the incoming hidden state) are dead by then: b7772's gpt-oss-20b buffer is exactly
    // (n_vocab + n_embd) x 512 x 4 B = 398.38 MiB with a 64k-cell mask.
    const double E = c.E, V = c.V, n_out = c.n_out, f32 = kF32;
    c.output_phase = n_out < T ? std::max(E * T + E * n_out, (E + V) * n_out) * f32 : (E + V) * T * f32;
    return c;
}

double attention_phase(const ComputeShape& c, const KvLayout& kv, double n_kv) {
    const double T = c.T, E = c.E, H = c.H, Hkv = c.Hkv, Dk = c.Dk, Dv = c.Dv, f32 = kF32;
    // Q, K, V of the ubatch and the residual stream, then either the KQ scores (n_kv x T x heads, f32)
    // or the flash-attention output (plus K and V converted to F16 when the cache is quantized).
    double b = (H * Dk + Hkv * Dk + Hkv * Dv) * T * f32 + 2.0 * E * T * f32;
    if (c.fa) b += H * Dv * T * f32 + (c.quant_cache ? n_kv * static_cast<double>(kv.n_stream) * Hkv * (Dk + Dv) * 2.0 : 0.0);
    else b += n_kv * T * H * f32;
    return b;
}

double ffn_phase(const Architecture& a, const ComputeShape& c, std::int64_t l) {
    const double T = c.T, E = c.E, f32 = kF32;
    double b = 2.0 * E * T * f32;
    if (a.is_moe_layer(l)) {
        // ggml_mul_mat_id outputs [n_ff_exp, n_expert_used, T] for gate, up and the activation,
        // then the down projections [n_embd, n_expert_used, T]
        const double K = static_cast<double>(std::max<std::int64_t>(1, a.experts_per_token));
        const double Fe = static_cast<double>(a.moe_intermediate_size);
        const double shared = static_cast<double>(a.num_shared_experts * a.moe_intermediate_size + a.shared_expert_intermediate_size);
        b += std::max(3.0 * Fe * K * T * f32 + E * K * T * f32, 3.0 * shared * T * f32);
    } else {
        const double F = static_cast<double>(a.intermediate_size);
        b += (a.mlp == MlpKind::Gated ? 3.0 : 2.0) * F * T * f32;
    }
    return b;
}

// The largest phase among one device's layers, and which attention kinds (masks) it holds.
struct LayerPeak {
    bool any = false, full = false, sliding = false;
    double peak = 0.0;
    std::string what;
};

void consider(LayerPeak& p, double b, const char* what) {
    if (b > p.peak) { p.peak = b; p.what = what; }
}

LayerPeak layer_peak(const Architecture& a, const Layout& p, const KvLayout& kv, const ComputeShape& c, int d) {
    LayerPeak lp;
    for (std::int64_t l = 0; l < p.n_layer; ++l) {
        if (device_of(p, l) != d) continue;
        lp.any = true;
        const LayerAttention k = layer_kind(a, l);
        if (k == LayerAttention::Linear || a.parallel_ssm) consider(lp, 5.0 * c.E * c.T * kF32, "recurrent mixer");
        if (k != LayerAttention::Linear && k != LayerAttention::None) {
            const bool sw = kv.iswa && k == LayerAttention::Sliding;
            (sw ? lp.sliding : lp.full) = true;
            consider(lp, attention_phase(c, kv, static_cast<double>(sw ? kv.swa_cells : kv.n_ctx_seq)), c.fa ? "flash attention" : "KQ scores");
        }
        consider(lp, ffn_phase(a, c, l), a.is_moe_layer(l) ? "MoE experts" : "FFN");
    }
    return lp;
}

struct DeviceCompute {
    double bytes = 0.0;
    std::string how;
};

DeviceCompute device_compute(const ResolvedScenario& r, const Layout& p, const KvLayout& kv, const ComputeShape& c, const ModelBuffers& m, int d) {
    const Architecture& a = r.model.arch;
    const double T = c.T, E = c.E, f32 = kF32;
    LayerPeak lp = layer_peak(a, p, kv, c, d);
    const bool has_output = p.out_dev == d;
    lp.any |= has_output;
    // Layers (or expert tensors) left on the CPU still run their matrix multiplications on the GPU for
    // ubatches of 32+ tokens (ggml_backend_sched op offload): the weight is copied into this buffer while
    // it runs, one at a time (each such op starts a new split, "the memory of the previously offloaded
    // weights can be reused"). An output layer on the CPU runs the same way: lm_head copy + logits.
    const bool op_offload = d == 0 && T >= 32.0;
    const double layer_copy = op_offload ? m.largest_cpu_tensor : 0.0;
    const double output_copy = op_offload && p.out_dev < 0 ? m.cpu_output_tensor : 0.0;
    if (layer_copy > 0.0 || output_copy > 0.0) {
        if (!lp.any) consider(lp, ffn_phase(a, c, 0), "FFN");
        lp.any = true;
    }
    if (!lp.any) return {};
    const double inputs = E * T * f32 + (lp.full ? static_cast<double>(kv.n_ctx_seq) * T * c.mask_bytes : 0.0) +
                          (lp.sliding ? static_cast<double>(kv.swa_cells) * T * c.mask_bytes : 0.0);
    // An expert tensor's copy lives while its own mul_mat_id runs: beside it only the layer input, the
    // residual and two expert-sized intermediates (gate/up outputs, or the product and the down output),
    // not the whole FFN peak (mcgyvr gpt-oss-20b --n-cpu-moe 20: 169.55 MiB = 134.47 copy + ~35).
    const double expert_act = static_cast<double>(std::max<std::int64_t>(1, a.experts_per_token)) *
                              static_cast<double>(a.moe_intermediate_size) * T * f32;
    const double layers_live = m.largest_is_expert && layer_copy > 0.0
                                   ? std::max(inputs * c.copies + lp.peak, inputs + 2.0 * E * T * f32 + 2.0 * expert_act + layer_copy)
                                   : inputs * c.copies + lp.peak + layer_copy;
    const double output_live = has_output || output_copy > 0.0 ? c.output_phase + output_copy : 0.0;
    const bool logits_peak = output_live > layers_live;
    const double offload = logits_peak ? output_copy : layer_copy;
    DeviceCompute out;
    out.bytes = logits_peak ? output_live : layers_live;
    const std::string mask_what = c.fa ? (c.f32_mask_with_fa ? "f32 + f16 cast" : "f16") : "f32";
    out.how = "worst-case ubatch of " + std::to_string(static_cast<std::int64_t>(T)) + " tokens: " +
              (logits_peak ? "logits of " + std::to_string(static_cast<std::int64_t>(c.n_out)) + " rows x " +
                                 std::to_string(a.vocab_size) + " vocab + hidden state " + mib_text(c.output_phase)
                           : lp.what + " peak " + mib_text(lp.peak) + " + inputs (hidden state, KQ mask " + mask_what + ") " +
                                 mib_text(inputs) + (c.pipeline ? " x 4 pipeline copies" : "")) +
              (offload > 0 ? " + op-offload weight copy " + mib_text(offload) : "");
    if (r.scenario.cal_compute_mib > 0) {  // a calibration from the user's own log (docs/logs.md)
        out.bytes = r.scenario.cal_compute_mib * kMiB;
        out.how = "calibrated: " + mib_text(r.scenario.cal_compute_mib * kMiB) + ", as your log printed it";
    }
    return out;
}

void compute_warnings(const Architecture& a, const Layout& p, const KvLayout& kv, const ComputeShape& c, std::vector<std::string>& warnings) {
    const double T = c.T, E = c.E, H = c.H, V = c.V, f32 = kF32;
    // Recent builds default to -fa auto, which turns flash attention on wherever the GPU supports it.
    if (!c.fa && kv.n_ctx_seq * static_cast<std::int64_t>(T) * a.num_heads * 4 > static_cast<std::int64_t>(256 * kMiB))
        warnings.push_back("without flash attention the KQ scores take " +
                           mib_text(static_cast<double>(kv.n_ctx_seq) * T * H * f32) +
                           " of compute buffer; llama.cpp's default -fa auto turns flash attention on for CUDA GPUs");

    // llama-cli, llama-perplexity and library users (llama-cpp-python, LLamaSharp) keep the default
    // n_outputs_max = n_batch and reserve logits for the whole ubatch on the output device.
    if (p.out_dev >= 0 && T > c.n_out) {
        const double full = (E + V) * T * f32;
        if (full > c.output_phase + 1.0 * kMiB)
            warnings.push_back("llama-cli and library bindings reserve logits for all " + std::to_string(static_cast<std::int64_t>(T)) +
                               " ubatch tokens: up to " + mib_text(full - c.output_phase) + " more compute buffer on the output GPU");
    }
}

// ---- assemble ---------------------------------------------------------------------------------
// The earlier steps' results that one device's load reads.
struct DeviceParts {
    const Architecture& a;
    const Layout& p;
    const ModelBuffers& m;
    const KvLayout& kv;
    const KvBuffers& kvb;
};

std::int64_t first_layer_on(const Layout& p, int d) {
    for (std::int64_t l = 0; l < p.n_layer; ++l)
        if (device_of(p, l) == d) return l;
    return -1;
}

GpuLoad gpu_load(const DeviceParts& x, const DeviceCompute& compute, int d) {
    const Layout& p = x.p;
    const ModelBuffers& m = x.m;
    const KvLayout& kv = x.kv;
    const auto i = static_cast<std::size_t>(d);
    GpuLoad g;
    const double model = m.dev_model[i] + (d == 0 ? m.extra_bytes : 0.0);
    g.weights = {bytes_from(model), std::to_string(m.dev_layers[i]) + " layers" + (p.out_dev == d ? " + output layer" : "") +
                                         (d == 0 && m.extra_bytes > 0 ? " + mmproj " + mib_text(m.extra_bytes) : "") + " = " + mib_text(model) + m.weights_source};
    g.kv_cache = {bytes_from(x.kvb.dev_kv[i]), std::to_string(m.dev_layers[i]) + " layers x " +
                                                    (kv.iswa ? std::to_string(kv.n_ctx_seq) + " (SWA " + std::to_string(kv.swa_cells) + ")" : std::to_string(kv.n_ctx_seq)) +
                                                    " cells" + (kv.n_stream > 1 ? " x " + std::to_string(kv.n_stream) + " sequences" : "") + " x " +
                                                    x.kvb.width_text +
                                                    " " + ggml_type_info(kv.ktype).name + x.kvb.state_text + " = " + mib_text(x.kvb.dev_kv[i])};
    g.activation = {bytes_from(compute.bytes), compute.how};
    g.overhead = {bytes_from(kCudaContextMiB * kMiB), "CUDA context and cuBLAS/pool with lazy module loading (~130 MiB measured)"};
    g.total_bytes = g.weights.bytes + g.kv_cache.bytes + g.activation.bytes + g.overhead.bytes;
    const std::int64_t first = first_layer_on(p, d);
    const std::int64_t layers = m.dev_layers[i];
    g.role = layers > 0 ? "layers " + std::to_string(first) + "-" + std::to_string(first + layers - 1) +
                              (p.split_mode == "layer" ? " (llama.cpp split)" : " (--split-mode " + p.split_mode + ", main GPU)")
                        : p.row_split ? "rows of the weight matrices (--split-mode row)"
                        : (p.out_dev == d ? "output layer" : "no layers");
    if (p.out_dev == d && layers > 0) g.role += " + output";
    if (m.cpu_overridden > 0.5 && d == 0) g.role += "; " + mib_text(m.cpu_overridden) + " of their tensors in host RAM (-ot / --n-cpu-moe)";
    g.placement = device_placement(x.a, layers > 0 ? first : -1, layers, p.out_dev == d, m.moved, p.row_split && d != p.main_gpu);
    return g;
}

// The device closest to (or furthest past) its own memory is the one that decides the fit.
std::size_t deciding_device(const ResolvedScenario& r, const std::vector<GpuLoad>& gpus) {
    std::size_t most = 0;
    auto headroom_of = [&](std::size_t i) { return device_memory(r, static_cast<int>(i)) - static_cast<double>(gpus[i].total_bytes); };
    for (std::size_t i = 1; i < gpus.size(); ++i)
        if (headroom_of(i) < headroom_of(most)) most = i;
    return most;
}

// CUDA0 figures, as llama.cpp prints them ("CUDA0 model buffer size = ..."), and the host side.
void printed_buffers(Estimate& e, const Scenario& s, const Layout& p, const ModelBuffers& m, const KvBuffers& kvb) {
    // (the mmproj of a vision model is a separate buffer: counted in the GPU's weights, not here)
    e.model_buffer = Figure{bytes_from(m.dev_model[0]), "CUDA0 model buffer: " + std::to_string(m.dev_layers[0]) + " layers" +
                                                            (p.out_dev == 0 ? " + output layer" : "") + " = " + mib_text(m.dev_model[0]) + m.weights_source};
    e.kv_buffer = Figure{e.gpus[0].kv_cache.bytes, "CUDA0 KV buffer: " + e.gpus[0].kv_cache.how};
    e.compute_buffer = Figure{e.gpus[0].activation.bytes, "CUDA0 compute buffer: " + e.gpus[0].activation.how};
    const double cpu_model = m.cpu_model, embd_bytes = m.embd_bytes, cpu_overridden = m.cpu_overridden;
    const double host_model_buffer = m.host_model_buffer, cpu_kv = kvb.cpu_kv;
    const double cpu_layers = cpu_model - embd_bytes - cpu_overridden;
    // --mlock (llama-model.cpp load_all_data: llama_mlock grows over each host buffer, the mapping's
    // whole range with mmap): the pinned span, not only the CPU tensors' pages, is resident.
    const double resident_model = s.mlock ? host_model_buffer : cpu_model;
    e.cpu = {bytes_from(resident_model + cpu_kv), std::string(s.mlock ? "--mlock pins " + mib_text(host_model_buffer) + " of mapped model; " : "") +
             "host RAM: token embedding " + mib_text(embd_bytes) +
                 (cpu_overridden > 0.5 ? " + tensors kept on the CPU (-ot / --n-cpu-moe) " + mib_text(cpu_overridden) : "") +
                 (cpu_layers > 0.5 ? " + CPU layers " + mib_text(cpu_layers) : "") + (cpu_kv > 0 ? " + their KV " + mib_text(cpu_kv) : "")};
    e.host_model_buffer = Figure{bytes_from(host_model_buffer),
                                 s.no_mmap ? "CPU model buffer (--no-mmap): the CPU tensors, loaded = " + mib_text(host_model_buffer)
                                           : "CPU_Mapped model buffer: the file from the first to the last CPU tensor (mmap) = " +
                                                 mib_text(host_model_buffer) + "; only the CPU tensors' pages stay resident"};
}

void fit_verdict(Estimate& e, const ResolvedScenario& r, std::size_t most) {
    const auto most_memory = static_cast<Bytes>(device_memory(r, static_cast<int>(most)));
    e.gpu_memory_bytes = most_memory;
    e.fits = e.per_gpu.total_bytes <= most_memory;
    e.headroom_bytes = signed_difference(most_memory, e.per_gpu.total_bytes);
    if (!r.devices.empty() && most < r.devices.size()) e.per_gpu.role += " on " + r.devices[most].name;
    if (r.gpu.unified_memory) {
        // Apple / Strix Halo / DGX Spark: host RAM and GPU buffers come out of one pool.
        const Bytes pool = saturating_add(e.per_gpu.total_bytes, e.cpu.bytes);
        e.fits = pool <= most_memory;
        e.headroom_bytes = signed_difference(most_memory, pool);
        e.warnings.push_back("unified memory: the GPU buffers and the " + mib_text(static_cast<double>(e.cpu.bytes)) +
                             " kept on the CPU share the " + mib_text(static_cast<double>(most_memory)) + " the GPU may use");
    }
}

Estimate estimate_llamacpp(const ResolvedScenario& r, const EngineRelease& release) {
    Estimate e;
    const std::optional<Setup> setup = read_setup(r, release, e);
    if (!setup) return e;
    const TensorPlacement placement = read_tensor_placement(r.scenario, setup->n_dev);
    if (!placement.error.empty()) {
        e.error = placement.error;
        return e;
    }
    const std::optional<Layout> layout = read_layout(r, *setup, placement, e);
    if (!layout) return e;
    const Architecture& a = r.model.arch;
    const ModelBuffers m = model_buffers(r, *setup, *layout, placement);
    const KvLayout kv = kv_layout(r, release, *setup, e.warnings);
    const KvBuffers kvb = kv_buffers(a, kv, *layout);
    e.kv_bytes_per_token = bytes_from(kvb.per_token);
    const ComputeShape c = compute_shape(a, *setup, *layout, kv);
    std::vector<DeviceCompute> compute;
    for (int d = 0; d < layout->n_dev; ++d) compute.push_back(device_compute(r, *layout, kv, c, m, d));
    compute_warnings(a, *layout, kv, c, e.warnings);

    const DeviceParts parts{a, *layout, m, kv, kvb};
    for (int d = 0; d < layout->n_dev; ++d) e.gpus.push_back(gpu_load(parts, compute[static_cast<std::size_t>(d)], d));
    const std::size_t most = deciding_device(r, e.gpus);
    e.per_gpu = e.gpus[most];
    add_load_bytes(e.total, e.gpus);
    e.total.weights.how = "model buffers of all GPUs";
    e.total.kv_cache.how = "KV buffers of all GPUs";
    e.total.activation.how = "compute buffers of all GPUs";
    e.total.overhead.how = std::to_string(layout->n_dev) + " x CUDA context";
    printed_buffers(e, r.scenario, *layout, m, kvb);
    fit_verdict(e, r, most);
    e.startup_peak = {e.per_gpu.total_bytes, "llama.cpp allocates model, KV and compute buffers at start-up"};
    e.ok = true;
    return e;
}

// ---- the profile --------------------------------------------------------------------------------

std::string load_error(const WeightFormat& f, const KvFormat& kv) {
    const bool float_format = f.id == "fp32" || f.id == "fp16" || f.id == "bf16";
    if (f.kind != "gguf" && !float_format)
        return "weights: llama.cpp loads GGUF files; choose a gguf-* format (e.g. gguf-q4_k_m) instead of " + f.id;
    if (!cache_type(kv))
        return "kv_dtype: llama.cpp caches K/V as f16, bf16, f32, q8_0, q4_0, q4_1, q5_0, q5_1 or iq4_nl, not " + kv.id;
    return "";
}

std::string gguf_file(const ResolvedScenario& r) {
    std::string base = r.model.hf_id.empty() ? std::string("model") : r.model.hf_id.substr(r.model.hf_id.find('/') + 1);
    std::string q = r.weights.id.rfind("gguf-", 0) == 0 ? r.weights.id.substr(5) : r.weights.id;
    for (char& c : q) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return base + "-" + q + ".gguf";
}

std::string command(const ResolvedScenario& r) {
    const Scenario& s = r.scenario;
    std::vector<std::string> p;
    p.push_back("llama-server -m " + shell_word(gguf_file(r)));
    p.push_back("-ngl " + std::to_string(s.gpu_layers < 0 ? 999 : s.gpu_layers));
    p.push_back("-c " + std::to_string(s.context));
    if (s.parallel > 0) p.push_back("-np " + std::to_string(s.parallel));  // 0: llama-server's own "auto"
    if (s.ubatch != 512) p.push_back("-ub " + std::to_string(s.ubatch));
    if (s.n_batch != 2048) p.push_back("-b " + std::to_string(s.n_batch));
    if (!s.flash_attn) p.push_back("-fa off");  // on: llama.cpp's default -fa auto turns it on
    // -ctk/-ctv take ggml type names; f16 is the default.
    if (const auto t = cache_type(r.kv); t && *t != GgmlType::F16) {
        std::string name = ggml_type_info(*t).name;
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        p.push_back("-ctk " + name + " -ctv " + name);
    }
    if (s.gpus > 1 || !s.split_mode.empty()) p.push_back("--split-mode " + (s.split_mode.empty() ? std::string("layer") : s.split_mode));
    if (s.main_gpu > 0) p.push_back("--main-gpu " + std::to_string(s.main_gpu));
    if (!s.tensor_split.empty()) p.push_back("--tensor-split " + s.tensor_split);
    if (s.cpu_moe) p.push_back("--cpu-moe");
    else if (s.n_cpu_moe > 0) p.push_back("--n-cpu-moe " + std::to_string(s.n_cpu_moe));
    if (!s.override_tensor.empty()) p.push_back("-ot " + shell_word(s.override_tensor));
    if (s.no_mmap) p.push_back("--no-mmap");
    if (s.mlock) p.push_back("--mlock");
    return checkpoint_note(r) + joined_flags(p);
}

// n_ctx is the KV cells of all -np slots together (llama-server: n_ctx_slot = n_ctx / n_parallel);
// with the default -np auto the slots share all n_ctx cells, so one sequence may hold all of them.
std::int64_t sequence_context(const Scenario& s) { return s.context / std::max(1, s.parallel); }
Scenario with_sequence_context(Scenario s, std::int64_t context) {
    s.context = context * std::max(1, s.parallel);
    return s;
}
std::int64_t concurrency(const Scenario& s) { return std::max(1, s.parallel); }
Scenario with_concurrency(Scenario s, std::int64_t n) {
    const std::int64_t per_seq = std::max<std::int64_t>(1, sequence_context(s));
    s.parallel = static_cast<int>(n);
    s.context = per_seq * n;
    return s;
}

// DeepSeek sparse attention: llama_kv_cache_dsa (the indexer's key cache) arrived with PR #23346 in b9411;
// older builds have no loader for deepseek_v32 / glm_moe_dsa GGUFs.
constexpr std::int64_t kDsaBuild = 9411;

std::string release_refusal(const Architecture& a, const EngineRelease& rel) {
    if (!a.cross_attention_layers.empty())
        return "llama.cpp has no mllama architecture: upstream src/llama-arch.cpp lists no LLM_ARCH_MLLAMA and "
               "convert_hf_to_gguf.py does not convert MllamaForConditionalGeneration (Ollama ran Llama 3.2 Vision in its "
               "own patched copy and later its own engine, which this profile does not model); use transformers or SGLang";
    if (a.has_dsa_indexer() && rel.order < kDsaBuild)
        return "llama.cpp builds before b9411 cannot load DeepSeek sparse attention (V3.2 / GLM-5): the indexer's key cache "
               "(llama_kv_cache_dsa, PR #23346) arrived in b9411, and the build asked for follows " + std::string(rel.id) +
               "; choose b9411 or newer";
    return {};
}

}  // namespace

const EngineProfile& engine_profile_llamacpp() {
    static const EngineProfile profile{
        .id = "llamacpp",
        .name = "llama.cpp",
        .blurb = "GGUF files; layers can stay in CPU RAM (-ngl); allocates n_ctx of KV up front.",
        .aliases = {"llama", "ollama", "llama-server", "llama.cpp"},
        .order = 30,
        .releases = {
            {.id = "b4343", .order = 4343, .date = "2024-12",
             .label = "logits for the whole ubatch; f32 KQ mask (+ f16 cast with flash attention)",
             .changed = "oldest build modelled (ggml-ci pythia-2.8b buffers, reproduced to the byte). Every build "
                        "before PR #23861 reserves n_vocab x n_ubatch x 4 B of logits in the output GPU's compute "
                        "buffer (llm_build_context worst_case: n_outputs = n_tokens; later graph_reserve(n_tokens, "
                        "n_seqs, n_tokens)); n_ctx padding of older builds (32 without flash attention) is not modelled",
             .source = "ggml-org/llama.cpp src/llama.cpp llama_new_context_with_model (b4343), issue #23527 (b9272)"},
            {.id = "b9411", .order = kDsaBuild, .date = "",
             .label = "logits for the whole ubatch; f32 KQ mask (+ f16 cast with flash attention)",
             .changed = "PR #23346: DeepSeek V3.2 / GLM-5 load, with llama_kv_cache_dsa keeping the indexer's keys beside "
                        "the MLA cache (src/llama-kv-cache-dsa.cpp); older builds refuse these models. The buffers of "
                        "other models are as in b4343",
             .source = "ggml-org/llama.cpp PR #23346 (035aa95), src/llama-kv-cache-dsa.cpp"},
            {.id = "b9464", .order = kOutputsMaxBuild, .date = "2026-06",
             .label = "llama-server reserves one logits row per sequence; f16 KQ mask",
             .changed = "PR #23861 (merged 2026-06-01): the reserve graph computes min(n_ubatch, n_outputs_max) logits "
                        "rows and llama-server sets n_outputs_max to its slots (other tools keep n_batch); PR #23764: "
                        "the KQ mask is allocated f16 when flash attention reads it. b9464 is the first build known to "
                        "carry both (b9272 has neither)",
             .source = "ggml-org/llama.cpp PR #23861, PR #23764, issue #23527"},
            {.id = "b10644", .order = 10644, .date = "2026-09",
             .label = "llama-server reserves one logits row per sequence; f16 KQ mask",
             .changed = "",
             .source = "checked: mcgyvr-lab llama-server b10644 (d7a207411) buffers on RTX 3060 / GTX 1660 SUPER"},
            {.id = "b11004", .order = 11004, .date = "2026-09",
             .label = "llama-server reserves one logits row per sequence; f16 KQ mask",
             .changed = "as b10644 (LM Studio's CUDA runtime 2.40.0, 2026-09-17): no PR read between the two changes "
                        "KV padding (n_ctx to 256, n_ctx_seq), the reserve graph, n_outputs_max = slots or the output "
                        "buffer",
             .source = "lmstudio-ai/lmstudio-bug-tracker issue #2409; ggml-org/llama.cpp src/llama-context.cpp"},
            {.id = "b11232", .order = 11232, .date = "2026-09",
             .label = "--fit with -c unset starts at n_ctx_train x slots",
             .changed = "with -c and -ngl given (the command gives both) the buffers are as in b10644. Left without -c, "
                        "--fit (on by default) now starts its context search at n_ctx_train x slots, 4 x n_ctx_train "
                        "with the default -np auto and its unified KV (PR #28849, merged 2026-09-13..22; PR #27496 "
                        "did it for -no-kvu -np N): `vramcalc fit` without -c follows it",
             .source = "ggml-org/llama.cpp PR #28849, PR #27496; b11232 in Ollama v0.35.1-rc0 (2026-09-30)"},
        },
        .parse_version = build_version,
        .version_forms = "a build number: b4343, 8054, or a whole 'version: 8054 (01d8eaa28)' line pasted",
        .checkpoint_files = "gguf",
        .load_error = load_error,
        .formats_by_quality = {"gguf-bf16", "gguf-q8_0", "gguf-q6_k", "gguf-q5_k_m", "gguf-q5_k_s", "gguf-q4_k_m", "gguf-q4_k_s",
                               "gguf-iq4_xs", "gguf-q3_k_m", "gguf-q2_k", "gguf-iq2_m", "gguf-iq2_xxs", "gguf-iq1_m"},
        .estimate = estimate_llamacpp,
        .counts_kv_cache = true,
        .reserved_fraction = nullptr,
        .command = command,
        .knobs = {
            {"gpu_layers", "GPU layers", "-ngl: layers on the GPU (all = every layer plus the output layer); the rest stay in CPU RAM"},
            {"ubatch", "ubatch", "-ub: physical batch; sizes the compute buffer (default 512)"},
            {"n_batch", "batch", "-b: logical batch (default 2048); the reserve uses min(n_ctx, -b, -ub) tokens"},
            {"parallel", "parallel", "-np: slots, each with n_ctx / parallel cells (0 = llama-server's default auto: 4 slots sharing all n_ctx cells)"},
            {"flash_attn", "flash attention", "flash attention: on is llama.cpp's default -fa auto on GPUs; off = -fa off"},
            {"cal_compute_mib", "calib. compute", "calibration from your log: \"CUDA0 compute buffer size\" in MiB (0 = modelled)"},
            {"n_cpu_moe", "experts on CPU (layers)", "--n-cpu-moe N: the expert tensors of the first N layers stay in system RAM"},
            {"cpu_moe", "all experts on CPU", "--cpu-moe: every expert tensor stays in system RAM; attention and shared weights on the GPU"},
            {"no_mmap", "no mmap", "--no-mmap: CPU weights are loaded into a CPU buffer instead of mapped from the file"},
            {"mlock", "mlock", "--mlock: the model's host buffer is pinned in RAM (with mmap the whole mapped span counts)"},
            {"unsplit_mla_gguf", "old MLA GGUF", "a DeepSeek-style GGUF converted before llama.cpp's MLA split (whole attn_kv_b, no "
                                                  "key_length_mla): llama.cpp caches full per-head K and V, about 9x the MLA latent "
                                                  "(set by itself when you open such a file)",
             0, 0, [](const Architecture& a) { return a.is_mla(); }},
            {"main_gpu", "main GPU", "--main-gpu: the GPU that holds everything with --split-mode none, and the KV cache and "
                                     "small tensors with --split-mode row"},
        },
        .knob_default = nullptr,
        .parallel = {.tensor_parallel = false, .pipeline_parallel = false, .heads_divide_tp = false,
                     // src/llama.cpp llama_max_devices() returns 16
                     .split = "llama.cpp --split-mode layer", .max_devices = 16},
        .workload = {.sequence_context = sequence_context,
                     .with_sequence_context = with_sequence_context,
                     .concurrency = concurrency,
                     .with_concurrency = with_concurrency,
                     .context_help = "n_ctx: tokens of KV cache, shared by the -np slots",
                     .concurrency_help = "Set -np (parallel) below for llama.cpp",
                     .concurrency_knob = "parallel"},
        // per-layer K/V widths, has_kv(il), llama_kv_cache_dsa and llama_memory_hybrid in estimate_llamacpp
        .cache_features = {"kv_sharing", "layer_kv_geometry", "dsa_indexer", "parallel_ssm", "short_conv", "mixerless_blocks"},
        .release_refusal = release_refusal,
    };
    return profile;
}

}  // namespace vramcalc
