// SGLang start-up logs. Wordings and where sgl-project/sglang prints them (python/sglang/srt/):
//  - "server_args=ServerArgs(model_path='...', dtype='auto', kv_cache_dtype='auto', mem_fraction_static=0.874,
//    tp_size=1, context_length=None, ...)" (entrypoints/http_server.py)
//  - "Load weight begin. avail mem=78.58 GB" and "Load weight end. type=LlamaForCausalLM,
//    dtype=torch.bfloat16, avail mem=63.52 GB, mem usage=15.06 GB." (model_executor/model_runner.py); a
//    second pair is the draft model of speculative decoding
//  - "KV Cache is allocated. #tokens: 20480, K size: 1.25 GB, V size: 1.25 GB" (mem_cache/memory_pool.py)
//  - "Use sliding window memory pool. full_layer_tokens=375360, swa_layer_tokens=300288" (hybrid SWA
//    models: then the next "#tokens" is the sliding pool's; the full layers' pool is the one we size)
//  - "max_total_num_tokens=20480, chunked_prefill_size=8192, max_prefill_tokens=16384,
//    max_running_requests=200, context_len=32768, available_gpu_mem=56.97 GB" (managers/scheduler.py)
// Every "GB" is a GiB: get_available_gpu_memory and the pool sizes divide by (1 << 30).
// Ranks: "[2025-07-15 13:14:53 TP1] ..." tags each line with its TP rank.
#include <algorithm>

#include "core/logs/engine_logs.h"
#include "core/logs/log_text.h"

