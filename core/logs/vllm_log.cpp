// vLLM start-up logs, V0 and V1 wordings. Lines and the releases that print them (vllm-project/vllm):
//  - "Initializing a V1 LLM engine (v0.19.0) with config: model='...', dtype=torch.bfloat16,
//    max_seq_len=8192, tensor_parallel_size=1, pipeline_parallel_size=1, quantization=None,
//    enforce_eager=False, kv_cache_dtype=auto" (v1/engine/core.py; V0: "Initializing an LLM engine (v0.5.4)")
//  - the banner "version 0.19.0" / "model   ORG/NAME" (entrypoints/utils.py, 0.11+), older
//    "vLLM API server version 0.6.3"; "non-default args: {...}" (entrypoints/utils.py)
//  - "Model loading took 12.56 GiB memory" (v1/worker/gpu_model_runner.py; V0 worker/model_runner.py
//    "Loading model weights took 14.9 GB", a GiB figure: it divides by float(2**30))
//  - "Available KV cache memory: 61.66 GiB" (v1/worker/gpu_worker.py), "GPU KV cache size: 126,256 tokens"
//    and "Maximum concurrency for 8,192 tokens per request: 15.41x" (v1/core/kv_cache_utils.py)
//  - "Memory profiling takes 17.55 seconds. Total non KV cache memory: 13.57GiB; torch peak memory
//    increase: 0.77GiB; non-torch forward increase memory: 0.25GiB; weights memory: 12.56GiB." (0.8+)
//  - V0 worker.py 0.6.4-0.6.6: "Memory profiling results: ... total_gpu_memory=79.15GiB, ...
//    non_torch_memory=1.96GiB, kv_cache_size=34.96GiB, gpu_memory_utilization=0.90."
//  - V0 worker.py (0.7-0.8): "model weights take 21.21GiB; non_torch_memory takes 0.20GiB; PyTorch
//    activation peak memory takes 0.37GiB; the rest of the memory reserved for KV Cache is 1.57GiB." and
//    "total_gpu_memory (23.58GiB) x gpu_memory_utilization (0.99) = 23.35GiB"; "# GPU blocks: N"
//  - "worker init memory snapshot: ... total_memory=79.19GiB" (DEBUG, 0.11+), "Graph capturing finished
//    in 4 secs, took 0.89 GiB" (gpu_model_runner.py)
#include <algorithm>

#include "core/logs/engine_logs.h"
#include "core/logs/log_text.h"

