// Models given as files: GGUF headers of published files give llama.cpp's model buffer to the MiB, and
// a safetensors checkpoint gives vLLM's "Model loading took" within 0.5%. The files are written from
// the models' published shapes (config.json) with the tensor names and types the real files carry.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "core/estimate.h"
#include "core/file_weights.h"
#include "core/gguf_config.h"
#include "core/model_files.h"
#include "core/share_link.h"
#include "model_file_writer.h"

using namespace vramcalc;
using namespace vramcalc::test;

namespace {

ModelFile gguf_file(const std::string& name, const GgufWriter& w) {
    ModelFile f;
    f.name = name;
    f.size = w.file_size();
    f.kind = model_file_kind(name);
    const GgufParse p = parse_gguf_header(w.header(), f.size);
    REQUIRE(p.status == ParseStatus::Ok);
    f.gguf = p.header;
    return f;
}

ModelFile safetensors_file(const std::string& name, const std::vector<SafetensorsEntry>& tensors) {
    ModelFile f;
    f.name = name;
    f.kind = ModelFileKind::Safetensors;
    const ByteVec h = safetensors_header(tensors, f.size);
    const SafetensorsParse p = parse_safetensors_header(h, f.size);
    REQUIRE(p.status == ParseStatus::Ok);
    f.safetensors = p.header;
    return f;
}

ModelFile text_file(const std::string& name, const std::string& text) {
    ModelFile f;
    f.name = name;
    f.kind = model_file_kind(name);
    f.text = text;
    f.size = text.size();
    return f;
}

// EleutherAI/pythia-2.8b as ggml-ci converts it (convert_hf_to_gguf.py, GPT-NeoX tensor names of
// llama-arch.cpp): 32 layers, n_embd 2560, n_ff 10240, n_vocab 50304, fused QKV with biases,
// LayerNorm weight + bias, untied output. `qkv`, `down(layer)` etc. are the types of the quantized file.
struct PythiaTypes {
    std::uint32_t embd, qkv, out, up, output;
    std::uint32_t (*down)(int layer);
};

GgufWriter pythia(std::uint32_t file_type, const PythiaTypes& t) {
    GgufWriter w;
    w.str("general.architecture", "gptneox");
    w.str("general.name", "pythia-2.8b");
    w.u32("general.file_type", file_type);
    w.u32("gptneox.context_length", 2048);
    w.u32("gptneox.embedding_length", 2560);
    w.u32("gptneox.block_count", 32);
    w.u32("gptneox.feed_forward_length", 10240);
    w.u32("gptneox.rope.dimension_count", 20);
    w.u32("gptneox.attention.head_count", 32);
    w.boolean("gptneox.use_parallel_residual", true);
    w.tensor("token_embd.weight", t.embd, {2560, 50304});
    for (int l = 0; l < 32; ++l) {
        const std::string b = "blk." + std::to_string(l) + ".";
        w.tensor(b + "attn_norm.weight", kF32, {2560});
        w.tensor(b + "attn_norm.bias", kF32, {2560});
        w.tensor(b + "attn_qkv.weight", t.qkv, {2560, 7680});
        w.tensor(b + "attn_qkv.bias", kF32, {7680});
        w.tensor(b + "attn_output.weight", t.out, {2560, 2560});
        w.tensor(b + "attn_output.bias", kF32, {2560});
        w.tensor(b + "ffn_norm.weight", kF32, {2560});
        w.tensor(b + "ffn_norm.bias", kF32, {2560});
        w.tensor(b + "ffn_up.weight", t.up, {2560, 10240});
        w.tensor(b + "ffn_up.bias", kF32, {10240});
        w.tensor(b + "ffn_down.weight", t.down(l), {10240, 2560});
        w.tensor(b + "ffn_down.bias", kF32, {2560});
    }
    w.tensor("output_norm.weight", kF32, {2560});
    w.tensor("output_norm.bias", kF32, {2560});
    w.tensor("output.weight", t.output, {2560, 50304});
    return w;
}

// The ggml-ci run of these files: llama-perplexity -ngl 99 -c 2048 -b 512 on one V100.
Estimate run_ggmlci(const GgufWriter& w) {
    const ModelFromFiles m = model_from_files({gguf_file("pythia-2.8b-q.gguf", w)});
    REQUIRE(m.ok);
    Scenario s;
    apply_model_files(m, s);
    CHECK(s.engine == "llamacpp");
    s.kv_dtype = "fp16";
    s.gpu_memory_gib = 15.77;
    s.context = 2048;
    s.n_batch = 512;
    s.ubatch = 512;
    s.gpu_layers = 99;
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    REQUIRE(e.model_buffer);
    return e;
}

double mib(Bytes b) { return static_cast<double>(b) / 1048576.0; }

}  // namespace

