#include <doctest/doctest.h>

#include <string>

#include "core/estimate.h"

using namespace vramcalc;

namespace {

const char* kPythia28b = R"({"model_type": "gpt_neox", "architectures": ["GPTNeoXForCausalLM"], "hidden_size": 2560,
  "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 10240, "vocab_size": 50304,
  "max_position_embeddings": 2048, "hidden_act": "gelu", "tie_word_embeddings": false, "torch_dtype": "float16",
  "use_parallel_residual": true, "rotary_pct": 0.25})";

const char* kQwen25_14b = R"({"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "hidden_size": 5120,
  "num_hidden_layers": 48, "num_attention_heads": 40, "num_key_value_heads": 8, "intermediate_size": 13824,
  "vocab_size": 152064, "max_position_embeddings": 32768, "hidden_act": "silu", "tie_word_embeddings": false,
  "torch_dtype": "bfloat16", "use_sliding_window": false, "sliding_window": 131072, "max_window_layers": 48})";

std::string gpt_oss_20b() {
    std::string types;
    for (int i = 0; i < 24; ++i) types += std::string(i ? "," : "") + (i % 2 == 0 ? "\"sliding_attention\"" : "\"full_attention\"");
    return R"({"model_type": "gpt_oss", "architectures": ["GptOssForCausalLM"], "hidden_size": 2880,
      "num_hidden_layers": 24, "num_attention_heads": 64, "num_key_value_heads": 8, "head_dim": 64,
      "intermediate_size": 2880, "num_local_experts": 32, "num_experts_per_tok": 4, "vocab_size": 201088,
      "max_position_embeddings": 131072, "sliding_window": 128, "attention_bias": true, "tie_word_embeddings": false,
      "layer_types": [)" + types + R"(],
      "quantization_config": {"quant_method": "mxfp4", "modules_to_not_convert": ["model.layers.*.self_attn", "model.layers.*.mlp.router", "model.embed_tokens", "lm_head"]}})";
}

Scenario llamacpp(const std::string& config, const char* weights, std::int64_t context) {
    Scenario s;
    s.custom_config = config;
    s.engine = "llamacpp";
    s.weights = weights;
    s.kv_dtype = "fp16";
    s.gpu_memory_gib = 15.77;
    s.context = context;
    s.ubatch = 512;
    s.gpu_layers = 99;
    return s;
}

double mib(Bytes b) { return static_cast<double>(b) / kMiB; }

}  // namespace

TEST_CASE("pythia-2.8b buffers match the ggml-ci log of llama.cpp b4343") {
    Scenario s = llamacpp(kPythia28b, "gguf-f16", 2048);
    s.engine_version = "b4343";
    s.flash_attn = false;  // the ggml-ci run: no -fa (b4343's default was off)
    Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    REQUIRE(e.model_buffer);
    REQUIRE(e.kv_buffer);
    REQUIRE(e.compute_buffer);
    // KV: 32 layers x 2560 x 2 (K,V) x 2 B x 2048 cells = 671,088,640 B = 640.00 MiB (published 640.00)
    CHECK(e.kv_buffer->bytes == 671088640ULL);
    // model: 32 x (qkv 39,321,600 + out 13,107,200 + up 52,428,800 + down 52,428,800 + 133,120 F32)
    //   + output 257,556,480 + output_norm 20,480 = 5,295,001,600 B = 5049.70 MiB (published 5049.71)
    CHECK(e.model_buffer->bytes == 5295001600ULL);
    // the token embedding stays on the host: 50304 x 2560 x 2 B = 257,556,480 B (published 245.62 MiB)
    CHECK(e.cpu.bytes == 257556480ULL);
    // compute, no flash attention: KQ 2048 x 512 x 32 heads x 4 B = 134,217,728 + Q, K, V 3 x 2560 x 512 x 4
    //   = 15,728,640 + residual 2 x 5,242,880 + inputs (hidden 5,242,880 + f32 mask 2048 x 512 x 4 = 4,194,304)
    //   = 169,869,312 B = 162.00 MiB (published 162.00)
    CHECK(e.compute_buffer->bytes == 169869312ULL);
}

