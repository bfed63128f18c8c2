// llama.cpp start-up logs (llama-server, llama-cli, llama-bench -v, Ollama's runner, which prints the
// same lines). Wordings and where ggml-org/llama.cpp prints them:
//  - "build: 6527 (8ff20609) with cc ..." (common/common.cpp), "version: 8054 (01d8eaa28)" (--version)
//  - "llama_model_loader: loaded meta data with N key-value pairs and M tensors from PATH"
//  - "print_info: file type = Q4_K - Medium", "print_info: general.name = ..." (src/llama-model.cpp, b5000+;
//    before: "llm_load_print_meta: model ftype = ...")
//  - "Device 0: NVIDIA GeForce RTX 3060, compute capability 8.6" (ggml-cuda.cu ggml_cuda_init),
//    "- CUDA0 : NVIDIA GeForce RTX 3060 (12288 MiB, 11937 MiB free)" (params_fit, 2026)
//  - "load_tensors: offloaded 25/25 layers to GPU", "load_tensors: CUDA0 model buffer size = X MiB"
//    (before b4000: "llm_load_tensors: CUDA0 buffer size = X MiB")
//  - "llama_context: n_ctx = 4096", n_seq_max, n_batch, n_ubatch, flash_attn (src/llama-context.cpp;
//    before: "llama_new_context_with_model: n_ctx = ...")
//  - "llama_kv_cache: CUDA0 KV buffer size = X MiB" (one per cache: SWA models print two, summed) and
//    "llama_kv_cache: size = X MiB (N cells, L layers, 1/1 seqs), K (f16): ..." (src/llama-kv-cache.cpp;
//    older "llama_kv_cache_init:", "KV self size = X MiB")
//  - "llama_memory_recurrent: CUDA0 RS buffer size = X MiB" (src/llama-memory-recurrent.cpp: the conv
//    and SSM states of hybrid / recurrent models), summed into the KV buffer, as our estimate counts it
//  - "sched_reserve: CUDA0 compute buffer size = X MiB" (2026; before: "llama_context:" /
//    "llama_new_context_with_model:"), host buffers "CUDA_Host" / "CPU".
// MiB here is 2^20 bytes (ggml divides by 1024.0/1024.0).
#include <algorithm>

#include "core/logs/engine_logs.h"
#include "core/logs/log_text.h"