TEST_CASE("GGUF files of pythia-2.8b give ggml-ci's llama.cpp model buffers to the MiB") {
    // ggml-org/ci pythia_2_8b-tg-*.log at llama.cpp 0006f5a (build 4343), V100:
    // "CUDA0 model buffer size", "CPU_Mapped model buffer size" (the token embedding stays on the host).
    SUBCASE("Q8_0: every matrix Q8_0") {
        const Estimate e = run_ggmlci(pythia(7, {kQ8_0, kQ8_0, kQ8_0, kQ8_0, kQ8_0, [](int) { return std::uint32_t{kQ8_0}; }}));
        CHECK(mib(e.model_buffer->bytes) == doctest::Approx(2684.57).epsilon(0.005 / 2684.57));
        CHECK(mib(e.cpu.bytes) == doctest::Approx(130.49).epsilon(0.005 / 130.49));
        CHECK(mib(e.kv_buffer->bytes) == doctest::Approx(640.0));  // 32 layers x 2048 x 2560 x 2 (K,V) x 2 B
    }
    SUBCASE("Q4_0: Q4_0 matrices, a Q6_K output") {
        const Estimate e = run_ggmlci(pythia(2, {kQ4_0, kQ4_0, kQ4_0, kQ4_0, kQ6_K, [](int) { return std::uint32_t{kQ4_0}; }}));
        CHECK(mib(e.model_buffer->bytes) == doctest::Approx(1454.83).epsilon(0.005 / 1454.83));
        CHECK(mib(e.cpu.bytes) == doctest::Approx(69.08).epsilon(0.005 / 69.08));
    }
    SUBCASE("Q4_K_M: Q5_K fused QKV, Q6_K ffn_down in the use_more_bits layers, Q6_K output") {
        // use_more_bits(i, 32): i < 4, i >= 28, or (i - 4) % 3 == 2 -> Q6_K; else Q4_K.
        const Estimate e = run_ggmlci(pythia(15, {kQ4_K, kQ5_K, kQ4_K, kQ4_K, kQ6_K, [](int i) {
                                                       return (i < 4 || i >= 28 || (i - 4) % 3 == 2) ? std::uint32_t{kQ6_K} : std::uint32_t{kQ4_K};
                                                   }}));
        CHECK(mib(e.model_buffer->bytes) == doctest::Approx(1632.95).epsilon(0.005 / 1632.95));
        CHECK(mib(e.cpu.bytes) == doctest::Approx(69.08).epsilon(0.005 / 69.08));
    }
}

TEST_CASE("A GGUF alone is a custom model: its metadata becomes a config the parser reads") {
    const GgufWriter w = pythia(7, {kQ8_0, kQ8_0, kQ8_0, kQ8_0, kQ8_0, [](int) { return std::uint32_t{kQ8_0}; }});
    const ModelFromFiles m = model_from_files({gguf_file("pythia.gguf", w)});
    REQUIRE(m.ok);
    CHECK(m.source == "gguf");
    CHECK(m.weights_format == "gguf-q8_0");  // general.file_type 7 = LLAMA_FTYPE_MOSTLY_Q8_0
    CHECK(m.name == "pythia-2.8b");
    CHECK(m.tensor_count == 32 * 12 + 4);
    Scenario s;
    apply_model_files(m, s);
    std::string err;
    const auto r = resolve(s, err);
    REQUIRE(r);
    CHECK(r->model.arch.model_type == "gpt_neox");
    CHECK(r->model.arch.num_layers == 32);
    CHECK(r->model.arch.hidden_size == 2560);
    CHECK(r->model.arch.num_kv_heads == 32);
    CHECK(r->model.arch.vocab_size == 50304);  // token_embd rows (no tokenizer in this header)
    CHECK_FALSE(r->model.arch.tied_embeddings);
    REQUIRE(r->files);
    // 2.78 B elements: 50304 x 2560 x 2 + 32 x (7680 + 2560 + 2 x 10240) x 2560 + vectors
    CHECK(estimate(s).params == doctest::Approx(2775208960.0));
}