TEST_CASE("pythia-2.8b Q4_K_M model buffer is the published 1632.95 MiB") {
    Estimate e = estimate(llamacpp(kPythia28b, "gguf-q4_k_m", 2048));
    REQUIRE_MESSAGE(e.ok, e.error);
    // 1,712,273,920 B on the GPU (see formats_test) = 1632.95 MiB; token_embd Q4_K 72,437,760 B = 69.08 MiB
    CHECK(e.model_buffer->bytes == 1712273920ULL);
    CHECK(e.cpu.bytes == 72437760ULL);
}

TEST_CASE("layers split evenly across two GPUs and the output layer goes to the last") {
    Scenario s = llamacpp(kQwen25_14b, "gguf-q4_k_m", 16384);
    s.gpus = 2;
    s.kv_dtype = "q8_0";
    s.flash_attn = true;
    s.gpu_layers = -1;
    s.gpu_memory_gib = 11.63;
    Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    REQUIRE(e.gpus.size() == 2);
    // 49 units (48 layers + output) at split points 0.5, 1.0: layer il goes to GPU 0 while il / 49 < 0.5,
    // so layers 0-24 (25) on CUDA0 and 25-47 (23) + output on CUDA1.
    // KV q8_0: 25 layers x 16384 cells x 2 x (1024 / 32 x 34 B) = 891,289,600 B = 850 MiB (published 850)
    CHECK(e.kv_buffer->bytes == 891289600ULL);
    CHECK(e.gpus[1].kv_cache.bytes == 819986432ULL);  // 23 layers: 782 MiB (published 782)
    CHECK(mib(e.model_buffer->bytes) == doctest::Approx(3917.0).epsilon(0.001));   // published 3917 (whole MiB)
    CHECK(mib(e.gpus[1].weights.bytes) == doctest::Approx(4231.0).epsilon(0.001)); // published 4231
}

TEST_CASE("gpt-oss keeps a small SWA cache beside the full one") {
    Scenario s = llamacpp(gpt_oss_20b(), "gguf-f16", 16384);
    s.flash_attn = true;
    s.gpu_layers = 25;
    s.parallel = 1;  // one slot, as in the published run (-np auto would keep 128 x 4 + 512 SWA cells)
    Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // 12 full layers x 16384 cells x (512 + 512) x 2 B = 402,653,184 B (384 MiB) and 12 SWA layers x
    // GGML_PAD(min(16384, 128 + 512), 256) = 768 cells x 2048 B = 18,874,368 B (18 MiB): 402 MiB published
    CHECK(e.kv_buffer->bytes == 402653184ULL + 18874368ULL);
    // unsloth's F16 file: MXFP4 experts, F16 rest; the CUDA0 model buffer printed 12036.68 MiB
    CHECK(mib(e.model_buffer->bytes) == doctest::Approx(12036.68).epsilon(0.0005));
    // token_embd F16 on the host: 201088 x 2880 x 2 B = 1,158,266,880 B (1104.61 MiB)
    CHECK(e.cpu.bytes == 1158266880ULL);
}

TEST_CASE("parallel sequences split the context into padded per-sequence streams") {
    Scenario s = llamacpp(gpt_oss_20b(), "gguf-mxfp4", 2048);
    s.flash_attn = true;
    s.parallel = 8;
    s.ubatch = 256;
    s.n_batch = 256;
    Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // n_ctx_seq = GGML_PAD(2048 / 8, 256) = 256 cells x 8 streams; SWA = GGML_PAD(min(256, 128 + 256), 256)
    // = 256 x 8: 24 layers x 2048 cells x 1024 values x 2 B = 100,663,296 B = 96 MiB (published 96.00)
    CHECK(e.kv_buffer->bytes == 100663296ULL);
}

TEST_CASE("layers beyond -ngl stay on the host with their KV cache") {
    Scenario s = llamacpp(kPythia28b, "gguf-f16", 2048);
    s.gpu_layers = 16;
    Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // i_gpu_start = 32 - 16 = 16: layers 16-31 on the GPU, output layer on the CPU (ngl <= n_layer)
    // KV on the GPU: 16 x 2560 x 2 x 2 B x 2048 = 335,544,320 B
    CHECK(e.kv_buffer->bytes == 335544320ULL);
    // GPU model: 16 x 157,419,520 B = 2,518,712,320 B
    CHECK(e.model_buffer->bytes == 2518712320ULL);
    // host: token_embd 257,556,480 + 16 layers 2,518,712,320 + output 257,556,480 + norm 20,480
    //   + their KV 335,544,320 = 3,369,390,080 B
    CHECK(e.cpu.bytes == 3369390080ULL);
    CHECK(e.fits);
}