namespace vramcalc::logs {

namespace {

using namespace logtext;

// The rank a worker's tag names: "(Worker_TP1 pid=443)" -> ("TP1", 1), "(Worker_PP2 pid=..)" -> ("PP2", 2),
// "(Worker_PP1_TP0 ...)" -> ("PP1_TP0", 1 x tp + 0); lines with no rank tag are rank 0.
void rank_of(const std::string& line, const LogReading& r, std::string& device, int& index) {
    device = "";
    index = 0;
    const std::size_t w = line.find("(Worker");
    const std::size_t close = w == std::string::npos ? w : line.find(')', w);
    if (w == std::string::npos || w > 40 || close == std::string::npos) return;
    const auto rank = [&](const char* key) -> int {
        const std::size_t p = line.find(key, w);
        if (p == std::string::npos || p > close) return -1;
        const auto n = number_at(line, p + 2);
        return n && *n >= 0 && *n < 4096 ? static_cast<int>(*n) : -1;
    };
    const int tp = rank("TP"), pp = rank("PP");
    if (tp < 0 && pp < 0) return;
    index = std::max(pp, 0) * std::max(r.tp, 1) + std::max(tp, 0);
    device = pp >= 0 && tp >= 0 ? "PP" + std::to_string(pp) + "_TP" + std::to_string(tp)
                                : pp >= 0 ? "PP" + std::to_string(pp) : "TP" + std::to_string(tp);
}

std::string weights_from_quantization(const std::string& q, LogReading& r) {
    if (q.empty()) return "";
    if (q == "fp8" || q == "fbgemm_fp8" || q == "modelopt") return "fp8";
    if (q.rfind("awq", 0) == 0) return "awq";
    if (q.rfind("gptq", 0) == 0) return "gptq-int4";
    if (q == "bitsandbytes") return "nf4";
    if (q == "mxfp4") return "mxfp4";
    // compressed-tensors (llm-compressor checkpoints) names its scheme in the model's config; the
    // checkpoints' names say it by convention (RedHatAI/...-quantized.w8a8, ...-FP8-dynamic).
    std::string model;
    for (char c : r.model) model += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (q == "compressed-tensors") {
        if (model.find("w8a8") != std::string::npos) return "int8";
        if (model.find("fp8") != std::string::npos) return "fp8";
        if (model.find("w4a16") != std::string::npos) return "gptq-int4";
    }
    add_note(r, "quantization=" + q + ": the weight format is in the model's own config (give --weights)");
    return "";
}

std::string kv_from(const std::string& kv) {
    if (kv.empty() || kv == "auto") return "auto";
    if (kv.rfind("fp8", 0) == 0) return "fp8";
    return kv == "bfloat16" ? "bf16" : kv == "float16" ? "fp16" : "";
}

void read_config_line(const std::string& l, LogReading& r) {
    if (const auto v = word_after(l, "engine (v"); !v.empty()) r.engine_version = v;
    r.engine_flavour = contains(l, "V1 LLM engine") ? "vLLM V1 engine" : "vLLM V0 engine";
    if (const auto m = word_after(l, " model="); !m.empty()) r.model = m;
    if (const auto d = word_after(l, "dtype=torch."); !d.empty()) r.dtype = d;
    if (const auto n = integer_after(l, "max_seq_len=")) r.context = *n;
    if (const auto n = integer_after(l, "tensor_parallel_size=")) r.tp = count_int(static_cast<double>(*n));
    if (const auto n = integer_after(l, "pipeline_parallel_size=")) r.pp = count_int(static_cast<double>(*n));
    r.quantization = py_value(word_after(l, "quantization="));
    r.kv_dtype = kv_from(word_after(l, "kv_cache_dtype="));
    r.enforce_eager = word_after(l, "enforce_eager=") == "True";
}

// "'limit_mm_per_prompt': {'image': 0, 'video': 0}": text-only when every count in the braces is 0.
bool text_only_limits(const std::string& l) {
    const std::size_t p = l.find("'limit_mm_per_prompt': {");
    if (p == std::string::npos) return false;
    int depth = 0;
    bool any = false;
    for (std::size_t i = l.find('{', p); i < l.size(); ++i) {
        const char c = l[i];
        if (c == '{') ++depth;
        else if (c == '}' && --depth == 0) return any;
        else if (c >= '0' && c <= '9') {
            if (c != '0' || (i + 1 < l.size() && l[i + 1] >= '0' && l[i + 1] <= '9')) return false;
            any = true;
        }
    }
    return false;
}

void read_args_line(const std::string& l, LogReading& r) {
    if (r.model.empty()) r.model = word_after(l, "'model': ");
    if (const auto n = integer_after(l, "'max_model_len': ")) r.context = *n;
    if (const auto n = integer_after(l, "'tensor_parallel_size': ")) r.tp = count_int(static_cast<double>(*n));
    if (const auto n = integer_after(l, "'pipeline_parallel_size': ")) r.pp = count_int(static_cast<double>(*n));
    if (const auto n = integer_after(l, "'max_num_seqs': ")) r.max_num_seqs = *n;
    if (const auto v = number_after(l, "'gpu_memory_utilization': ")) r.gpu_mem_util = *v;
    if (const auto q = word_after(l, "'quantization': "); !q.empty()) r.quantization = q;
    if (const auto k = word_after(l, "'kv_cache_dtype': "); !k.empty()) r.kv_dtype = kv_from(k);
    if (text_only_limits(l)) r.mm_text_only = true;
}

void read_profile_lines(const std::string& l, const std::string& dev, int idx, LogReading& r) {
    // V1 (0.8+): "Memory profiling takes ... torch peak memory increase: X; non-torch forward increase memory: Y"
    if (const auto b = size_after(l, "torch peak memory increase:", true)) add_bytes(r, "activation", dev, idx, *b, l);
    if (const auto b = size_after(l, "non-torch forward increase memory:", true)) add_bytes(r, "non_torch", dev, idx, *b, l);
    if (const auto b = size_after(l, "Total non KV cache memory:", true)) add_bytes(r, "non_kv", dev, idx, *b, l);
    if (const auto b = size_after(l, "; weights memory:", true)) add_bytes(r, "weights", dev, idx, *b, l);
    // V0 worker.py (0.6.5-0.8)
    if (const auto b = size_after(l, "model weights take", true)) add_bytes(r, "weights", dev, idx, *b, l);
    if (const auto b = size_after(l, "non_torch_memory takes", true)) add_bytes(r, "non_torch", dev, idx, *b, l);
    if (const auto b = size_after(l, "activation peak memory takes", true)) add_bytes(r, "activation", dev, idx, *b, l);
    if (const auto b = size_after(l, "reserved for KV Cache is", true)) add_bytes(r, "kv_cache", dev, idx, *b, l);
    if (const auto b = size_after(l, "total_gpu_memory (", true)) r.gpu_memory_gib = *b / kGiB;
    // 0.6.4-0.6.6: "Memory profiling results: ... total_gpu_memory=79.15GiB, ... non_torch_memory=1.96GiB,
    // kv_cache_size=34.96GiB, gpu_memory_utilization=0.90."
    if (const auto b = size_after(l, "total_gpu_memory=", true)) r.gpu_memory_gib = *b / kGiB;
    if (const auto b = size_after(l, "non_torch_memory=", true)) add_bytes(r, "non_torch", dev, idx, *b, l);
    if (const auto b = size_after(l, "kv_cache_size=", true)) add_bytes(r, "kv_cache", dev, idx, *b, l);
    if (const auto v = number_after(l, " gpu_memory_utilization=")) r.gpu_mem_util = *v;
    if (const auto v = number_after(l, "x gpu_memory_utilization (")) r.gpu_mem_util = *v;
}

void read_line(const std::string& l, LogReading& r) {
    std::string dev;
    int idx = 0;
    rank_of(l, r, dev, idx);
    if (contains(l, "LLM engine (v") || contains(l, "LLM engine with config:")) read_config_line(l, r);
    if (contains(l, "non-default args:")) read_args_line(l, r);
    // "Chunked prefill is enabled with max_num_batched_tokens=8192." (config/scheduler.py): the value in
    // effect, defaults included (the offline LLM class and the API server default differently).
    if (contains(l, "Chunked prefill is enabled with max_num_batched_tokens="))
        if (const auto n = integer_after(l, "max_num_batched_tokens=")) r.max_num_batched_tokens = *n;
    if (r.engine_version.empty()) {
        if (const auto p = after(l, "vLLM API server version "); p != std::string::npos) r.engine_version = word_after(l, "version ");
        else if (contains(l, "\xE2\x96") && contains(l, " version ")) r.engine_version = word_after(l, " version ");  // the banner
    }
    if (r.model.empty() && contains(l, "\xE2\x96") && contains(l, " model ")) r.model = word_after(l, " model ");
    if (const auto b = size_after(l, "Model loading took", true)) add_bytes(r, "weights", dev, idx, *b, l);
    if (const auto b = size_after(l, "Loading model weights took", true)) add_bytes(r, "weights", dev, idx, *b, l);
    if (const auto b = size_after(l, "Available KV cache memory:", true)) add_bytes(r, "kv_cache", dev, idx, *b, l);
    if (const auto t = integer_after(l, "GPU KV cache size:")) add_tokens(r, "kv_tokens", "", 0, *t, l);
    if (const auto t = integer_after(l, "# GPU blocks:")) add_tokens(r, "kv_blocks", dev, idx, *t, l);
    if (const auto p = after(l, "Maximum concurrency for "); p != std::string::npos) {
        std::size_t end = 0;
        const auto ctx = number_at(l, p, &end);
        if (ctx && r.context == 0) r.context = static_cast<std::int64_t>(*ctx);
        if (const auto x = number_after(l, "tokens per request:")) add_value(r, "max_concurrency", "", 0, *x, l);
    }
    if (contains(l, "Memory profiling takes") || contains(l, "model weights take") || contains(l, "total_gpu_memory"))
        read_profile_lines(l, dev, idx, r);
    if (const auto b = size_after(l, " total_memory=", true)) r.gpu_memory_gib = *b / kGiB;
    if (const auto p = after(l, "Free memory on device ("); p != std::string::npos) {
        const std::size_t slash = l.find('/', p);
        if (const auto b = size_at(l, slash == std::string::npos ? p : slash + 1, true)) r.gpu_memory_gib = *b / kGiB;
    }
    if (contains(l, "Graph capturing finished"))
        if (const auto b = size_after(l, ", took", true)) add_bytes(r, "cuda_graph", dev, idx, *b, l);
    // 0.21+: the estimate taken out of the KV budget before the pool is sized (gpu_model_runner.py), and
    // after capture "CUDA graph pool memory: 0.31 GiB (actual), 0.37 GiB (estimated), ..." (gpu_worker.py).
    if (const auto b = size_after(l, "Estimated CUDA graph memory:", true)) add_bytes(r, "cuda_graph_estimate", dev, idx, *b, l);
    if (const auto b = size_after(l, "CUDA graph pool memory:", true)) add_bytes(r, "cuda_graph", dev, idx, *b, l);
    // 0.21+ prints the utilization in force even when no argument set it (gpu_worker.py): "The current
    // --gpu-memory-utilization=0.9500 is equivalent to ... without CUDA graph memory profiling".
    if (const auto v = number_after(l, "The current --gpu-memory-utilization=")) r.gpu_mem_util = *v;
    if (r.gpu_name.empty() && contains(l, "GPU 0: ")) r.gpu_name = rest_after(l, "GPU 0: ");
}

int signature(std::string_view l) {
    for (const char* k : {"Model loading took", "GPU KV cache size:", "Available KV cache memory:", "LLM engine (v",
                          "vLLM API server version", "[gpu_worker.py", "[kv_cache_utils.py", "# GPU blocks:",
                          "non_torch_memory takes", "Loading model weights took", "Memory profiling results:"})
        if (contains(l, k)) return 3;
    if (contains(l, "EngineCore pid=") || contains(l, "APIServer pid=") || contains(l, "vllm.")) return 1;
    return 0;
}

bool starts_run(std::string_view l) {
    return contains(l, "non-default args:") || contains(l, "LLM engine (v") || contains(l, "vLLM API server version");
}

void finish(LogReading& r) {
    if (r.weights.empty()) r.weights = weights_from_quantization(r.quantization, r);
    if (r.weights.empty() && r.quantization.empty()) r.weights = weights_from_dtype(r.dtype);
    if (r.gpus == 0 && (r.tp > 0 || r.pp > 0)) r.gpus = std::max(r.tp, 1) * std::max(r.pp, 1);
    add_note(r, "vLLM prints GiB (sizes divided by 2^30); its older \"GB\" figures are GiB too");
}

}  // namespace

const EngineLogReader& vllm_log_reader() {
    static const EngineLogReader reader{"vllm", signature, starts_run, read_line, finish};
    return reader;
}

}  // namespace vramcalc::logs