TEST_CASE("A GGUF whose block count is out of range is refused with a message, quickly") {
    // Found by fuzz_gguf_header: 16,711,695 layers and a rope_freqs tensor made the loader add one
    // group per layer for 14 s. A config's num_hidden_layers is held to 1..10000; so is block_count.
    GgufWriter w;
    w.str("general.architecture", "llama");
    w.u32("llama.block_count", 16711695);
    w.u32("llama.embedding_length", 4096);
    w.u32("llama.attention.head_count", 32);
    w.tensor("rope_freqs.weight", kF32, {64});
    const ModelFromFiles m = model_from_files({gguf_file("forged.gguf", w)});
    CHECK_FALSE(m.ok);
    CHECK(m.error.find("llama.block_count is 16711695") != std::string::npos);
}

TEST_CASE("A split GGUF set waits for its parts, then sums every part's tensors") {
    auto part = [](int no, int first_layer, int last_layer) {
        GgufWriter w;
        w.u32("split.no", static_cast<std::uint32_t>(no));
        w.u32("split.count", 3);
        if (no == 0) {
            w.str("general.architecture", "llama");
            w.u32("general.file_type", 1);
            w.u32("llama.block_count", 4);
            w.u32("llama.embedding_length", 256);
            w.u32("llama.feed_forward_length", 512);
            w.u32("llama.attention.head_count", 4);
            w.u32("llama.attention.head_count_kv", 4);
            w.u32("llama.context_length", 2048);
            w.tensor("token_embd.weight", kF16, {256, 1000});
        }
        for (int l = first_layer; l <= last_layer; ++l) {
            const std::string b = "blk." + std::to_string(l) + ".";
            w.tensor(b + "attn_q.weight", kF16, {256, 256});
            w.tensor(b + "ffn_down.weight", kF16, {512, 256});
        }
        if (no == 2) w.tensor("output.weight", kF16, {256, 1000});
        return w;
    };
    const ModelFile a = gguf_file("m-00001-of-00003.gguf", part(0, 0, 1));
    const ModelFile b = gguf_file("m-00002-of-00003.gguf", part(1, 2, 2));
    const ModelFile c = gguf_file("m-00003-of-00003.gguf", part(2, 3, 3));
    ModelFromFiles m = model_from_files({a});
    CHECK_FALSE(m.ok);
    CHECK(m.error.empty());
    REQUIRE(m.missing.size() == 2);
    CHECK(m.missing[0] == "m-00002-of-00003.gguf");
    CHECK(m.missing[1] == "m-00003-of-00003.gguf");
    m = model_from_files({c, a});
    REQUIRE(m.missing.size() == 1);
    CHECK(m.missing[0] == "m-00002-of-00003.gguf");
    m = model_from_files({c, b, a});
    REQUIRE(m.ok);
    // 1000 x 256 x 2 B embedding and output + 4 layers x (256 x 256 + 256 x 512) x 2 B
    CHECK(m.weight_bytes == 2 * 512000 + 4 * (131072 + 262144));
    CHECK(m.name == "m");
    // The same part twice, or a part of another set, is refused.
    CHECK_FALSE(model_from_files({a, a}).error.empty());
}

TEST_CASE("An mmproj GGUF adds its vision projector to the first GPU") {
    GgufWriter model;
    model.str("general.architecture", "llama");
    model.u32("general.file_type", 1);
    model.u32("llama.block_count", 2);
    model.u32("llama.embedding_length", 256);
    model.u32("llama.attention.head_count", 4);
    model.tensor("token_embd.weight", kF16, {256, 1000});
    for (int l = 0; l < 2; ++l) model.tensor("blk." + std::to_string(l) + ".attn_q.weight", kF16, {256, 256});
    GgufWriter proj;
    proj.str("general.architecture", "clip");
    proj.tensor("v.patch_embd.weight", kF16, {1024, 1024});  // 2 MiB
    Scenario s;
    ModelFromFiles m = model_from_files({gguf_file("model.gguf", model)});
    REQUIRE(m.ok);
    apply_model_files(m, s);
    const Bytes without = estimate(s).gpus[0].weights.bytes;
    m = model_from_files({gguf_file("model.gguf", model), gguf_file("mmproj-model-f16.gguf", proj)});
    REQUIRE(m.ok);
    apply_model_files(m, s);
    const Estimate e = estimate(s);
    CHECK(e.gpus[0].weights.bytes == without + 2 * 1048576);
    // Tied output (no output.weight): token_embd again with the output layer, 1000 x 256 x 2 B.
    CHECK(e.model_buffer->bytes == 2 * 131072 + 512000);
    // An mmproj alone is not a model.
    m = model_from_files({gguf_file("mmproj-model-f16.gguf", proj)});
    CHECK_FALSE(m.ok);
    REQUIRE(m.missing.size() == 1);
}