TEST_CASE("llama.cpp refuses KV types it has no kernel for") {
    Scenario s = llamacpp(kPythia28b, "gguf-q4_k_m", 2048);
    s.kv_dtype = "fp8";
    Estimate e = estimate(s);
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("kv_dtype") != std::string::npos);
}

TEST_CASE("a quantized cache with flash attention adds F16 copies of K and V to the compute buffer") {
    Scenario s = llamacpp(kQwen25_14b, "gguf-q4_k_m", 32768);
    s.kv_dtype = "q8_0";
    s.flash_attn = true;
    s.gpu_memory_gib = 11.63;
    Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // attention phase, ubatch 512: Q 40 x 128 x 512 x 4 = 10,485,760; current K, V 2 x 8 x 128 x 512 x 4 =
    // 4,194,304; two residuals 2 x 5120 x 512 x 4 = 20,971,520; FA output 10,485,760; K and V as F16
    // 32768 x 8 x (128 + 128) x 2 = 134,217,728 -> 180,355,072 B; inputs: hidden 10,485,760 + f16 mask
    // 32768 x 512 x 2 = 33,554,432 -> 44,040,192 B; total 224,395,264 B = 214.0 MiB
    CHECK(e.compute_buffer->bytes == 224395264ULL);
    // llama.cpp b10644 printed 200 MiB for this run (mcgyvr-lab lctx.tsv x14-g0-32768)
    CHECK(mib(e.compute_buffer->bytes) == doctest::Approx(200.0).epsilon(0.10));
    // KV: 48 x 32768 x 2176 B = 3,422,552,064 B = 3264 MiB (published 3264)
    CHECK(e.kv_buffer->bytes == 3422552064ULL);
}

TEST_CASE("llama-server reserves one output row per sequence, not logits for the whole ubatch") {
    Scenario s = llamacpp(gpt_oss_20b(), "gguf-f16", 4096);
    s.flash_attn = true;
    s.gpu_layers = -1;
    s.parallel = 1;  // one slot: the SWA mask below is pad(128 + 512, 256) = 768 cells
    Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // logits for the whole ubatch would be 201088 x 512 x 4 B = 392.75 MiB (builds up to b8193 printed
    // 398.38 MiB); b10644 keeps the MoE phase as the peak: 3 x 2880 x 4 x 512 x 4 + 2880 x 4 x 512 x 4
    // + 2 x 2880 x 512 x 4 = 106,168,320 B, plus hidden 5,898,240 + masks (4096 + 768) x 512 x 2 = 4,980,736
    CHECK(e.compute_buffer->bytes == 106168320ULL + 5898240ULL + 4980736ULL);
}

TEST_CASE("builds before b9464 reserve logits for the whole ubatch") {
    Scenario s = llamacpp(gpt_oss_20b(), "gguf-f16", 16384);
    s.flash_attn = true;
    s.gpu_layers = 25;
    s.engine_version = "b7772";
    Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // the output phase holds the last hidden state and the logits of all 512 ubatch tokens:
    // (201,088 + 2,880) x 512 x 4 B = 417,726,464 B = 398.375 MiB; b7772 printed 398.38 MiB (ghghang2 T4 log)
    CHECK(e.compute_buffer->bytes == 417726464ULL);
    // -ub 1024 on b8193: (201,088 + 2,880) x 1024 x 4 B = 835,452,928 B = 796.75 MiB (printed 796.75)
    s.engine_version = "b8193";
    s.ubatch = 1024;
    s.n_batch = 1024;
    e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    CHECK(e.compute_buffer->bytes == 835452928ULL);
}

