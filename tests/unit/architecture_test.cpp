#include <doctest/doctest.h>

#include <string>

#include "core/config_parser.h"
#include "core/tensors.h"

using namespace vramcalc;

namespace {

Architecture parse(const std::string& json) {
    ParsedConfig p = parse_hf_config(json);
    REQUIRE_MESSAGE(p.ok, p.error);
    return p.model.arch;
}

double layer_elements(const Architecture& a, std::int64_t layer, std::initializer_list<TensorRole> roles) {
    double n = 0;
    for (const TensorGroup& g : tensor_inventory(a))
        if (g.layer == layer)
            for (TensorRole r : roles)
                if (g.role == r) n += g.elements();
    return n;
}

}  // namespace

TEST_CASE("Llama 3 8B has 8,030,261,248 parameters") {
    Architecture a = parse(R"({"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
        "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "vocab_size": 128256,
        "max_position_embeddings": 8192, "tie_word_embeddings": false, "torch_dtype": "bfloat16"})");
    // embed_tokens 128,256 x 4,096                                   =   525,336,576
    // per layer: q 4096x4096 16,777,216 + k,v 1024x4096 4,194,304 each + o 16,777,216 = 41,943,040
    //            gate, up, down 3 x 14,336 x 4,096                  =   176,160,768
    //            input + post-attention RMSNorm 2 x 4,096           =         8,192
    //            = 218,112,000 x 32 layers                           = 6,979,584,000
    // final norm 4,096; lm_head 128,256 x 4,096 (untied)             =   525,340,672
    // total 525,336,576 + 6,979,584,000 + 525,340,672                = 8,030,261,248 (Keras preset count)
    ParamCount pc = count_params(a);
    CHECK(pc.total == 8030261248.0);
    CHECK(pc.active == pc.total);
    CHECK(pc.embedding == 525336576.0);
    CHECK(pc.lm_head == 525336576.0);
    CHECK(layer_elements(a, 0, {TensorRole::AttnQ, TensorRole::AttnK, TensorRole::AttnV, TensorRole::AttnO}) == 41943040.0);
}

TEST_CASE("Mixtral 8x7B counts 46.7B total and 12.9B active") {
    Architecture a = parse(R"({"model_type": "mixtral", "hidden_size": 4096, "intermediate_size": 14336,
        "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "num_local_experts": 8,
        "num_experts_per_tok": 2, "vocab_size": 32000, "tie_word_embeddings": false, "max_position_embeddings": 32768,
        "sliding_window": null, "torch_dtype": "bfloat16"})");
    // embeddings + lm_head 2 x 32,000 x 4,096                        =    262,144,000
    // per layer: attention 41,943,040; router 8 x 4,096 = 32,768; norms 8,192;
    //            experts 8 x 3 x 14,336 x 4,096 = 1,409,286,144 -> 1,451,270,144 x 32 = 46,440,644,608
    // final norm 4,096 -> total 46,702,792,704 (Keras preset count)
    ParamCount pc = count_params(a);
    CHECK(pc.total == 46702792704.0);
    // active: 2 of 8 experts, 352,321,536 per layer:
    // 262,148,096 + 32 x (41,943,040 + 352,321,536 + 32,768 + 8,192) = 12,879,925,248
    CHECK(pc.active == 12879925248.0);
}