namespace {

// meta-llama/Llama-3.1-8B-Instruct's checkpoint: tensor names of the HF Llama classes, shapes from
// its config.json (hidden 4096, 32 layers, 8 KV heads of 128, MLP 14336, vocab 128256), all BF16.
std::vector<SafetensorsEntry> llama31_8b_shard(int first_layer, int last_layer, bool embed, bool head) {
    std::vector<SafetensorsEntry> t;
    if (embed) t.push_back({"model.embed_tokens.weight", "BF16", {128256, 4096}});
    for (int l = first_layer; l <= last_layer; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        t.push_back({p + "input_layernorm.weight", "BF16", {4096}});
        t.push_back({p + "mlp.down_proj.weight", "BF16", {4096, 14336}});
        t.push_back({p + "mlp.gate_proj.weight", "BF16", {14336, 4096}});
        t.push_back({p + "mlp.up_proj.weight", "BF16", {14336, 4096}});
        t.push_back({p + "post_attention_layernorm.weight", "BF16", {4096}});
        t.push_back({p + "self_attn.k_proj.weight", "BF16", {1024, 4096}});
        t.push_back({p + "self_attn.o_proj.weight", "BF16", {4096, 4096}});
        t.push_back({p + "self_attn.q_proj.weight", "BF16", {4096, 4096}});
        t.push_back({p + "self_attn.v_proj.weight", "BF16", {1024, 4096}});
    }
    if (head) {
        t.push_back({"model.norm.weight", "BF16", {4096}});
        t.push_back({"lm_head.weight", "BF16", {128256, 4096}});
    }
    return t;
}

const char* kLlama31Config = R"({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096,
  "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128,
  "intermediate_size": 14336, "vocab_size": 128256, "max_position_embeddings": 131072, "rope_theta": 500000.0,
  "rope_scaling": {"factor": 8.0, "rope_type": "llama3"}, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
  "_name_or_path": "meta-llama/Llama-3.1-8B-Instruct"})";

}  // namespace

TEST_CASE("A safetensors checkpoint gives vLLM's Model loading took within 0.5%") {
    // llm-d-planner accuracy logs, vLLM 0.19.0 on H100 80GB, max_model_len 8192, utilization 0.95:
    // "Model loading took 14.99 GiB" (tp 1) and "7.51 GiB" (tp 2).
    const std::string index = R"({"metadata": {"total_size": 16060522496}, "weight_map": {
        "model.embed_tokens.weight": "model-00001-of-00002.safetensors", "lm_head.weight": "model-00002-of-00002.safetensors"}})";
    const ModelFile s1 = safetensors_file("model-00001-of-00002.safetensors", llama31_8b_shard(0, 15, true, false));
    const ModelFile s2 = safetensors_file("model-00002-of-00002.safetensors", llama31_8b_shard(16, 31, false, true));
    const ModelFile idx = text_file("model.safetensors.index.json", index);
    const ModelFile cfg = text_file("config.json", kLlama31Config);

    ModelFromFiles m = model_from_files({idx, s1});
    CHECK_FALSE(m.ok);
    REQUIRE(m.missing.size() == 2);  // the second shard and config.json
    m = model_from_files({idx, s1, s2, cfg});
    REQUIRE(m.ok);
    CHECK(m.weights_format == "bf16");
    // 16,060,522,496 bytes: the index's total_size, summed here from the shapes.
    CHECK(m.weight_bytes == 16060522496ull);

    struct Run {
        int tp;
        double truth_gib;
    };
    for (const Run run : {Run{1, 14.99}, Run{2, 7.51}}) {
        const int tp = run.tp;
        const double truth_gib = run.truth_gib;
        Scenario s;
        apply_model_files(m, s);
        CHECK(s.engine == "vllm");
        s.gpu = "h100-sxm";
        s.gpu_memory_gib = 79.19;
        s.context = 8192;
        s.gpu_mem_util = 0.95;
        s.tp = s.gpus = tp;
        const Estimate e = estimate(s);
        REQUIRE(e.ok);
        CAPTURE(tp);
        CHECK(std::fabs(to_gib(e.per_gpu.weights.bytes) / truth_gib - 1.0) < 0.005);
        CHECK(e.per_gpu.weights.how.find("safetensors headers") != std::string::npos);
    }
}

