// What the user asks: one deployment of one model on some GPUs. The same object is the CLI's
// --scenario file, the page's state (getState/setState) and the share link's payload.
#pragma once
#include <cstdint>
#include <string>

#include "architecture.h"

namespace vramcalc {

// The most GPUs (and the largest TP, PP, replica or EP count) one scenario may name. Every estimate
// lists each GPU and the answers run dozens of estimates, so 65536 GPUs cost about a second of CPU
// (issue 12's cost ceiling); 4096 is the page's own limit and more than one model is served over.
inline constexpr int kMaxGpus = 4096;

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
    // A mixed device list, in device order ("rtx-3090,rtx-4060-ti-16gb"): catalog ids, one per GPU. When
    // set it is the layout's GPUs (gpus = its length) and `gpu` / gpu_memory_gib are not used.
    std::string gpu_list;
    int gpus = 1;                               // GPUs in total (all nodes)
    int nodes = 1;
    // Tensor / pipeline parallel; 0 = auto: the GPUs of a replica serve one model, pooled with the
    // engine's rule (core/parallel_layout.h). resolve() fills the numbers the engine will use.
    int tp = 0;
    int pp = 0;

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
    // llama.cpp -fa: llama.cpp's default is -fa auto, which turns flash attention on wherever the
    // backend runs it (CUDA, Metal, ROCm, Vulkan for the usual head sizes): true here, "-fa off" false.
    bool flash_attn = true;
    // llama-server -np: 0 = its default "auto" (4 slots sharing one unified KV cache of n_ctx cells,
    // tools/server/server.cpp, PR #16736); N = N slots of n_ctx / N cells each.
    int parallel = 0;
    // llama.cpp tensor placement (core/llamacpp_placement.h): expert tensors of the first N layers in
    // host RAM, all of them, -ot REGEX=BUFT entries (comma-separated, as llama.cpp reads -ot), the layer
    // split proportions ("" = by free memory), and --no-mmap (host weights loaded, not mapped).
    int n_cpu_moe = 0;                          // llama.cpp --n-cpu-moe
    bool cpu_moe = false;                       // llama.cpp --cpu-moe
    bool no_mmap = false;                       // llama.cpp --no-mmap
    // llama.cpp: a DeepSeek-style (MLA) GGUF converted before the MLA split, with the joint attn_kv_b
    // and no attention.key_length_mla: llama.cpp then caches full per-head K and V (set by the GGUF
    // reader from the file, or by the user for a file they have).
    bool unsplit_mla_gguf = false;
    std::string override_tensor;                // llama.cpp -ot, "\\.ffn_.*_exps\\.=CPU,..."
    std::string tensor_split;                   // llama.cpp --tensor-split, "3,1"
    // llama.cpp --split-mode: "" / "layer" (layers over the GPUs), "row" (each layer's matrices split
    // by rows, the rest on --main-gpu), "none" (everything on --main-gpu).
    std::string split_mode;
    int main_gpu = 0;                           // llama.cpp --main-gpu
    bool mlock = false;                         // llama.cpp --mlock: the mapped model is pinned in RAM
    bool enforce_eager = false;                 // vLLM: no CUDA graphs
    // vLLM --kv-cache-memory-bytes: a fixed KV cache budget per GPU in bytes instead of the
    // gpu_memory_utilization rule (0 = unset)
    std::int64_t kv_cache_memory_bytes = 0;
    bool max_model_len_auto = false;            // vLLM --max-model-len -1: the longest that fits (context ignored)
    double head_bits = 0.0;                     // EXL2/EXL3 output-layer bits (0 = the quantizer's default, 6)
    std::int64_t chunk_size = 0;                // ExLlama/TabbyAPI chunk_size: tokens per forward pass (0 = 2048)
    double autosplit_reserve_mib = 0.0;         // TabbyAPI autosplit_reserve on GPU 0, MiB (0 = its default 96)
    // A calibration: machine-specific figures read from the user's own start-up log (core/logs/), which
    // the estimate then uses instead of its model of them (0 = not calibrated).
    double cal_non_torch_gib = 0.0;             // vLLM: non-torch memory of the profile run (CUDA context, NCCL, cuBLAS)
    double cal_activation_gib = 0.0;            // vLLM: torch peak increase of the profile run
    double cal_compute_mib = 0.0;               // llama.cpp: the compute buffer per GPU
    int replicas = 1;                           // vLLM --data-parallel-size, SGLang --dp-size: copies of the model
    // Expert parallelism (core/expert_parallel.h): vLLM --enable-expert-parallel (EP = TP x DP), SGLang
    // --ep-size N (N divides TP; 0 with the flag = TP); SGLang --enable-dp-attention: the --dp-size
    // ranks split the TP group's attention instead of copying the model (GPUs = TP x PP).
    bool enable_expert_parallel = false;        // vLLM --enable-expert-parallel
    int ep = 0;                                 // expert-parallel size (0 = none, or the engine's rule with the flag)
    bool enable_dp_attention = false;           // SGLang --enable-dp-attention
    // Multi-token-prediction speculative decoding: draft tokens per step from the model's own MTP
    // layers (vLLM --speculative-config method "mtp", num_speculative_tokens; SGLang --speculative-algorithm
    // NEXTN --speculative-num-steps); 0 = off.
    int mtp_tokens = 0;
    // vLLM --limit-mm-per-prompt '{"image":0,"video":0}': a multimodal model served text-only (no
    // vision tower loaded, no encoder profiling).
    bool mm_text_only = false;
    // (every knob above is also a row of core/knobs.cpp, which the JSON, link and CLI readers use)
    bool operator==(const Scenario&) const = default;
};

bool is_custom(const Scenario& s);

}  // namespace vramcalc