TEST_CASE("DeepSeek-V3 counts 671B without its multi-token-prediction layer") {
    Architecture a = parse(R"({"model_type": "deepseek_v3", "hidden_size": 7168, "intermediate_size": 18432,
        "moe_intermediate_size": 2048, "num_hidden_layers": 61, "num_attention_heads": 128, "num_key_value_heads": 128,
        "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8, "first_k_dense_replace": 3,
        "moe_layer_freq": 1, "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_rope_head_dim": 64, "qk_nope_head_dim": 128,
        "v_head_dim": 128, "vocab_size": 129280, "tie_word_embeddings": false, "num_nextn_predict_layers": 1,
        "max_position_embeddings": 163840, "torch_dtype": "bfloat16"})");
    // MLA per layer: q_a 1536x7168 11,010,048 + q_a_norm 1,536 + q_b (128x192)x1536 37,748,736
    //   + kv_a (512+64)x7168 4,128,768 + kv_a_norm 512 + kv_b (128x256)x512 16,777,216
    //   + o 7168x(128x128) 117,440,512                                    = 187,107,328
    // (the five matrices alone: 187,107,328 - 1,536 - 512 = 187,105,280)
    CHECK(layer_elements(a, 0, {TensorRole::MlaQA, TensorRole::MlaQB, TensorRole::MlaKvA, TensorRole::MlaKvB,
                                TensorRole::AttnO}) == 187105280.0);
    // dense layer (3): 187,107,328 + MLP 3x18432x7168 396,361,728 + norms 14,336 = 583,483,392
    // MoE layer (58): 187,107,328 + router 256x7168 1,835,008 + e_score_correction_bias 256
    //   + routed 256x3x2048x7168 11,274,289,152 + shared 3x2048x7168 44,040,192 + norms 14,336 = 11,507,286,272
    // embed + lm_head 2 x 129,280 x 7,168 = 1,853,358,080; final norm 7,168
    // total 3 x 583,483,392 + 58 x 11,507,286,272 + 1,853,358,080 + 7,168 = 671,026,419,200
    // The 14B MTP module (num_nextn_predict_layers) is excluded: the card's 671B excludes it and
    // vLLM loads it only for speculative decoding.
    ParamCount pc = count_params(a);
    CHECK(pc.total == 671026419200.0);
    // active: 8 of 256 routed experts: 37,552,297,472 (the card says 37B)
    CHECK(pc.active == 37552297472.0);
    CHECK_FALSE(a.is_moe_layer(2));
    CHECK(a.is_moe_layer(3));
    CHECK(a.is_moe_layer(60));
}

TEST_CASE("Qwen1.5-MoE counts its shared expert and the shared expert gate") {
    Architecture a = parse(R"({"model_type": "qwen2_moe", "hidden_size": 2048, "num_hidden_layers": 24,
        "num_attention_heads": 16, "num_key_value_heads": 16, "intermediate_size": 5632, "vocab_size": 151936,
        "tie_word_embeddings": false, "max_position_embeddings": 8192, "num_experts": 60, "num_experts_per_tok": 4,
        "moe_intermediate_size": 1408, "shared_expert_intermediate_size": 5632, "torch_dtype": "bfloat16"})");
    // embed + lm_head 2 x 151,936 x 2,048 = 622,329,856
    // per layer: q,k,v,o 4 x 2048^2 16,777,216 + qkv bias 6,144 + router 60x2048 122,880
    //   + experts 60x3x1408x2048 519,045,120 + shared 3x5632x2048 34,603,008 + shared gate 2,048
    //   + norms 4,096 = 570,560,512 x 24 = 13,693,452,288; final norm 2,048
    // total 14,315,784,192 (HF safetensors count)
    CHECK(count_params(a).total == 14315784192.0);
}

TEST_CASE("Gemma 2 2B counts four norms per layer and one tied embedding") {
    Architecture a = parse(R"({"model_type": "gemma2", "hidden_size": 2304, "num_attention_heads": 8,
        "num_key_value_heads": 4, "head_dim": 256, "num_hidden_layers": 26, "intermediate_size": 9216,
        "vocab_size": 256000, "max_position_embeddings": 8192, "sliding_window": 4096, "tie_word_embeddings": true})");
    // embed 256,000 x 2,304 = 589,824,000 (tied: no lm_head)
    // per layer: q 2048x2304 4,718,592 + k,v 1024x2304 2,359,296 each + o 4,718,592 = 14,155,776
    //   + MLP 3x9216x2304 63,700,992 + 4 norms 9,216 = 77,865,984 x 26 = 2,024,515,584; final norm 2,304
    // total 2,614,341,888 (Keras preset count)
    ParamCount pc = count_params(a);
    CHECK(pc.total == 2614341888.0);
    CHECK(pc.lm_head == 0.0);
}