namespace vramcalc::logs {

namespace {

using namespace logtext;

bool is_host(const std::string& dev) {
    return dev.rfind("CPU", 0) == 0 || dev == "CUDA_Host" || dev.rfind("Metal_Mapped", 0) == 0 ||
           dev.find("_Host") != std::string::npos;
}

// GPUs numbered in the order the log first names them (CUDA0, CUDA1, RPC0[...]); host memory is -1.
int device_index(const LogReading& r, const std::string& dev) {
    if (is_host(dev)) return -1;  // Ollama says "CPU" too
    int next = 0;
    for (const LogFigure& f : r.figures) {
        if (f.device == dev) return f.device_index;
        next = std::max(next, f.device_index + 1);
    }
    return next;
}

// "n_ctx                 = 4096" after a "func: " prefix; the key must end there ("n_ctx_seq" is another).
std::optional<double> setting(const std::string& l, std::string_view key) {
    std::size_t p = 0;
    while ((p = l.find(key, p)) != std::string::npos) {
        const std::size_t e = p + key.size();
        const bool starts = p > 0 && (l[p - 1] == ' ' || l[p - 1] == ':');
        std::size_t q = e;
        while (q < l.size() && l[q] == ' ') ++q;
        if (starts && q < l.size() && l[q] == '=') return number_at(l, q + 1);
        p = e;
    }
    return std::nullopt;
}

void read_buffer(const std::string& l, LogReading& r) {
    const std::size_t at = l.find(" buffer size");
    const std::size_t colon = l.rfind(": ", at);
    if (at == std::string::npos || colon == std::string::npos) return;
    std::string mid = trim(std::string_view(l).substr(colon + 2, at - colon - 2));
    if (mid.empty() || mid.find(' ') == std::string::npos) mid += " model";  // "CUDA0 buffer size" (before b4000)
    const std::string dev = mid.substr(0, mid.find(' '));
    const std::string kind = trim(mid.substr(mid.find(' ') + 1));
    const auto bytes = size_after(l, "buffer size =", false);
    if (!bytes || dev.empty() || dev.size() > 64) return;
    const int idx = device_index(r, dev);
    const bool host = idx < 0;
    if (kind == "model") add_bytes(r, host ? "cpu_model_buffer" : "model_buffer", dev, idx, *bytes, l);
    else if (kind == "KV" || kind == "RS") add_bytes(r, host ? "cpu_kv_buffer" : "kv_buffer", dev, idx, *bytes, l, true);
    else if (kind == "compute") add_bytes(r, host ? "host_compute_buffer" : "compute_buffer", dev, idx, *bytes, l);
    else if (kind == "output") add_bytes(r, "output_buffer", dev, idx, *bytes, l);
}

std::string kv_from(const std::string& t) {
    if (t == "f16") return "fp16";
    if (t == "bf16") return "bf16";
    if (t == "f32") return "fp32";
    return t;  // q8_0, q4_0, ... are our ids as they are
}

std::string weights_from_file_type(std::string t) {
    // "Q4_K - Medium" -> gguf-q4_k_m; "F16" -> gguf-f16; "MXFP4 MoE" -> gguf-mxfp4
    std::string id;
    for (char c : t) id += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    const auto cut = [&](const std::string& from, const std::string& to) {
        const std::size_t p = id.find(from);
        if (p != std::string::npos) id = id.substr(0, p) + to;
    };
    cut(" - medium", "_m");
    cut(" - small", "_s");
    cut(" - large", "_l");
    cut(" - extra small", "_xs");
    cut(" moe", "");
    cut(" (guessed)", "");
    id = trim(id);
    return id.empty() || id.size() > 16 ? "" : "gguf-" + id;
}

void read_settings(const std::string& l, LogReading& r) {
    if (const auto v = setting(l, "n_ctx")) r.context = static_cast<std::int64_t>(*v);
    if (const auto v = setting(l, "n_seq_max")) r.parallel = count_int(*v);
    for (const char* key : {"n_ctx_seq", "n_ctx_per_seq"})
        if (const auto v = setting(l, key)) r.context_per_seq = static_cast<std::int64_t>(*v);
    if (const auto v = setting(l, "n_batch")) r.n_batch = static_cast<std::int64_t>(*v);
    if (const auto v = setting(l, "n_ubatch")) r.n_ubatch = static_cast<std::int64_t>(*v);
    const std::size_t fa = l.find("flash_attn");
    if (fa != std::string::npos && setting(l, "flash_attn").has_value()) r.flash_attn = *setting(l, "flash_attn") != 0;
    else if (fa != std::string::npos) {
        const std::string w = word_after(l, "= ");
        if (w == "enabled") r.flash_attn = 1;
        if (w == "disabled") r.flash_attn = 0;
    }
    if (contains(l, "Flash Attention enabled") || contains(l, "set to enabled")) r.flash_attn = 1;
    if (contains(l, "set to disabled")) r.flash_attn = 0;
}

void read_model(const std::string& l, LogReading& r) {
    if (const auto p = after(l, "general.name"); p != std::string::npos) {
        const std::size_t eq = l.find('=', p);
        if (eq != std::string::npos && r.model.empty()) r.model = trim(std::string_view(l).substr(eq + 1, 200));
    }
    if (contains(l, "tensors from ") && r.model_file.empty()) {
        r.model_file = word_after(l, "tensors from ");
        if (r.model.empty()) r.model = r.model_file.substr(r.model_file.find_last_of('/') + 1);
    }
    for (const char* key : {"file type", "model ftype"})
        if (const auto p = after(l, key); p != std::string::npos && r.quantization.empty()) {
            const std::size_t eq = l.find('=', p);
            if (eq != std::string::npos) r.quantization = trim(std::string_view(l).substr(eq + 1, 64));
        }
    if (const auto p = after(l, ": arch"); p != std::string::npos && r.architecture.empty()) {
        const std::size_t eq = l.find('=', p);
        if (eq != std::string::npos && eq < p + 20) r.architecture = trim(std::string_view(l).substr(eq + 1, 64));
    }
}

void read_devices(const std::string& l, LogReading& r) {
    if (const auto p = after(l, "Device 0: "); p != std::string::npos && r.gpu_name.empty()) {
        const std::size_t comma = l.find(',', p);
        r.gpu_name = trim(std::string_view(l).substr(p, comma == std::string::npos ? 80 : comma - p));
    }
    if (contains(l, "compute capability")) {
        if (const auto n = number_after(l, "Device ")) r.gpus = std::max(r.gpus, count_int(*n) + 1);
    }
    // "- CUDA0   : NVIDIA GeForce RTX 3060 (12288 MiB, 11937 MiB free)"
    if (contains(l, "- CUDA0") && contains(l, "MiB free")) {
        const std::size_t open = l.rfind('(', l.find("MiB free"));
        if (open != std::string::npos)
            if (const auto b = size_at(l, open + 1, false)) r.gpu_memory_gib = *b / kGiB;
    }
    if (const auto p = after(l, "offloaded "); p != std::string::npos && contains(l, "layers to GPU")) {
        std::size_t end = 0;
        const auto done = number_at(l, p, &end);
        const auto total = end < l.size() && l[end] == '/' ? number_at(l, end + 1) : std::nullopt;
        if (done) r.gpu_layers = count_int(*done);
        if (total) r.total_layers = count_int(*total);
    }
}

// Ollama's own engine (2025+) prints its allocations as key=value records (llm/server.go, ml/backend):
// msg="model weights" device=CUDA0 size="12.2 GiB", msg="kv cache" ..., msg="compute graph" ...
void read_ollama(const std::string& l, LogReading& r) {
    const std::string dev = word_after(l, "device=");
    const auto bytes = size_after(l, "size=\"", false);
    if (dev.empty() || !bytes || dev.size() > 64) return;
    const int idx = device_index(r, dev);
    const bool host = idx < 0;
    if (contains(l, "msg=\"model weights\"")) add_bytes(r, host ? "cpu_model_buffer" : "model_buffer", dev, idx, *bytes, l);
    if (contains(l, "msg=\"kv cache\"")) add_bytes(r, host ? "cpu_kv_buffer" : "kv_buffer", dev, idx, *bytes, l);
    if (contains(l, "msg=\"compute graph\"")) add_bytes(r, host ? "host_compute_buffer" : "compute_buffer", dev, idx, *bytes, l);
    r.engine_flavour = "Ollama";
}

void read_line(const std::string& l, LogReading& r) {
    if (contains(l, "msg=\"") && contains(l, "device=")) read_ollama(l, r);
    if (r.engine_version.empty()) {
        for (const char* key : {"build: ", " build ", "version: "})
            if (const auto p = after(l, key); p != std::string::npos && contains(l, " (")) {
                const auto n = number_at(l, p);
                if (n && *n > 0 && *n < 1e7 && l.find('(', p) < p + 12) r.engine_version = "b" + std::to_string(static_cast<long>(*n));
            }
    }
    if (contains(l, "buffer size =")) read_buffer(l, r);
    if (const auto b = size_after(l, "KV self size  =", false)) add_bytes(r, "kv_buffer", "", 0, *b, l);
    if (const auto b = size_after(l, "compute buffer total size =", false)) add_bytes(r, "compute_buffer", "", 0, *b, l);
    if (contains(l, "llama_kv_cache") && contains(l, " K (")) {
        r.kv_dtype = kv_from(word_after(l, " K ("));
        // "V (f16): 216.00 MiB": MLA caches no V (has_v = !is_mla, src/llama-kv-cache.cpp), so a V size
        // on an MLA model means a GGUF from before the MLA split.
        if (const auto p = l.find(" V ("); p != std::string::npos)
            if (const auto close = l.find("):", p); close != std::string::npos)
                if (const auto v = size_after(l.substr(close), "):", false); v && *v > 0) r.kv_caches_v = true;
    }
    if (contains(l, "general.name") || contains(l, "tensors from ") || contains(l, "file type") ||
        contains(l, "model ftype") || contains(l, ": arch"))
        read_model(l, r);
    read_devices(l, r);
    if (contains(l, "n_ctx") || contains(l, "n_seq_max") || contains(l, "n_batch") || contains(l, "n_ubatch") || contains(l, "flash_attn") ||
        contains(l, "Flash Attention"))
        read_settings(l, r);
    if (r.engine_flavour.empty()) {
        if (contains(l, "ollama") || contains(l, "source=server.go")) r.engine_flavour = "Ollama";
        else if (contains(l, "server is listening") || contains(l, "srv ") || contains(l, "slot ")) r.engine_flavour = "llama-server";
    }
}

int signature(std::string_view l) {
    for (const char* k : {"llama_model_loader:", "load_tensors:", "llm_load_tensors:", "llama_context:", "llama_kv_cache",
                          "print_info:", "ggml_cuda_init:", "sched_reserve:", "llama_new_context_with_model:",
                          "llm_load_print_meta:"})
        if (contains(l, k)) return 3;
    if (contains(l, "source=ggml.go") || contains(l, "msg=\"model weights\"")) return 3;  // Ollama
    if (contains(l, "ggml_") || contains(l, "gguf") || contains(l, "source=server.go")) return 1;
    return 0;
}

// Lines printed once per start-up (a draft model of speculative decoding loads a second model: it reads
// as a second start-up).
bool starts_run(std::string_view l) {
    return contains(l, "build: ") || contains(l, "llama_model_loader: loaded meta data") || contains(l, "print_info: file type") ||
           contains(l, "llm_load_print_meta: model ftype");
}

void finish(LogReading& r) {
    r.weights = weights_from_file_type(r.quantization);
    int devices = 0;
    for (const LogFigure& f : r.figures) devices = std::max(devices, f.device_index + 1);
    r.gpus = std::max(r.gpus, devices);
    if (r.engine_flavour.empty()) r.engine_flavour = "llama.cpp";
    add_note(r, "llama.cpp prints MiB (2^20 bytes)");
}

}  // namespace

const EngineLogReader& llamacpp_log_reader() {
    static const EngineLogReader reader{"llamacpp", signature, starts_run, read_line, finish};
    return reader;
}

}  // namespace vramcalc::logs