TEST_CASE("Weights read from files apply only while the scenario keeps the files' format") {
    const ModelFromFiles m = model_from_files({safetensors_file("model.safetensors", llama31_8b_shard(0, 31, true, true)),
                                               text_file("config.json", kLlama31Config)});
    REQUIRE(m.ok);
    Scenario s;
    apply_model_files(m, s);
    s.weights = "fp8";
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    bool warned = false;
    for (const auto& w : e.warnings) warned = warned || w.find("estimated by the format's rules") != std::string::npos;
    CHECK(warned);
    CHECK(e.per_gpu.weights.how.find("safetensors headers") == std::string::npos);
}

TEST_CASE("Tensor names map to roles and layers for both file kinds") {
    std::int64_t layer = 0;
    CHECK(gguf_tensor_role("blk.3.ffn_down_exps.weight", layer) == TensorRole::ExpertDown);
    CHECK(layer == 3);
    CHECK(gguf_tensor_role("blk.12.attn_qkv.bias", layer) == TensorRole::Bias);
    CHECK(gguf_tensor_role("token_embd.weight", layer) == TensorRole::TokenEmbedding);
    CHECK(layer == -1);
    CHECK(gguf_tensor_role("output.weight", layer) == TensorRole::LmHead);
    CHECK(hf_tensor_role("model.layers.7.mlp.experts.3.down_proj.qweight", 2, layer) == TensorRole::ExpertDown);
    CHECK(layer == 7);
    CHECK(hf_tensor_role("model.layers.7.mlp.shared_expert.gate_proj.weight", 2, layer) == TensorRole::MlpGate);
    CHECK(hf_tensor_role("model.layers.7.mlp.gate.weight", 2, layer) == TensorRole::Router);
    CHECK(hf_tensor_role("model.layers.0.self_attn.k_proj.weight_scale", 0, layer) == TensorRole::AttnK);
    CHECK(hf_tensor_role("transformer.h.2.attn.c_proj.weight", 2, layer) == TensorRole::AttnO);
    CHECK(hf_tensor_role("transformer.h.2.mlp.c_proj.weight", 2, layer) == TensorRole::MlpDown);
    CHECK(hf_tensor_role("vision_tower.encoder.layers.3.mlp.fc1.weight", 2, layer) == TensorRole::Extra);
    CHECK(hf_tensor_role("model.norm.weight", 1, layer) == TensorRole::FinalNorm);
    CHECK(hf_tensor_role("lm_head.weight", 2, layer) == TensorRole::LmHead);
}

TEST_CASE("The tensor summary survives its text form, a scenario's JSON and a share link") {
    const GgufWriter w = pythia(15, {kQ4_K, kQ5_K, kQ4_K, kQ4_K, kQ6_K, [](int i) {
                                         return (i < 4 || i >= 28 || (i - 4) % 3 == 2) ? std::uint32_t{kQ6_K} : std::uint32_t{kQ4_K};
                                     }});
    const ModelFromFiles m = model_from_files({gguf_file("pythia.gguf", w)});
    REQUIRE(m.ok);
    std::string err;
    const auto fw = decode_file_weights(m.tensors, err);
    REQUIRE(fw);
    CHECK(fw->total_bytes() == m.weight_bytes);
    CHECK(encode_file_weights(*fw) == m.tensors);
    CHECK(m.tensors.size() < 700);  // runs of equal layers keep it short
    Scenario s;
    apply_model_files(m, s);
    const DecodedLink link = decode_share_fragment(encode_share_fragment(s));
    CHECK(link.ignored.empty());
    CHECK(link.scenario.custom_tensors == s.custom_tensors);
    CHECK(estimate(link.scenario).model_buffer->bytes == estimate(s).model_buffer->bytes);

    for (const char* bad : {"", "fw2;s=gguf", "fw1;s=gguf;f=gguf-q8_0;zz=3", "fw1;s=gguf;f=gguf-q8_0;q@5-2=3",
                            "fw1;s=gguf;f=gguf-q8_0;q=99999999999999999999", "fw1;s=onnx;f=bf16", "fw1;s=gguf;f=gguf-q8_0;q@0-99999=1"}) {
        CAPTURE(bad);
        std::string why;
        if (std::string(bad) == "fw1;s=gguf;f=gguf-q8_0;q@0-99999=1") {
            CHECK(decode_file_weights(bad, why));  // 100,000 layers is within the bound
            continue;
        }
        CHECK_FALSE(decode_file_weights(bad, why));
        CHECK_FALSE(why.empty());
    }
    Scenario broken = s;
    broken.custom_tensors = "fw1;s=gguf";
    CHECK(estimate(broken).error.find("custom_tensors") != std::string::npos);
}