namespace vramcalc::logs {

namespace {

using namespace logtext;

void rank_of(const std::string& l, std::string& dev, int& idx) {
    dev = "";
    idx = 0;
    const std::size_t close = l.find(']');
    if (close == std::string::npos || close > 64) return;
    const std::size_t tp = l.rfind(" TP", close);
    if (tp == std::string::npos) return;
    if (const auto n = number_at(l, tp + 3); n && *n >= 0 && *n < 4096) {
        idx = static_cast<int>(*n);
        dev = "TP" + std::to_string(idx);
    }
}

std::string kv_from(const std::string& kv) {
    if (kv.empty() || kv == "auto") return "auto";
    if (kv.rfind("fp8", 0) == 0 || kv.rfind("float8", 0) == 0) return "fp8";
    return kv == "bf16" || kv == "bfloat16" ? "bf16" : "";
}

// "0.4.6.post1" -> "0.4.6", "v0.5.4-cu126" -> "0.5.4": the release the profile's accounting is keyed by.
std::string release_of(std::string v) {
    if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v.erase(0, 1);
    std::size_t n = 0;
    while (n < v.size() && ((v[n] >= '0' && v[n] <= '9') || (v[n] == '.' && n + 1 < v.size() && v[n + 1] >= '0' && v[n + 1] <= '9'))) ++n;
    v.resize(n);
    return v.find('.') == std::string::npos ? "" : v;
}

// SGLang's version where a paste states it: "sglang version: 0.5.4" / "SGLang version 0.5.4", python -m
// sglang.check_env's "sglang: 0.4.6.post1", pip's "sglang==0.4.9.post2" / "Successfully installed ...
// sglang-0.5.2", the docker image "lmsysorg/sglang:v0.5.4-cu126".
std::string version_in(const std::string& l) {
    for (const char* key : {"sglang version:", "SGLang version:", "sglang version ", "SGLang version ", "sglang==", "sglang[all]==", "sglang[srt]==",
                            "lmsysorg/sglang:", "sglang: ", " sglang-"}) {
        const std::size_t p = after(l, key);
        if (p == std::string::npos) continue;
        std::size_t q = p;
        while (q < l.size() && l[q] == ' ') ++q;
        const std::string v = release_of(l.substr(q, 40));
        if (!v.empty()) return v;
    }
    return "";
}

void read_server_args(const std::string& l, LogReading& r) {
    if (const auto m = word_after(l, "model_path="); !m.empty()) r.model = m;
    if (const auto d = py_value(word_after(l, " dtype=")); !d.empty() && d != "auto") r.dtype = d;
    r.kv_dtype = kv_from(word_after(l, "kv_cache_dtype="));
    if (const auto v = number_after(l, "mem_fraction_static=")) r.gpu_mem_util = *v;
    if (const auto n = integer_after(l, "tp_size=")) r.tp = count_int(static_cast<double>(*n));
    if (const auto n = integer_after(l, "pp_size=")) r.pp = count_int(static_cast<double>(*n));
    if (const auto n = integer_after(l, "context_length=")) r.context = *n;
    if (const auto n = integer_after(l, "max_running_requests=")) r.max_num_seqs = *n;
    r.quantization = py_value(word_after(l, "quantization="));
}

void read_line(const std::string& l, LogReading& r) {
    std::string dev;
    int idx = 0;
    rank_of(l, dev, idx);
    if (contains(l, "model_path=")) read_server_args(l, r);
    if (contains(l, "Load weight begin"))
        if (const auto b = size_after(l, "avail mem=", true)) add_bytes(r, "free_before_load", dev, idx, *b, l);
    if (contains(l, "Load weight end")) {
        const bool draft = find_figure(r, "weights", idx) != nullptr;
        if (const auto b = size_after(l, "mem usage=", true)) add_bytes(r, draft ? "draft_weights" : "weights", dev, idx, *b, l);
        if (!draft) {
            if (const auto t = word_after(l, "type="); !t.empty()) r.architecture = t;
            if (const auto d = word_after(l, "dtype=torch."); !d.empty()) r.dtype = d;
        }
    }
    if (contains(l, "KV Cache is allocated")) {
        const bool draft = find_figure(r, "kv_tokens", idx) != nullptr;
        const auto k = size_after(l, "K size:", true);
        const auto v = size_after(l, "V size:", true);
        if (const auto t = integer_after(l, "#tokens:")) add_tokens(r, draft ? "draft_kv_tokens" : "kv_tokens", dev, idx, *t, l);
        if (k && v) add_bytes(r, draft ? "draft_kv_cache" : "kv_cache", dev, idx, *k + *v, l);
        if (const auto d = word_after(l, "dtype: torch."); !d.empty() && r.kv_dtype.empty()) r.kv_dtype = kv_from(d);
    }
    if (contains(l, "Use sliding window memory pool"))
        if (const auto t = integer_after(l, "full_layer_tokens=")) add_tokens(r, "full_layer_tokens", dev, idx, *t, l);
    if (const auto t = integer_after(l, "max_total_num_tokens=")) add_tokens(r, "max_total_num_tokens", dev, idx, *t, l);
    if (const auto n = integer_after(l, "max_running_requests=")) r.max_num_seqs = *n;
    if (const auto n = integer_after(l, " context_len=")) r.context = *n;
    if (const std::string v = version_in(l); !v.empty()) r.engine_version = v;
}

int signature(std::string_view l) {
    for (const char* k : {"Load weight end", "KV Cache is allocated", "max_total_num_tokens=", "Memory pool end",
                          "Load weight begin", "mem_fraction_static="})
        if (contains(l, k)) return 3;
    if (contains(l, "sglang")) return 1;
    return 0;
}

bool starts_run(std::string_view l) { return contains(l, "server_args=") || contains(l, "ServerArgs("); }

// A hybrid SWA pool's "#tokens" counts the sliding layers' pool (swa_full_tokens_ratio x the full one,
// sglang PR #18039's log): the figure compared with ours becomes the full layers' count.
void full_pool_tokens(LogReading& r) {
    bool swapped = false;
    for (LogFigure& full : r.figures) {
        if (full.name != "full_layer_tokens") continue;
        for (LogFigure& f : r.figures)
            if (f.name == "kv_tokens" && f.device_index == full.device_index) f.name = "swa_kv_tokens";
        full.name = "kv_tokens";
        swapped = true;
    }
    if (swapped) add_note(r, "hybrid SWA pool: \"#tokens\" is the sliding layers' pool; KV cache tokens are the full layers' (full_layer_tokens)");
}

void finish(LogReading& r) {
    full_pool_tokens(r);
    if (r.weights.empty() && r.quantization.empty()) r.weights = weights_from_dtype(r.dtype);
    if (r.weights.empty() && r.quantization == "fp8") r.weights = "fp8";
    if (r.gpus == 0 && (r.tp > 0 || r.pp > 0)) r.gpus = std::max(r.tp, 1) * std::max(r.pp, 1);
    if (const LogFigure* f = find_figure(r, "free_before_load"); f && f->bytes && r.gpu_memory_gib == 0)
        add_note(r, "SGLang prints the free memory before loading, not the GPU's total");
    add_note(r, "SGLang's \"GB\" figures are GiB (it divides by 2^30)");
}

}  // namespace

const EngineLogReader& sglang_log_reader() {
    static const EngineLogReader reader{"sglang", signature, starts_run, read_line, finish};
    return reader;
}

}  // namespace vramcalc::logs