TEST_CASE("builds before b9464 keep an f32 KQ mask beside its f16 cast for flash attention") {
    Scenario s = llamacpp(kPythia28b, "gguf-f16", 65536);
    s.flash_attn = true;
    // FFN phase (the peak): 2 residuals 2 x 2560 x 512 x 4 + up and activation 2 x 10240 x 512 x 4
    //   = 52,428,800 B; inputs: hidden 2560 x 512 x 4 = 5,242,880 + mask 65536 x 512 x (4 + 2) = 201,326,592
    s.engine_version = "b4343";
    Estimate old = estimate(s);
    REQUIRE_MESSAGE(old.ok, old.error);
    CHECK(old.compute_buffer->bytes == 52428800ULL + 5242880ULL + 201326592ULL);
    // b10644 (PR #23764): the mask is allocated f16 only, 65536 x 512 x 2 = 67,108,864 B
    s.engine_version = "";
    Estimate now = estimate(s);
    REQUIRE_MESSAGE(now.ok, now.error);
    CHECK(now.compute_buffer->bytes == 52428800ULL + 5242880ULL + 67108864ULL);
}

TEST_CASE("tied embeddings are loaded twice: on the host and as output.weight on the GPU") {
    const char* llama32_1b = R"({"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 2048,
      "num_hidden_layers": 16, "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 64,
      "intermediate_size": 8192, "vocab_size": 128256, "max_position_embeddings": 131072, "hidden_act": "silu",
      "tie_word_embeddings": true, "torch_dtype": "bfloat16"})";
    Estimate e = estimate(llamacpp(llama32_1b, "gguf-q4_k_m", 4096));
    REQUIRE_MESSAGE(e.ok, e.error);
    // token_embd Q6_K (tied, so quantized as output): 128256 x 2048 / 256 x 210 = 215,470,080 B (205.49 MiB)
    CHECK(e.cpu.bytes == 215470080ULL);
    // layers: 8 x 34,226,176 (Q4_K) + 8 use_more_bits layers x 38,821,888 (attn_v, ffn_down Q6_K)
    //   + output_norm 8,192 + token_embd again 215,470,080 = 799,862,784 B = 762.81 MiB; a llama.cpp log of
    //   Llama-3.2-1B-Instruct Q4_K_M prints "CPU_Mapped 205.49 MiB, CUDA0 model buffer 762.81 MiB"
    CHECK(e.model_buffer->bytes == 799862784ULL);
}

TEST_CASE("llama.cpp estimates i-quant and ternary files, with their token_embd type on the host") {
    for (const char* w : {"gguf-iq1_s", "gguf-iq1_m", "gguf-iq2_xxs", "gguf-iq2_xs", "gguf-iq2_s", "gguf-iq2_m", "gguf-iq3_xs",
                          "gguf-iq3_s", "gguf-iq3_m", "gguf-iq4_nl", "gguf-tq2_0", "gguf-q2_k_s"}) {
        Estimate e = estimate(llamacpp(kQwen25_14b, w, 4096));
        CHECK_MESSAGE(e.ok, w, ": ", e.error);
    }
    // llama-quant.cpp llama_tensor_get_type_impl: token_embd Q2_K for IQ2_XXS, IQ3_S for IQ2_M.
    // 152064 x 5120 / 256 = 3,041,280 blocks: x 84 B = 255,467,520 B; x 110 B = 334,540,800 B
    Estimate xxs = estimate(llamacpp(kQwen25_14b, "gguf-iq2_xxs", 4096));
    Estimate m = estimate(llamacpp(kQwen25_14b, "gguf-iq2_m", 4096));
    REQUIRE(xxs.ok);
    REQUIRE(m.ok);
    CHECK(xxs.cpu.bytes == 255467520ULL);
    CHECK(m.cpu.bytes == 334540800ULL);
    // IQ1_S < IQ2_XXS < IQ2_M < IQ3_XS < IQ3_M < IQ4_NL on the GPU, as their block bytes order them
    std::uint64_t last = 0;
    for (const char* w : {"gguf-iq1_s", "gguf-iq2_xxs", "gguf-iq2_m", "gguf-iq3_xs", "gguf-iq3_m", "gguf-iq4_nl"}) {
        Estimate e = estimate(llamacpp(kQwen25_14b, w, 4096));
        REQUIRE(e.model_buffer);
        CHECK_MESSAGE(e.model_buffer->bytes > last, w);
        last = e.model_buffer->bytes;
    }
}