TEST_CASE("GPT-NeoX counts LayerNorm biases, a fused QKV and a plain biased MLP") {
    Architecture a = parse(R"({"model_type": "gpt_neox", "hidden_size": 2560, "num_hidden_layers": 32,
        "num_attention_heads": 32, "intermediate_size": 10240, "vocab_size": 50304, "max_position_embeddings": 2048,
        "tie_word_embeddings": false, "torch_dtype": "float16"})");
    // EleutherAI/pythia-2.8b: per layer qkv 3x2560^2 + 7,680 bias, dense 2560^2 + 2,560 bias,
    //   fc 10240x2560 + 10,240 bias, proj 2560x10240 + 2,560 bias, 2 LayerNorms x (w + b) 10,240 = 78,676,480
    // x 32 = 2,517,647,360; embed_in + embed_out 2 x 50,304 x 2,560 = 257,556,480; final LayerNorm 5,120
    // total 2,775,208,960 (Pythia README parameter table)
    CHECK(count_params(a).total == 2775208960.0);
    bool fused = false;
    for (const TensorGroup& g : tensor_inventory(a)) fused = fused || g.role == TensorRole::AttnQkv;
    CHECK(fused);
}

TEST_CASE("the inventory groups identical experts and stays small for a whole catalog") {
    Architecture a = parse(R"({"model_type": "deepseek_v3", "hidden_size": 7168, "intermediate_size": 18432,
        "moe_intermediate_size": 2048, "num_hidden_layers": 61, "num_attention_heads": 128, "num_key_value_heads": 128,
        "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8, "first_k_dense_replace": 3,
        "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_rope_head_dim": 64, "qk_nope_head_dim": 128,
        "v_head_dim": 128, "vocab_size": 129280, "tie_word_embeddings": false})");
    std::vector<TensorGroup> inv = tensor_inventory(a);
    CHECK(inv.size() < 61 * 20);
    for (const TensorGroup& g : inv) {
        if (g.role == TensorRole::ExpertGate) {
            CHECK(g.count == 256);
            CHECK(g.rows == 2048);
            CHECK(g.cols == 7168);
        }
        if (g.role == TensorRole::MlpGate && g.shared_expert) CHECK(g.rows == 2048);
    }
}

TEST_CASE("is_moe_layer follows each family's interleave rule") {
    Architecture a;
    a.num_layers = 8;
    a.num_experts = 4;
    a.experts_per_token = 1;
    CHECK(a.is_moe_layer(0));
    a.moe_layer_step = 2;  // Llama 4 Maverick / Qwen decoder_sparse_step: (layer + 1) % step == 0
    CHECK_FALSE(a.is_moe_layer(0));
    CHECK(a.is_moe_layer(1));
    a.moe_layer_step = 1;
    a.first_dense_layers = 2;  // DeepSeek first_k_dense_replace
    CHECK_FALSE(a.is_moe_layer(1));
    CHECK(a.is_moe_layer(2));
    a.mlp_only_layers = {5};
    CHECK_FALSE(a.is_moe_layer(5));
    CHECK_FALSE(a.is_moe_layer(8));  // out of range
    a.num_experts = 0;
    CHECK_FALSE(a.is_moe_layer(3));
}

TEST_CASE("extra (vision) parameters are one inventory group and stay out of the LM count") {
    Architecture a = parse(R"({"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
        "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "vocab_size": 128256,
        "tie_word_embeddings": false, "max_position_embeddings": 8192})");
    const double lm = count_params(a).total;
    a.extra_params = 400e6;
    CHECK(count_params(a).total == lm);  // callers add extra_params themselves
    double inventory = 0;
    int extra_groups = 0;
    for (const TensorGroup& g : tensor_inventory(a)) {
        inventory += g.elements();
        extra_groups += g.role == TensorRole::Extra ? 1 : 0;
    }
    CHECK(extra_groups == 1);
    CHECK(inventory == lm + 400e6);
}