namespace {

// A two-layer deepseek2 GGUF: hidden 256, 4 heads, kv_lora_rank 64, rope 16, nope 32, V 32. `split`:
// converted since llama.cpp's MLA split (attn_k_b / attn_v_b and the *_length_mla keys); otherwise the
// whole attn_kv_b and key_length = nope + rope, as older conversions wrote.
GgufWriter deepseek2_gguf(bool split) {
    GgufWriter w;
    w.str("general.architecture", "deepseek2");
    w.str("general.name", split ? "mla-split" : "mla-unsplit");
    w.u32("general.file_type", 1);  // F16
    w.u32("deepseek2.block_count", 2);
    w.u32("deepseek2.context_length", 4096);
    w.u32("deepseek2.embedding_length", 256);
    w.u32("deepseek2.feed_forward_length", 512);
    w.u32("deepseek2.attention.head_count", 4);
    w.u32("deepseek2.attention.head_count_kv", split ? 1 : 4);
    w.u32("deepseek2.attention.kv_lora_rank", 64);
    w.u32("deepseek2.rope.dimension_count", 16);
    w.u32("deepseek2.attention.key_length", split ? 64 + 16 : 32 + 16);
    w.u32("deepseek2.attention.value_length", split ? 64 : 32);
    if (split) {
        w.u32("deepseek2.attention.key_length_mla", 32 + 16);
        w.u32("deepseek2.attention.value_length_mla", 32);
    }
    w.tensor("token_embd.weight", kF16, {256, 1000});
    for (int l = 0; l < 2; ++l) {
        const std::string b = "blk." + std::to_string(l) + ".";
        w.tensor(b + "attn_norm.weight", kF32, {256});
        w.tensor(b + "attn_q.weight", kF16, {256, 4 * 48});
        w.tensor(b + "attn_kv_a_mqa.weight", kF16, {256, 64 + 16});
        w.tensor(b + "attn_kv_a_norm.weight", kF32, {64});
        if (split) {
            w.tensor(b + "attn_k_b.weight", kF16, {32, 64, 4});
            w.tensor(b + "attn_v_b.weight", kF16, {64, 32, 4});
        } else {
            w.tensor(b + "attn_kv_b.weight", kF16, {64, 4 * (32 + 32)});
        }
        w.tensor(b + "attn_output.weight", kF16, {4 * 32, 256});
        w.tensor(b + "ffn_norm.weight", kF32, {256});
        w.tensor(b + "ffn_gate.weight", kF16, {256, 512});
        w.tensor(b + "ffn_up.weight", kF16, {256, 512});
        w.tensor(b + "ffn_down.weight", kF16, {512, 256});
    }
    w.tensor("output_norm.weight", kF32, {256});
    w.tensor("output.weight", kF16, {256, 1000});
    return w;
}

}  // namespace

TEST_CASE("An MLA GGUF from before llama.cpp's MLA split caches full K and V; a split one the latent") {
    // src/llama-hparams.cpp is_mla(): key_length_mla and value_length_mla both set. Without them
    // deepseek2 runs as MHA: per layer and cell K = 4 heads x 48 and V = 4 x 32 in f16.
    for (const bool split : {false, true}) {
        CAPTURE(split);
        const ModelFromFiles m = model_from_files({gguf_file(split ? "split.gguf" : "unsplit.gguf", deepseek2_gguf(split))});
        REQUIRE(m.ok);
        CHECK(m.unsplit_mla_gguf == !split);
        Scenario s;
        s.engine = "llamacpp";
        s.context = 4096;
        s.parallel = 1;
        apply_model_files(m, s);
        CHECK(s.unsplit_mla_gguf == !split);
        const Estimate e = estimate(s);
        REQUIRE(e.ok);
        // unsplit: 4096 cells x 2 layers x (4 x 48 + 4 x 32) x 2 B = 5,242,880 B;
        // split: 4096 x 2 x (kv_lora_rank 64 + rope 16) x 2 B = 1,310,720 B (K only, has_v = !is_mla)
        CHECK(e.per_gpu.kv_cache.bytes == (split ? 1'310'720u : 5'242'880u));
    }
}
