// Core sizes and family flags. Field names and defaults follow transformers' configuration_<family>.py
// classes (the defaults apply when a key is missing, as from_pretrained does).
#include <algorithm>

#include "readers.h"

namespace vramcalc::config {

namespace {

// Families whose published config.json leaves core fields to the class defaults
// (transformers configuration_gemma3.py Gemma3TextConfig: the gemma-3-4b text_config names only
// hidden_size, intermediate_size, num_hidden_layers and sliding_window).
struct FamilyDefaults {
    std::int64_t vocab = 0, heads = 0, kv_heads = 0, head_dim = 0, hidden = 0, intermediate = 0, layers = 0;
};

FamilyDefaults family_defaults(const std::string& mt) {
    FamilyDefaults d;
    if (mt == "gemma3_text") {
        d = {262208, 8, 4, 256, 2304, 9216, 26};
    } else if (one_of(mt, {"qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "qwen2_vl", "qwen2_5_vl"})) {
        d.vocab = 151936;  // Qwen2Config / Qwen2MoeConfig / Qwen3Config default vocab_size
    } else if (mt == "llama") {
        d.vocab = 32000;  // LlamaConfig defaults
        d.intermediate = 11008;
    } else if (mt == "mistral" || mt == "mixtral") {
        d.vocab = 32000;  // MistralConfig / MixtralConfig defaults
        d.intermediate = 14336;
    } else if (mt == "llama4_text") {
        d.vocab = 202048;  // Llama4TextConfig default vocab_size
    } else if (mt == "gemma" || mt == "gemma2") {
        d.vocab = 256000;
    }
    return d;
}

// tie_word_embeddings when the config omits it: each transformers config class's own default.
// PretrainedConfig defaults to True; Llama-like classes pass False explicitly.
std::optional<bool> default_tie(const std::string& mt) {
    if (one_of(mt, {"gemma", "gemma2", "gemma3", "gemma3_text", "gemma3n_text", "gemma4_text", "gpt2", "gpt_bigcode",
                    "starcoder2", "falcon", "RefinedWeb", "RefinedWebModel", "cohere", "cohere2", "mamba", "mamba2", "opt",
                    "bloom", "gpt_neo", "stablelm", "olmo", "lfm2", "granitemoehybrid", "exaone4", "smollm3"}))
        return true;
    if (one_of(mt, {"llama", "llama4", "llama4_text", "mistral", "mixtral", "qwen", "qwen2", "qwen2_moe", "qwen3",
                    "qwen3_moe", "qwen2_vl", "qwen2_5_vl", "qwen3_vl", "qwen3_vl_text", "qwen3_vl_moe",
                    "qwen3_vl_moe_text", "phi", "phi3", "phimoe", "gpt_neox", "gptj", "deepseek_v2", "deepseek_v3",
                    "deepseek_v32", "kimi_k2", "olmo2", "olmo3", "olmoe", "gpt_oss", "internlm2", "chatglm", "glm", "glm4",
                    "glm4_moe", "glm_moe_dsa", "jamba", "granite", "granitemoe", "glm4v_text", "glm4v_moe_text", "exaone",
                    "minimax", "minimax_m2", "hunyuan_v1_dense", "ernie4_5", "ernie4_5_moe", "dbrx", "nemotron",
                    "nemotron_h", "baichuan", "yi", "minicpm", "seed_oss", "qwen3_next", "qwen3_5_text",
                    "qwen3_5_moe_text", "falcon_h1"}))
        return false;
    return std::nullopt;
}

std::string dtype_name(std::string s) {
    s = lower(s);
    if (s.rfind("torch.", 0) == 0) s = s.substr(6);
    if (s == "half") s = "float16";
    if (s == "float") s = "float32";
    return s;
}

bool need(Reader& r, std::optional<std::int64_t>& v, const char* name, std::int64_t def, const std::string& mt) {
    if (v) return true;
    if (!r.ok()) return false;
    if (def > 0) {
        v = def;
        r.warn(std::string(name) + " missing: " + mt + " default " + std::to_string(def) + " assumed");
        return true;
    }
    r.fail(std::string(name) + " missing");
    return false;
}

// KV heads: missing = MHA; Falcon multi_query = MQA; new_decoder_architecture reads num_kv_heads;
// ChatGLM multi_query_group_num when multi_query_attention; GPT-BigCode multi_query.
bool read_kv_heads(Reader& r, Architecture& a, const Family& f, const FamilyDefaults& defs) {
    const std::string& mt = f.model_type;
    std::optional<std::int64_t> kv = r.integer({"num_key_value_heads", "n_head_kv", "num_kv_heads", "n_kv_heads"});
    if (f.falcon) {
        // Old "RefinedWeb" configs (falcon-40b before the port) are the new decoder architecture.
        bool new_arch = r.boolean({"new_decoder_architecture"}).value_or(mt == "RefinedWeb");
        bool mq = r.boolean({"multi_query"}).value_or(true);  // FalconConfig multi_query default True
        if (new_arch) {
            if (!kv) kv = r.integer({"num_kv_heads"});
        } else if (mq) {
            kv = 1;
        } else if (!kv) {
            kv = a.num_heads;
        }
    } else if (f.chatglm) {
        if (r.boolean({"multi_query_attention"}).value_or(false)) kv = r.integer({"multi_query_group_num"});
    } else if (!kv && r.boolean({"multi_query"}).value_or(false)) {
        kv = 1;  // gpt_bigcode (StarCoder 1, SantaCoder)
    }
    if (!r.ok()) return false;
    const bool mla_config = r.soft_integer({"kv_lora_rank"}).value_or(0) > 0;
    if (!kv && mla_config) {
        kv = a.num_heads;  // MLA: K/V per query head after the up-projection (set again by read_mla)
    } else if (!kv) {
        if (defs.kv_heads > 0) {
            kv = defs.kv_heads;
            r.warn("num_key_value_heads missing: " + mt + " default " + std::to_string(*kv) + " assumed");
        } else {
            kv = a.num_heads;
            r.warn("num_key_value_heads missing: multi-head attention assumed (" + std::to_string(*kv) + " KV heads)");
        }
    }
    if (!check_range(r, "num_key_value_heads", *kv)) return false;
    if (*kv > a.num_heads) {
        r.fail("num_key_value_heads " + std::to_string(*kv) + " exceeds num_attention_heads " + std::to_string(a.num_heads));
        return false;
    }
    if (a.num_heads % *kv != 0) {
        r.fail("num_attention_heads " + std::to_string(a.num_heads) + " is not a multiple of num_key_value_heads " +
               std::to_string(*kv));
        return false;
    }
    a.num_kv_heads = *kv;
    return true;
}

// head_dim: explicit wins (Qwen3, Gemma, GLM differ from hidden/heads); Qwen v1 / ChatGLM kv_channels.
// MLA configs get theirs from read_mla.
bool read_head_dim(Reader& r, Architecture& a, const FamilyDefaults& defs, const std::string& mt) {
    std::optional<std::int64_t> hd = r.integer({"head_dim", "kv_channels", "attention_head_dim", "head_size"});
    if (!r.ok()) return false;
    if (hd) {
        a.head_dim = *hd;
    } else if (defs.head_dim > 0) {
        // Gemma3TextConfig: head_dim defaults to 256 whatever hidden/heads is.
        a.head_dim = defs.head_dim;
        r.warn("head_dim missing: " + mt + " default " + std::to_string(defs.head_dim) + " assumed");
    } else if (r.soft_integer({"kv_lora_rank"}).value_or(0) > 0) {
        a.head_dim = 0;  // read_mla sets it
    } else {
        if (a.hidden_size % a.num_heads != 0) {
            r.fail("hidden_size " + std::to_string(a.hidden_size) + " is not divisible by num_attention_heads " +
                   std::to_string(a.num_heads) + " and no head_dim is given");
            return false;
        }
        a.head_dim = a.hidden_size / a.num_heads;
    }
    return true;
}

// MLP width: intermediate_size, n_inner (GPT-2/BigCode), ffn_hidden_size (ChatGLM, Falcon), ffn_dim (OPT);
// missing = 4 x hidden (GPT-NeoX/GPT-2 convention). A list (Gemma 3n: one width per layer) is kept per layer.
bool read_mlp_width(Reader& r, Architecture& a, const FamilyDefaults& defs, const Family& f) {
    const std::string& mt = f.model_type;
    if (const json* list = r.find({"intermediate_size"}); list && list->is_array()) {
        if (static_cast<std::int64_t>(list->size()) != a.num_layers) {
            r.fail("intermediate_size lists " + std::to_string(list->size()) + " widths for " +
                   std::to_string(a.num_layers) + " layers");
            return false;
        }
        for (const json& v : *list) {
            if (!v.is_number_integer() || !check_range(r, "intermediate_size", v.get<std::int64_t>())) {
                r.fail("intermediate_size entries must be integers between 0 and 10000000");
                return false;
            }
            a.layer_intermediate_sizes.push_back(v.get<std::int64_t>());
        }
        a.intermediate_size = *std::max_element(a.layer_intermediate_sizes.begin(), a.layer_intermediate_sizes.end());
        return true;
    }
    std::optional<std::int64_t> inter = r.integer({"intermediate_size", "n_inner", "ffn_hidden_size", "ffn_dim", "d_ff",
                                                   "ff_intermediate_size", "block_ff_dim"});
    if (!r.ok()) return false;
    if (mt == "llama4_text") {
        // Llama4TextConfig: intermediate_size is the expert (and shared expert) width,
        // intermediate_size_mlp the width of the dense layers.
        auto mlp = r.integer({"intermediate_size_mlp"});
        a.moe_intermediate_size = inter.value_or(8192);
        inter = mlp ? mlp : std::optional<std::int64_t>(16384);
    } else if (mt == "minimax_m3") {
        if (auto dense = r.integer({"dense_intermediate_size"})) inter = dense;  // first_k_dense_replace layers
    }
    if (!inter) {
        if (defs.intermediate > 0) {
            inter = defs.intermediate;
            r.warn("intermediate_size missing: " + mt + " default " + std::to_string(*inter) + " assumed");
        } else {
            inter = 4 * a.hidden_size;
            r.warn("intermediate_size missing: 4 x hidden_size = " + std::to_string(*inter) + " assumed");
        }
    }
    if (f.qwen1) *inter /= 2;  // QWenMLP: w1/w2 are intermediate_size // 2 wide (modeling_qwen.py)
    if (!check_range(r, "intermediate_size", *inter)) return false;
    a.intermediate_size = *inter;
    return r.ok();
}

}  // namespace

Family read_family(Reader& r, Architecture& a, const std::string& model_type) {
    Family f;
    f.model_type = model_type;
    a.model_type = model_type;
    // The top level's architectures[0] first: the class loaders pick by it (a text_config may name its own
    // text model, as Kimi K2.5's DeepseekV3ForCausalLM inside KimiK25ForConditionalGeneration).
    const json* arches = r.top.is_object() && r.top.contains("architectures") ? &r.top["architectures"] : r.find({"architectures"});
    if (arches && arches->is_array() && !arches->empty() && (*arches)[0].is_string())
        a.architecture = (*arches)[0].get<std::string>();
    f.falcon = one_of(model_type, {"falcon", "RefinedWeb", "RefinedWebModel"});
    f.qwen1 = model_type == "qwen";
    f.chatglm = model_type == "chatglm";
    f.deepseek = model_type.rfind("deepseek", 0) == 0 || one_of(model_type, {"kimi_k2", "glm_moe_dsa"});
    return f;
}

bool read_core_sizes(Reader& r, Architecture& a, const Family& f) {
    const std::string& mt = f.model_type;
    const FamilyDefaults defs = family_defaults(mt);
    auto hidden = r.integer({"hidden_size", "n_embd", "d_model", "dim", "model_dim"});
    auto layers = r.integer({"num_hidden_layers", "n_layer", "n_layers", "num_layers"});
    if (const json* blocks = r.find({"layers_block_type"}, false); !layers && mt == "nemotron_h" && blocks && blocks->is_array())
        layers = static_cast<std::int64_t>(blocks->size());  // NemotronHConfig.num_hidden_layers = len(layers_block_type)
    auto heads = r.integer({"num_attention_heads", "n_head", "n_heads", "num_heads"});
    auto vocab = r.integer({"vocab_size", "padded_vocab_size", "n_vocab"});
    if (!r.ok()) return false;
    if (!need(r, hidden, "hidden_size", defs.hidden, mt) || !need(r, layers, "num_hidden_layers", defs.layers, mt) ||
        !need(r, heads, "num_attention_heads", defs.heads, mt) || !need(r, vocab, "vocab_size", defs.vocab, mt))
        return false;
    a.hidden_size = *hidden;
    a.num_layers = *layers;
    a.num_heads = *heads;
    a.vocab_size = *vocab;
    if (!read_kv_heads(r, a, f, defs) || !read_head_dim(r, a, defs, mt) || !read_mlp_width(r, a, defs, f)) return false;

    std::string dt = r.str({"torch_dtype", "dtype"});
    if (dt.empty()) {
        r.warn("torch_dtype missing: bfloat16 assumed");
        dt = "bfloat16";
    }
    a.torch_dtype = dtype_name(dt);
    return true;
}

bool read_family_flags(Reader& r, Architecture& a, const Family& f) {
    const std::string& mt = f.model_type;
    const bool plain_mlp = one_of(mt, {"gpt_neox", "gpt2", "gpt_bigcode", "gptj", "gpt_neo", "phi", "falcon",
                                       "RefinedWeb", "RefinedWebModel", "starcoder2", "opt", "bloom", "mpt",
                                       "codegen", "nemotron", "persimmon", "nemotron_h"});
    a.mlp = plain_mlp ? MlpKind::Plain : MlpKind::Gated;
    const bool layer_norm = one_of(mt, {"gpt_neox", "gpt2", "gpt_bigcode", "gptj", "gpt_neo", "phi", "falcon", "phi3small",
                                        "RefinedWeb", "RefinedWebModel", "starcoder2", "opt", "bloom", "stablelm",
                                        "codegen", "persimmon", "nemotron"});
    a.norm = layer_norm ? NormKind::LayerNorm : NormKind::RmsNorm;
    a.fused_qkv = one_of(mt, {"gpt_neox", "phi", "phi3", "phi3small", "falcon", "RefinedWeb", "RefinedWebModel", "gpt_bigcode",
                              "gpt2", "bloom", "mpt", "qwen", "chatglm", "internlm2", "codegen", "persimmon"});
    a.learned_positions = one_of(mt, {"gpt2", "gpt_bigcode", "opt", "gpt_neo"});
    a.no_rope = r.str({"position_embedding_type"}) == "nope";

    // Biases. attention_bias (Llama/Mistral/GLM/gpt-oss) covers q,k,v (+o for Llama-style attention).
    if (one_of(mt, {"qwen2", "qwen2_moe", "qwen2_vl", "qwen2_5_vl", "qwen", "chatglm"})) {
        a.qkv_bias = true;
        if (f.chatglm) a.qkv_bias = r.boolean({"add_qkv_bias"}).value_or(true);
    } else if (one_of(mt, {"phi", "phi3small", "gpt_neox", "gpt2", "gpt_bigcode", "opt", "bloom", "codegen", "persimmon"})) {
        a.qkv_bias = a.o_bias = a.mlp_bias = true;
        if (mt == "codegen") a.qkv_bias = a.o_bias = false;
    } else if (mt == "gptj") {
        a.mlp_bias = true;  // GPT-J: attention without biases, MLP fc_in/fc_out with biases
    } else if (mt == "starcoder2") {
        bool b = r.boolean({"use_bias"}).value_or(true);
        a.qkv_bias = a.o_bias = a.mlp_bias = b;
    } else if (f.falcon) {
        bool b = r.boolean({"bias"}).value_or(false);
        a.qkv_bias = a.o_bias = a.mlp_bias = b;
    } else if (one_of(mt, {"glm4", "glm4_moe", "glm", "glm4v_text", "glm4v_moe_text"})) {
        a.qkv_bias = r.boolean({"attention_bias"}).value_or(true);  // GLM: q,k,v biased, o_proj not
    } else if (mt == "gpt_oss") {
        a.qkv_bias = a.o_bias = r.boolean({"attention_bias"}).value_or(true);
    } else if (mt == "seed_oss") {
        // SeedOssAttention: q/k/v biased (attention_bias), o_proj by attention_out_bias.
        a.qkv_bias = r.boolean({"attention_bias"}).value_or(true);
        a.o_bias = r.boolean({"attention_out_bias"}).value_or(false);
    } else {
        bool b = r.boolean({"attention_bias", "bias"}).value_or(false);
        a.qkv_bias = a.o_bias = b;
    }
    if (auto mb = r.boolean({"mlp_bias"}); mb && !plain_mlp) a.mlp_bias = *mb;

    a.qk_norm = one_of(mt, {"qwen3", "qwen3_moe", "gemma3", "gemma3_text", "gemma3n_text", "gemma4_text", "olmo2", "olmo3",
                            "olmoe", "qwen3_next", "qwen3_5_text", "qwen3_5_moe_text", "qwen3_vl", "qwen3_vl_text",
                            "qwen3_vl_moe", "qwen3_vl_moe_text", "exaone4", "lfm2", "minimax_m2"}) ||
                r.boolean({"use_qk_norm", "qk_layernorm"}).value_or(false);
    if (mt == "llama4_text") a.qk_norm = false;  // Llama 4 qk norm is a weightless L2 norm
    a.attn_output_gate = one_of(mt, {"qwen3_next", "qwen3_5_text", "qwen3_5_moe_text"}) &&
                         r.boolean({"attn_output_gate"}).value_or(true);
    if (one_of(mt, {"gemma2", "gemma3", "gemma3_text", "gemma3n_text", "gemma4_text", "glm4", "glm4v_text"}))
        a.norms_per_layer = 4;  // pre/post attention and pre/post feed-forward norms
    else if (one_of(mt, {"phi", "gptj", "cohere", "cohere2", "codegen", "nemotron_h"}))
        a.norms_per_layer = 1;  // parallel attention + MLP share one input norm; Nemotron-H blocks have one norm
    else if (f.falcon) {
        bool new_arch = r.boolean({"new_decoder_architecture"}).value_or(mt == "RefinedWeb");
        auto n_ln = r.soft_integer({"num_ln_in_parallel_attn"});
        a.norms_per_layer = new_arch ? static_cast<int>(std::clamp<std::int64_t>(n_ln.value_or(2), 1, 4))
                                     : (r.boolean({"parallel_attn"}).value_or(true) ? 1 : 2);
    }

    // Tied embeddings: explicit field, else the family's transformers default.
    if (auto t = r.boolean({"tie_word_embeddings"})) {
        a.tied_embeddings = *t;
    } else if (auto d = default_tie(mt)) {
        a.tied_embeddings = *d;
        r.warn(std::string("tie_word_embeddings missing: ") + mt + " default (" + (*d ? "tied" : "untied") + ") assumed");
    } else {
        a.tied_embeddings = false;
        r.warn("tie_word_embeddings missing: untied assumed (lm_head counted)");
    }
    return r.ok();
}

}  // namespace vramcalc::config
