// What the user asks: one deployment of one model on some GPUs. The same object is the CLI's
// --scenario file, the page's state (getState/setState) and the share link's payload.
#pragma once
#include <cstdint>
#include <string>

#include "architecture.h"

namespace vramcalc {

struct Scenario {
    std::string model = "qwen2.5-7b-instruct";  // catalog id or HF id; ignored for custom models
    // A custom model: the text of a Hugging Face config.json (pasted, dropped, or built from typed
    // numbers), or, with no config, only a typed parameter count (weights-only answer).
    std::string custom_config;
    double custom_params = 0.0;
    std::string custom_name;
    // The weights as read from the model's own files (GGUF or safetensors headers): bytes per tensor
    // role and layer, in file_weights.h's text form ("fw1;s=gguf;f=gguf-q4_k_m;..."); "" = none.
    std::string custom_tensors;
    std::string weights = "bf16";               // weight format id
    std::string kv_dtype = "auto";              // KV format id
    std::string engine = "vllm";                // engine profile id (core/engines/<id>.cpp): vllm, sglang, llamacpp, ...
    // The engine release whose accounting to follow, as users type it ("0.10.1", "b4343", "4.38.2",
    // a pasted "version: 8054 (01d8eaa28)" line); "" = the newest release the profile knows.
    std::string engine_version;

    std::string gpu = "h100-sxm";               // GPU catalog id; ignored when gpu_memory_gib > 0
    double gpu_memory_gib = 0.0;                // custom memory per GPU, as the runtime reports it
    int gpus = 1;                               // GPUs in total (all nodes)
    int nodes = 1;
    int tp = 1;
    int pp = 1;

    std::int64_t context = 8192;                // vLLM max_model_len, llama.cpp n_ctx, HF prompt+generated
    std::int64_t batch = 1;                     // concurrent sequences (transformers batch, vLLM target concurrency)
    std::int64_t input_tokens = 0;              // transformers: prompt length (0 = context - output)
    std::int64_t output_tokens = 0;             // transformers: generated tokens

    // engine knobs (0 / -1 = engine default)
    double gpu_mem_util = 0.0;                  // vLLM default 0.9; SGLang mem_fraction_static default by GPU size
    std::int64_t max_batched_tokens = 0;        // vLLM max_num_batched_tokens (default 8192 for V1 serving; 2048 for older)
    double cpu_offload_gib = 0.0;               // vLLM --cpu-offload-gb per GPU
    int gpu_layers = -1;                        // llama.cpp -ngl (-1 = all)
    std::int64_t ubatch = 512;                  // llama.cpp -ub
    std::int64_t n_batch = 2048;                // llama.cpp -b
    bool flash_attn = false;                    // llama.cpp -fa
    int parallel = 1;                           // llama.cpp -np
    bool enforce_eager = false;                 // vLLM: no CUDA graphs
    // vLLM --kv-cache-memory-bytes: a fixed KV cache budget per GPU in bytes instead of the
    // gpu_memory_utilization rule (0 = unset)
    std::int64_t kv_cache_memory_bytes = 0;
    bool max_model_len_auto = false;            // vLLM --max-model-len -1: the longest that fits (context ignored)
    double head_bits = 0.0;                     // EXL2/EXL3 output-layer bits (0 = the quantizer's default, 6)
    std::int64_t chunk_size = 0;                // ExLlama/TabbyAPI chunk_size: tokens per forward pass (0 = 2048)
    double autosplit_reserve_mib = 0.0;         // TabbyAPI autosplit_reserve on GPU 0, MiB (0 = its default 96)
    // (every knob above is also a row of core/knobs.cpp, which the JSON, link and CLI readers use)
};

bool is_custom(const Scenario& s);

}  // namespace vramcalc
