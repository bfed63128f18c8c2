// What an engine's start-up log states: the engine and its release, the model, the GPUs, the settings,
// and every memory figure it printed, per device. Filled by read_log (log_reader.h) from pasted text;
// plain data, so the CLI, the page and the reconciliation read it alike.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/units.h"

namespace vramcalc {

// One figure the log printed. Memory figures have `bytes`; token counts have `tokens`; ratios (vLLM's
// "Maximum concurrency ... 15.41x") have `value`.
struct LogFigure {
    std::string name;    // weights, kv_cache, kv_tokens, activation, non_torch, cuda_graph, model_buffer, ...
    std::string device;  // as the log names it: "CUDA0", "TP0", "host" (CPU buffers), "" = the only GPU
    int device_index = 0;  // GPU index (or TP rank); -1 for host memory
    std::optional<Bytes> bytes;
    std::optional<std::int64_t> tokens;
    std::optional<double> value;
    std::string line;    // the cleaned line it came from (bounded), for "where did this come from"
};

struct LogReading {
    bool ok = false;
    std::string error;                  // set when !ok: why this is not a log we can read
    std::string engine;                 // engine profile id: vllm, llamacpp, sglang
    std::string engine_flavour;         // "llama-server", "Ollama", "vLLM V1", ... when the log says
    std::string engine_version;         // as --engine-version reads it: "0.19.0", "b6527"
    std::string model;                  // HF id, path, or GGUF general.name
    std::string model_file;             // GGUF path when printed
    std::string architecture;           // "LlamaForCausalLM", GGUF general.architecture
    std::string dtype;                  // torch dtype as printed ("bfloat16")
    std::string quantization;           // as printed: "fp8", "awq", "Q4_K - Medium"
    std::string weights;                // our weight format id when the printed one maps to one
    std::string kv_dtype;               // our KV format id ("auto", "fp8", "q8_0", ...), "" = not printed
    std::string gpu_name;
    double gpu_memory_gib = 0;          // total memory of a GPU as the engine saw it
    int gpus = 0;                       // GPUs the log shows in use (0 = not printed)
    int tp = 0, pp = 0;                 // 0 = not printed
    std::int64_t context = 0;           // max_model_len / n_ctx / context_len
    std::int64_t max_num_seqs = 0;      // vLLM max_num_seqs, SGLang max_running_requests
    std::int64_t max_num_batched_tokens = 0;  // vLLM max_num_batched_tokens as the scheduler line prints it
    int parallel = 0;                   // llama.cpp n_seq_max (-np)
    std::int64_t context_per_seq = 0;   // llama.cpp n_ctx_seq: n_ctx when the slots share one unified cache
    double gpu_mem_util = 0;            // vLLM gpu_memory_utilization, SGLang mem_fraction_static
    int gpu_layers = -1;                // llama.cpp layers offloaded
    int total_layers = 0;
    std::int64_t n_batch = 0, n_ubatch = 0;
    int flash_attn = -1;                // llama.cpp: 1 on, 0 off, -1 not printed / auto
    bool enforce_eager = false;
    bool mm_text_only = false;          // vLLM limit_mm_per_prompt with every modality 0 (no vision tower)
    bool kv_caches_v = false;           // llama.cpp's KV line prints a V size above 0 (an MLA model's split GGUF has none)
    // ExLlama / TabbyAPI (exllama_log.cpp)
    std::string backend;                // the backend a front end names: "exllamav2", "exllamav3" ("" = not printed)
    double bits_per_weight = 0;         // EXL2/EXL3 bpw, read from the model directory's name ("...-4.65bpw-h6-exl2")
    double head_bits = 0;               // output-layer bits from the name ("-H8"), 0 = not printed
    std::string gpu_split;              // "one GPU", "manual", "autosplit", "tensor parallel" as TabbyAPI says
    // Part of the model stays in CPU memory: llama.cpp -ngl below the layer count or experts kept on the CPU
    // (--n-cpu-moe / -ot, ExLlamaV3's "CPU split experts"). Picks the partial-offload error bands.
    bool partial_offload = false;
    std::vector<LogFigure> figures;
    std::vector<std::string> notes;     // units, runs, what was skipped
    int runs = 0;                       // start-ups seen in the paste (the last one is read)
    std::size_t lines_read = 0;
};

// The figure `name` on `device_index`, if the log printed it.
const LogFigure* find_figure(const LogReading& r, const std::string& name, int device_index = 0);
// What a figure is called where people read it ("kv_cache" -> "KV cache"); nullptr for a name not listed.
const char* figure_label(const std::string& name);

}  // namespace vramcalc
