// Hugging Face config.json -> ModelInfo. Field names and defaults follow transformers'
// configuration_<family>.py classes (the defaults apply when a key is missing, as from_pretrained does).
// Never throws: JSON is parsed with exceptions off and every access checks the type first, so the
// same code is safe in a wasm build without C++ exceptions.
#include "config_parser.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bounded_json.h"

namespace vramcalc {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string fmt_num(double v) {
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e18) return std::to_string(static_cast<long long>(v));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// JSON-quoted, so a value holding a newline or a quote stays one readable line; cut to 80 bytes.
std::string show(const json& v) { return clean_utf8(dump_json(v), 80); }

// Field access over the language-model config (text) with the top-level config as fallback: multimodal
// configs keep the LM in text_config but tie_word_embeddings / quantization_config / torch_dtype at the top.
struct Reader {
    const json& top;
    const json& text;
    std::string error;
    std::vector<std::string>& warnings;

    const json* find(std::initializer_list<const char*> names, bool top_fallback = true) const {
        const json* objs[2] = {&text, &top};
        const int n_objs = (top_fallback && &top != &text) ? 2 : 1;
        for (int i = 0; i < n_objs; ++i) {
            const json* obj = objs[i];
            for (const char* n : names) {
                auto it = obj->find(n);
                if (it != obj->end() && !it->is_null()) return &*it;
            }
        }
        return nullptr;
    }

    void fail(const std::string& msg) {
        if (error.empty()) error = msg;
    }

    // An integer field; absent -> nullopt. Present but not a whole number -> error naming the field.
    std::optional<std::int64_t> integer(std::initializer_list<const char*> names, bool top_fallback = true) {
        const json* v = find(names, top_fallback);
        if (!v) return std::nullopt;
        const char* name = *names.begin();
        for (const char* n : names) {
            for (const json* obj : {&text, &top}) {
                auto it = obj->find(n);
                if (it != obj->end() && &*it == v) name = n;
            }
        }
        if (v->is_number_integer() || v->is_number_unsigned()) {
            if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX / 2)) {
                fail(std::string(name) + " is too large, got " + v->dump());
                return std::nullopt;
            }
            return v->get<std::int64_t>();
        }
        if (v->is_number_float()) {
            double d = v->get<double>();
            if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 4e18) return static_cast<std::int64_t>(d);
        }
        fail(std::string(name) + " must be an integer, got " + show(*v));
        return std::nullopt;
    }

    std::optional<double> number(std::initializer_list<const char*> names, bool top_fallback = true) const {
        const json* v = find(names, top_fallback);
        if (v && v->is_number()) return v->get<double>();
        return std::nullopt;
    }

    std::optional<bool> boolean(std::initializer_list<const char*> names, bool top_fallback = true) const {
        const json* v = find(names, top_fallback);
        if (v && v->is_boolean()) return v->get<bool>();
        if (v && v->is_number_integer()) return v->get<std::int64_t>() != 0;
        return std::nullopt;
    }

    std::string str(std::initializer_list<const char*> names, bool top_fallback = true) const {
        const json* v = find(names, top_fallback);
        if (v && v->is_string()) return v->get<std::string>();
        return {};
    }
};

bool one_of(const std::string& s, std::initializer_list<const char*> list) {
    for (const char* x : list)
        if (s == x) return true;
    return false;
}

// Families whose published config.json leaves core fields to the class defaults
// (transformers configuration_gemma3.py Gemma3TextConfig: the gemma-3-4b text_config names only
// hidden_size, intermediate_size, num_hidden_layers and sliding_window).
struct FamilyDefaults {
    std::int64_t vocab = 0, heads = 0, kv_heads = 0, head_dim = 0, hidden = 0, intermediate = 0, layers = 0, max_pos = 0;
};

FamilyDefaults family_defaults(const std::string& mt) {
    FamilyDefaults d;
    if (mt == "gemma3_text") {
        d = {262208, 8, 4, 256, 2304, 9216, 26, 131072};
    } else if (one_of(mt, {"qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "qwen2_vl", "qwen2_5_vl"})) {
        d.vocab = 151936;  // Qwen2Config / Qwen2MoeConfig / Qwen3Config default vocab_size
    } else if (mt == "llama") {
        d.vocab = 32000;  // LlamaConfig defaults
        d.intermediate = 11008;
        d.max_pos = 2048;
    } else if (mt == "mistral" || mt == "mixtral") {
        d.vocab = 32000;  // MistralConfig / MixtralConfig defaults
        d.intermediate = 14336;
        d.max_pos = 4096 * 32;
    } else if (one_of(mt, {"falcon", "RefinedWeb", "RefinedWebModel"})) {
        d.max_pos = 2048;  // FalconConfig default max_position_embeddings
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
    if (one_of(mt, {"gemma", "gemma2", "gemma3", "gemma3_text", "gpt2", "gpt_bigcode", "starcoder2", "falcon",
                    "RefinedWeb", "RefinedWebModel", "cohere", "cohere2", "mamba", "mamba2", "opt", "bloom",
                    "gpt_neo", "stablelm", "olmo"}))
        return true;
    if (one_of(mt, {"llama", "llama4", "llama4_text", "mistral", "mixtral", "qwen", "qwen2", "qwen2_moe", "qwen3",
                    "qwen3_moe", "qwen2_vl", "qwen2_5_vl", "qwen3_vl", "qwen3_vl_text", "qwen3_vl_moe",
                    "qwen3_vl_moe_text", "phi", "phi3", "phimoe", "gpt_neox", "gptj", "deepseek_v2", "deepseek_v3",
                    "kimi_k2", "olmo2", "olmoe", "gpt_oss", "internlm2", "chatglm", "glm", "glm4", "glm4_moe",
                    "jamba", "granite", "granitemoe", "glm4v_text", "glm4v_moe_text", "exaone", "minimax", "hunyuan_v1_dense", "ernie4_5",
                    "ernie4_5_moe", "dbrx", "nemotron", "baichuan", "yi", "minicpm", "seed_oss", "smollm3",
                    "qwen3_next"}))
        return false;
    return std::nullopt;
}

std::string dtype_name(std::string s) {
    s = lower(s);
    if (s.rfind("torch.", 0) == 0) s = s.substr(6);
    if (s == "half") s = "float16";
    if (s == "float" ) s = "float32";
    return s;
}

// quantization_config -> a weight format id of core/data/formats.json.
std::string format_from_quantization(const json& q, std::vector<std::string>& warnings) {
    if (!q.is_object()) return {};
    auto get_s = [&](const json& o, const char* k) -> std::string {
        auto it = o.find(k);
        return (it != o.end() && it->is_string()) ? lower(it->get<std::string>()) : std::string();
    };
    auto get_i = [&](const json& o, const char* k) -> std::int64_t {
        auto it = o.find(k);
        // |bits| beyond 1e6 is no bit width (and 1e300 does not convert to int64 at all): read as absent.
        return (it != o.end() && it->is_number() && std::fabs(it->get<double>()) < 1e6) ? static_cast<std::int64_t>(it->get<double>()) : 0;
    };
    auto get_b = [&](const json& o, const char* k) -> bool {
        auto it = o.find(k);
        return it != o.end() && it->is_boolean() && it->get<bool>();
    };
    std::string method = get_s(q, "quant_method");
    if (method == "awq") return "awq";
    if (method == "gptq" || method == "gptqmodel" || method == "auto-round" || method == "autoround") {
        std::int64_t bits = get_i(q, "bits");
        if (bits == 8) return "gptq-int8";
        if (bits != 4 && bits != 0) warnings.push_back("quantization_config bits " + std::to_string(bits) + " read as gptq-int4");
        return "gptq-int4";
    }
    if (method == "fp8" || method == "fbgemm_fp8") return "fp8";
    if (method == "mxfp4") return "mxfp4";
    if (method == "bitsandbytes") {
        if (get_b(q, "load_in_8bit")) return "bnb-int8";
        if (get_b(q, "load_in_4bit")) return "nf4";
        return {};
    }
    if (method == "modelopt") {
        std::string algo = get_s(q, "quant_algo");
        if (algo.find("fp8") != std::string::npos) return "fp8";
    }
    if (method == "compressed-tensors") {
        // compressed-tensors (llm-compressor): weights num_bits / type and whether activations are quantized
        // decide the scheme: W8A8 int -> int8, W8A8 float -> fp8, W4A16 -> gptq-int4, W8A16 -> gptq-int8.
        std::int64_t wbits = 0;
        std::string wtype;
        bool act = false;
        auto groups = q.find("config_groups");
        if (groups != q.end() && groups->is_object()) {
            for (const auto& g : groups->items()) {
                const json& grp = g.value();
                if (!grp.is_object()) continue;
                auto w = grp.find("weights");
                if (w != grp.end() && w->is_object()) {
                    wbits = get_i(*w, "num_bits");
                    wtype = get_s(*w, "type");
                }
                auto a = grp.find("input_activations");
                if (a != grp.end() && a->is_object()) act = true;
                break;
            }
        }
        std::string fmt = get_s(q, "format");
        if (wtype == "float" || fmt == "float-quantized") return "fp8";
        if (wbits == 8 && act) return "int8";
        if (wbits == 8) return "gptq-int8";
        if (wbits == 4) return "gptq-int4";
        if (fmt == "int-quantized") return "int8";
        if (fmt == "pack-quantized") return "gptq-int4";
        warnings.push_back("compressed-tensors scheme not recognised; weights assumed 16-bit");
        return {};
    }
    if (!method.empty()) warnings.push_back("quantization method \"" + method + "\" not recognised; weights assumed 16-bit");
    return {};
}

LayerAttention attention_from_type(const std::string& t, bool& known) {
    known = true;
    if (t == "full_attention" || t == "attention" || t == "global" || t == "full") return LayerAttention::Full;
    if (t == "sliding_attention" || t == "local" || t == "sliding" || t == "chunked_attention") return LayerAttention::Sliding;
    if (t == "linear_attention" || t == "mamba" || t == "mamba2" || t == "linear" || t == "recurrent" ||
        t == "conv" || t == "ssm")
        return LayerAttention::Linear;
    known = false;
    return LayerAttention::Full;
}

}  // namespace

ParsedConfig parse_hf_config(std::string_view json_text) {
    ParsedConfig out;
    std::vector<std::string>& warn = out.warnings;

    JsonParse parsed = parse_json(json_text, kConfigJsonLimits);
    if (!parsed.ok()) {
        out.error = "config is " + parsed.message;  // "config is not valid JSON: line 3, column 9: ..."
        return out;
    }
    json root = std::move(parsed.value);
    if (!root.is_object()) {
        out.error = "config must be a JSON object (the contents of config.json)";
        return out;
    }

    // The language model's config: text_config (Llama 4, Gemma 3, Mistral3, Qwen3-VL, Kimi-VL, GLM-4.xV,
    // LLaVA, Granite vision), llm_config (InternVL), language_config (DeepSeek-VL2), thinker_config (Qwen-Omni).
    const json* text = &root;
    for (int depth = 0; depth < 3; ++depth) {
        const json* next = nullptr;
        for (const char* k : {"text_config", "llm_config", "language_config", "thinker_config"}) {
            auto it = text->find(k);
            if (it != text->end() && it->is_object() && !it->empty()) {
                next = &*it;
                break;
            }
        }
        if (!next) break;
        text = next;
    }
    Reader r{root, *text, {}, warn};
    Architecture& a = out.model.arch;
    ModelInfo& m = out.model;

    std::string top_type = r.str({"model_type"}, false);
    if (text != &root) {
        std::string t = text->contains("model_type") && (*text)["model_type"].is_string()
                            ? (*text)["model_type"].get<std::string>() : std::string();
        if (t.empty()) {
            std::string rt = root.contains("model_type") && root["model_type"].is_string()
                                 ? root["model_type"].get<std::string>() : std::string();
            t = rt == "gemma3" ? "gemma3_text" : rt == "llama4" ? "llama4_text" : rt;
        }
        top_type = t;
    } else if (top_type.empty()) {
        // Old Falcon checkpoints say "RefinedWeb"/"RefinedWebModel" in model_type; some custom configs none.
        warn.push_back("model_type missing: family defaults unknown");
    }
    const std::string mt = top_type;
    a.model_type = mt;
    {
        const json* arches = r.find({"architectures"});
        if (arches && arches->is_array() && !arches->empty() && (*arches)[0].is_string())
            a.architecture = (*arches)[0].get<std::string>();
    }
    const FamilyDefaults defs = family_defaults(mt);
    const bool is_falcon = one_of(mt, {"falcon", "RefinedWeb", "RefinedWebModel"});
    const bool is_qwen1 = mt == "qwen";
    const bool is_chatglm = mt == "chatglm";
    const bool is_deepseek = mt.rfind("deepseek", 0) == 0 || mt == "kimi_k2";

    // --- core sizes ------------------------------------------------------------------------------
    auto hidden = r.integer({"hidden_size", "n_embd", "d_model", "dim", "model_dim"});
    auto layers = r.integer({"num_hidden_layers", "n_layer", "n_layers", "num_layers"});
    auto heads = r.integer({"num_attention_heads", "n_head", "n_heads", "num_heads"});
    auto vocab = r.integer({"vocab_size", "padded_vocab_size", "n_vocab"});
    if (!r.error.empty()) { out.error = r.error; return out; }

    auto need = [&](std::optional<std::int64_t>& v, const char* name, std::int64_t def) -> bool {
        if (v) return true;
        if (def > 0) {
            v = def;
            warn.push_back(std::string(name) + " missing: " + mt + " default " + std::to_string(def) + " assumed");
            return true;
        }
        out.error = std::string(name) + " missing";
        return false;
    };
    if (!need(hidden, "hidden_size", defs.hidden)) return out;
    if (!need(layers, "num_hidden_layers", defs.layers)) return out;
    if (!need(heads, "num_attention_heads", defs.heads)) return out;
    if (!need(vocab, "vocab_size", defs.vocab)) return out;

    // Bounds: positive, and far beyond any real model rejected as a typo rather than estimated.
    auto bounded = [&](std::int64_t v, const char* name, double max) -> bool {
        if (v <= 0) {
            out.error = std::string(name) + " must be a positive integer, got " + std::to_string(v);
            return false;
        }
        if (static_cast<double>(v) > max) {
            out.error = std::string(name) + " " + std::to_string(v) + " is implausibly large (limit " + fmt_num(max) + ")";
            return false;
        }
        return true;
    };
    if (!bounded(*hidden, "hidden_size", 1e6) || !bounded(*layers, "num_hidden_layers", 1e4) ||
        !bounded(*heads, "num_attention_heads", 1e5) || !bounded(*vocab, "vocab_size", 1e8))
        return out;
    a.hidden_size = *hidden;
    a.num_layers = *layers;
    a.num_heads = *heads;
    a.vocab_size = *vocab;

    // --- KV heads: missing = MHA; Falcon multi_query = MQA; new_decoder_architecture uses num_kv_heads;
    // ChatGLM multi_query_group_num when multi_query_attention; GPT-BigCode multi_query.
    std::optional<std::int64_t> kv = r.integer({"num_key_value_heads", "n_head_kv", "num_kv_heads", "n_kv_heads"});
    if (is_falcon) {
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
    } else if (is_chatglm) {
        if (r.boolean({"multi_query_attention"}).value_or(false)) kv = r.integer({"multi_query_group_num"});
    } else if (!kv && r.boolean({"multi_query"}).value_or(false)) {
        kv = 1;  // gpt_bigcode (StarCoder 1, SantaCoder)
    }
    if (!r.error.empty()) { out.error = r.error; return out; }
    const bool mla_config = r.integer({"kv_lora_rank"}).value_or(0) > 0;
    r.error.clear();
    if (!kv && mla_config) {
        kv = a.num_heads;  // MLA: K/V per query head after the up-projection (set again below)
    } else if (!kv) {
        if (defs.kv_heads > 0) {
            kv = defs.kv_heads;
            warn.push_back("num_key_value_heads missing: " + mt + " default " + std::to_string(*kv) + " assumed");
        } else {
            kv = a.num_heads;
            warn.push_back("num_key_value_heads missing: multi-head attention assumed (" + std::to_string(*kv) + " KV heads)");
        }
    }
    if (!bounded(*kv, "num_key_value_heads", 1e5)) return out;
    if (*kv > a.num_heads) {
        out.error = "num_key_value_heads " + std::to_string(*kv) + " exceeds num_attention_heads " + std::to_string(a.num_heads);
        return out;
    }
    if (a.num_heads % *kv != 0) {
        out.error = "num_attention_heads " + std::to_string(a.num_heads) + " is not a multiple of num_key_value_heads " +
                    std::to_string(*kv);
        return out;
    }
    a.num_kv_heads = *kv;

    // --- head_dim: explicit wins (Qwen3, Gemma, GLM differ from hidden/heads); Qwen v1 / ChatGLM kv_channels.
    std::optional<std::int64_t> hd = r.integer({"head_dim", "kv_channels", "attention_head_dim", "head_size"});
    if (!r.error.empty()) { out.error = r.error; return out; }
    const auto kv_lora = r.integer({"kv_lora_rank"});
    const bool mla = kv_lora && *kv_lora > 0;
    if (mla) {
        auto q_lora = r.integer({"q_lora_rank"});
        auto rope = r.integer({"qk_rope_head_dim"});
        auto nope = r.integer({"qk_nope_head_dim"});
        auto vhd = r.integer({"v_head_dim"});
        if (!r.error.empty()) { out.error = r.error; return out; }
        if (!rope || !nope) {
            out.error = std::string(!rope ? "qk_rope_head_dim" : "qk_nope_head_dim") + " missing (kv_lora_rank is set: MLA)";
            return out;
        }
        if (!bounded(*kv_lora, "kv_lora_rank", 1e5) || !bounded(*rope, "qk_rope_head_dim", 1e4) ||
            !bounded(*nope, "qk_nope_head_dim", 1e4))
            return out;
        a.kv_lora_rank = *kv_lora;
        a.q_lora_rank = q_lora.value_or(0) > 0 ? *q_lora : 0;
        a.qk_rope_head_dim = *rope;
        a.qk_nope_head_dim = *nope;
        a.head_dim = *rope + *nope;
        a.v_head_dim = vhd.value_or(*nope);
        // MLA: every query head has its own K/V after the up-projection; the cache holds the latent.
        a.num_kv_heads = a.num_heads;
    } else if (hd) {
        if (!bounded(*hd, "head_dim", 1e5)) return out;
        a.head_dim = *hd;
    } else if (defs.head_dim > 0) {
        // Gemma3TextConfig: head_dim defaults to 256 whatever hidden/heads is.
        a.head_dim = defs.head_dim;
        warn.push_back("head_dim missing: " + mt + " default " + std::to_string(defs.head_dim) + " assumed");
    } else {
        if (a.hidden_size % a.num_heads != 0) {
            out.error = "hidden_size " + std::to_string(a.hidden_size) + " is not divisible by num_attention_heads " +
                        std::to_string(a.num_heads) + " and no head_dim is given";
            return out;
        }
        a.head_dim = a.hidden_size / a.num_heads;
    }

    // --- MLP width: intermediate_size, n_inner (GPT-2/BigCode), ffn_hidden_size (ChatGLM, Falcon),
    // ffn_dim (OPT); missing = 4 x hidden (GPT-NeoX/GPT-2 convention).
    std::optional<std::int64_t> inter = r.integer({"intermediate_size", "n_inner", "ffn_hidden_size", "ffn_dim", "d_ff",
                                                   "ff_intermediate_size"});
    if (!r.error.empty()) { out.error = r.error; return out; }
    if (mt == "llama4_text") {
        // Llama4TextConfig: intermediate_size is the expert (and shared expert) width,
        // intermediate_size_mlp the width of the dense layers.
        auto mlp = r.integer({"intermediate_size_mlp"});
        a.moe_intermediate_size = inter.value_or(8192);
        inter = mlp ? mlp : std::optional<std::int64_t>(16384);
    }
    if (!inter) {
        if (defs.intermediate > 0) {
            inter = defs.intermediate;
            warn.push_back("intermediate_size missing: " + mt + " default " + std::to_string(*inter) + " assumed");
        } else {
            inter = 4 * a.hidden_size;
            warn.push_back("intermediate_size missing: 4 x hidden_size = " + std::to_string(*inter) + " assumed");
        }
    }
    if (is_qwen1) *inter /= 2;  // QWenMLP: w1/w2 are intermediate_size // 2 wide (modeling_qwen.py)
    if (*inter < 0 || static_cast<double>(*inter) > 1e7) {
        out.error = "intermediate_size " + std::to_string(*inter) + " is out of range";
        return out;
    }
    a.intermediate_size = *inter;

    a.max_context = r.integer({"max_position_embeddings", "n_positions", "seq_length", "max_seq_len",
                               "max_sequence_length", "n_ctx", "model_max_length"}).value_or(0);
    if (!r.error.empty()) { out.error = r.error; return out; }
    if (a.max_context <= 0) {
        a.max_context = defs.max_pos > 0 ? defs.max_pos : 4096;
        warn.push_back("max_position_embeddings missing: " + std::to_string(a.max_context) + " assumed");
    }
    if (a.max_context > 100000000) {
        warn.push_back("max_position_embeddings " + std::to_string(a.max_context) + " capped at 100000000");
        a.max_context = 100000000;
    }

    // --- dtype -----------------------------------------------------------------------------------
    {
        std::string dt = r.str({"torch_dtype", "dtype"});
        if (dt.empty()) {
            warn.push_back("torch_dtype missing: bfloat16 assumed");
            dt = "bfloat16";
        }
        a.torch_dtype = dtype_name(dt);
    }

    // --- family flags ----------------------------------------------------------------------------
    const bool plain_mlp = one_of(mt, {"gpt_neox", "gpt2", "gpt_bigcode", "gptj", "gpt_neo", "phi", "falcon",
                                       "RefinedWeb", "RefinedWebModel", "starcoder2", "opt", "bloom", "mpt",
                                       "codegen", "nemotron", "persimmon"});
    a.mlp = plain_mlp ? MlpKind::Plain : MlpKind::Gated;
    const bool layer_norm = one_of(mt, {"gpt_neox", "gpt2", "gpt_bigcode", "gptj", "gpt_neo", "phi", "falcon", "phi3small",
                                        "RefinedWeb", "RefinedWebModel", "starcoder2", "opt", "bloom", "stablelm",
                                        "codegen", "persimmon", "nemotron"});
    a.norm = layer_norm ? NormKind::LayerNorm : NormKind::RmsNorm;
    a.fused_qkv = one_of(mt, {"gpt_neox", "phi", "phi3", "phi3small", "falcon", "RefinedWeb", "RefinedWebModel", "gpt_bigcode",
                              "gpt2", "bloom", "mpt", "qwen", "chatglm", "internlm2", "codegen", "persimmon"});
    a.learned_positions = one_of(mt, {"gpt2", "gpt_bigcode", "opt", "gpt_neo"});

    // Biases. attention_bias (Llama/Mistral/GLM/gpt-oss) covers q,k,v (+o for Llama-style attention).
    if (one_of(mt, {"qwen2", "qwen2_moe", "qwen2_vl", "qwen2_5_vl", "qwen", "chatglm"})) {
        a.qkv_bias = true;
        if (is_chatglm) a.qkv_bias = r.boolean({"add_qkv_bias"}).value_or(true);
    } else if (one_of(mt, {"phi", "phi3small", "gpt_neox", "gpt2", "gpt_bigcode", "opt", "bloom", "codegen", "persimmon"})) {
        a.qkv_bias = a.o_bias = a.mlp_bias = true;
        if (mt == "codegen") a.qkv_bias = a.o_bias = false;
    } else if (mt == "gptj") {
        a.mlp_bias = true;  // GPT-J: attention without biases, MLP fc_in/fc_out with biases
    } else if (mt == "starcoder2") {
        bool b = r.boolean({"use_bias"}).value_or(true);
        a.qkv_bias = a.o_bias = a.mlp_bias = b;
    } else if (is_falcon) {
        bool b = r.boolean({"bias"}).value_or(false);
        a.qkv_bias = a.o_bias = a.mlp_bias = b;
    } else if (one_of(mt, {"glm4", "glm4_moe", "glm", "glm4v_text", "glm4v_moe_text"})) {
        a.qkv_bias = r.boolean({"attention_bias"}).value_or(true);  // GLM: q,k,v biased, o_proj not
    } else if (mt == "gpt_oss") {
        a.qkv_bias = a.o_bias = r.boolean({"attention_bias"}).value_or(true);
    } else {
        bool b = r.boolean({"attention_bias", "bias"}).value_or(false);
        a.qkv_bias = a.o_bias = b;
    }
    if (auto mb = r.boolean({"mlp_bias"}); mb && !plain_mlp) a.mlp_bias = *mb;

    a.qk_norm = one_of(mt, {"qwen3", "qwen3_moe", "gemma3", "gemma3_text", "olmo2", "olmoe", "qwen3_next",
                            "qwen3_vl", "qwen3_vl_text", "qwen3_vl_moe", "qwen3_vl_moe_text"}) ||
                r.boolean({"use_qk_norm", "qk_layernorm"}).value_or(false);
    if (mt == "llama4_text") a.qk_norm = false;  // Llama 4 qk norm is a weightless L2 norm
    if (one_of(mt, {"gemma2", "gemma3", "gemma3_text", "glm4", "glm4v_text"}))
        a.norms_per_layer = 4;  // pre/post attention and pre/post feed-forward norms
    else if (one_of(mt, {"phi", "gptj", "cohere", "cohere2", "codegen"}))
        a.norms_per_layer = 1;  // parallel attention + MLP share one input norm
    else if (is_falcon) {
        bool new_arch = r.boolean({"new_decoder_architecture"}).value_or(mt == "RefinedWeb");
        auto n_ln = r.integer({"num_ln_in_parallel_attn"});
        a.norms_per_layer = new_arch ? static_cast<int>(n_ln.value_or(2)) : (r.boolean({"parallel_attn"}).value_or(true) ? 1 : 2);
    }

    // Tied embeddings: explicit field, else the family's transformers default.
    if (auto t = r.boolean({"tie_word_embeddings"})) {
        a.tied_embeddings = *t;
    } else if (auto d = default_tie(mt)) {
        a.tied_embeddings = *d;
        warn.push_back(std::string("tie_word_embeddings missing: ") + mt + " default (" + (*d ? "tied" : "untied") + ") assumed");
    } else {
        a.tied_embeddings = false;
        warn.push_back("tie_word_embeddings missing: untied assumed (lm_head counted)");
    }

    // --- MoE ---------------------------------------------------------------------------------------
    auto experts = r.integer({"num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts", "num_experts_total"});
    auto topk = r.integer({"num_experts_per_tok", "experts_per_token", "moe_top_k", "num_experts_per_token", "top_k"});
    auto moe_inter = r.integer({"moe_intermediate_size", "expert_intermediate_size"});
    auto n_shared = r.integer({"n_shared_experts", "num_shared_experts"});
    auto shared_inter = r.integer({"shared_expert_intermediate_size", "shared_intermediate_size"});
    auto first_dense = r.integer({"first_k_dense_replace", "first_dense_layers"});
    auto step = r.integer({"interleave_moe_layer_step", "decoder_sparse_step", "moe_layer_freq", "expert_layer_period"});
    if (!r.error.empty()) { out.error = r.error; return out; }
    if (experts && *experts > 1) {
        if (!bounded(*experts, "num_experts", 1e5)) return out;
        if (!topk) {
            out.error = "num_experts_per_tok missing (the config has " + std::to_string(*experts) + " experts)";
            return out;
        }
        if (!bounded(*topk, "num_experts_per_tok", 1e5)) return out;
        if (*topk > *experts) {
            out.error = "num_experts_per_tok " + std::to_string(*topk) + " exceeds the number of experts " + std::to_string(*experts);
            return out;
        }
        a.num_experts = *experts;
        a.experts_per_token = *topk;
        if (mt != "llama4_text") a.moe_intermediate_size = moe_inter.value_or(a.intermediate_size);
        if (!bounded(a.moe_intermediate_size, "moe_intermediate_size", 1e7)) return out;
        if (mt == "llama4_text") {
            a.num_shared_experts = 1;  // Llama4TextMoe.shared_expert, intermediate_size wide
        } else if (n_shared && *n_shared > 0) {
            a.num_shared_experts = *n_shared;
        }
        if (shared_inter && *shared_inter > 0) a.shared_expert_intermediate_size = *shared_inter;
        a.first_dense_layers = std::max<std::int64_t>(0, first_dense.value_or(0));
        a.moe_layer_step = std::max<std::int64_t>(1, step.value_or(1));
        if (mt == "jamba") a.first_dense_layers = 0;
        a.expert_bias = mt == "gpt_oss";
        if (const json* mlo = r.find({"mlp_only_layers"}); mlo && mlo->is_array()) {
            for (const auto& v : *mlo)
                if (v.is_number_integer()) a.mlp_only_layers.push_back(v.get<std::int64_t>());
        }
        if (const json* ml = r.find({"moe_layers"}); ml && ml->is_array() && mt == "llama4_text") {
            // Llama4TextConfig.moe_layers given explicitly: turn the complement into dense layers.
            std::vector<bool> is_moe(static_cast<std::size_t>(a.num_layers), false);
            for (const auto& v : *ml)
                if (v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() < a.num_layers)
                    is_moe[static_cast<std::size_t>(v.get<std::int64_t>())] = true;
            a.moe_layer_step = 1;
            for (std::int64_t i = 0; i < a.num_layers; ++i)
                if (!is_moe[static_cast<std::size_t>(i)]) a.mlp_only_layers.push_back(i);
        }
        if (mt == "jamba") {
            // JambaConfig: layer i has experts when i % expert_layer_period == expert_layer_offset.
            std::int64_t period = std::max<std::int64_t>(1, r.integer({"expert_layer_period"}).value_or(2));
            std::int64_t offset = r.integer({"expert_layer_offset"}).value_or(1);
            a.moe_layer_step = 1;
            for (std::int64_t i = 0; i < a.num_layers; ++i)
                if (i % period != offset) a.mlp_only_layers.push_back(i);
        }
        if (is_deepseek && a.moe_layer_step > 1) {
            // DeepSeek: MoE when layer >= first_k_dense_replace and layer % moe_layer_freq == 0.
            std::int64_t freq = a.moe_layer_step;
            a.moe_layer_step = 1;
            for (std::int64_t i = 0; i < a.num_layers; ++i)
                if (i % freq != 0) a.mlp_only_layers.push_back(i);
        }
    }
    if (auto mtp = r.integer({"num_nextn_predict_layers", "mtp_num_hidden_layers", "num_mtp_layers"}); mtp && *mtp > 0)
        warn.push_back("multi-token-prediction layers (" + std::to_string(*mtp) +
                       ") not counted: vLLM loads them only for speculative decoding");

    // --- attention pattern -------------------------------------------------------------------------
    a.layer_attention.assign(static_cast<std::size_t>(a.num_layers), LayerAttention::Full);
    auto window = r.integer({"sliding_window", "sliding_window_size", "attention_window_size"});
    r.error.clear();  // a malformed window is ignored below rather than fatal
    std::int64_t win = window.value_or(0);
    bool use_sw = r.boolean({"use_sliding_window"}).value_or(true);
    const json* lt = r.find({"layer_types", "layers_block_type"}, false);
    bool pattern_done = false;
    if (lt && lt->is_array() && static_cast<std::int64_t>(lt->size()) == a.num_layers) {
        bool all_known = true;
        for (std::size_t i = 0; i < lt->size(); ++i) {
            bool known = false;
            std::string t = (*lt)[i].is_string() ? lower((*lt)[i].get<std::string>()) : std::string();
            a.layer_attention[i] = attention_from_type(t, known);
            all_known = all_known && known;
        }
        if (!all_known) warn.push_back("layer_types has unknown entries: read as full attention");
        if (mt == "llama4_text" && win <= 0) win = r.integer({"attention_chunk_size"}).value_or(0);
        pattern_done = true;
    } else if (lt) {
        warn.push_back("layer_types length differs from num_hidden_layers: ignored");
    }
    if (!pattern_done) {
        auto set_sliding = [&](auto pred) {
            for (std::int64_t i = 0; i < a.num_layers; ++i)
                if (pred(i)) a.layer_attention[static_cast<std::size_t>(i)] = LayerAttention::Sliding;
        };
        if (mt == "gemma2") {
            // Gemma2Config.layer_types: "sliding_attention" if (i + 1) % 2 else "full" -> even layers local.
            if (win > 0) set_sliding([](std::int64_t i) { return (i + 1) % 2 != 0; });
        } else if (mt == "gemma3_text" || mt == "cohere2") {
            // Gemma3TextConfig / Cohere2Config: sliding unless (i + 1) % sliding_window_pattern == 0.
            std::int64_t pattern = r.integer({"sliding_window_pattern", "_sliding_window_pattern"}).value_or(mt == "cohere2" ? 4 : 6);
            if (mt == "gemma3_text" && win <= 0) win = 4096;
            if (pattern > 0 && win > 0) set_sliding([&](std::int64_t i) { return (i + 1) % pattern != 0; });
        } else if (mt == "gpt_oss") {
            if (win > 0) set_sliding([](std::int64_t i) { return i % 2 == 0; });
        } else if (mt == "llama4_text") {
            // Llama 4: RoPE layers use chunked local attention (attention_chunk_size); every 4th layer
            // (no_rope_layers[i] == 0) is global NoPE attention (modeling_llama4.py Llama4TextAttention).
            std::int64_t chunk = r.integer({"attention_chunk_size"}).value_or(0);
            const json* nrl = r.find({"no_rope_layers"}, false);
            if (chunk > 0) {
                win = chunk;
                if (nrl && nrl->is_array() && static_cast<std::int64_t>(nrl->size()) == a.num_layers) {
                    set_sliding([&](std::int64_t i) {
                        const json& v = (*nrl)[static_cast<std::size_t>(i)];
                        return v.is_number() && v.get<double>() != 0.0;
                    });
                } else {
                    set_sliding([](std::int64_t i) { return (i + 1) % 4 != 0; });
                }
            }
        } else if (one_of(mt, {"qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "qwen2_vl", "qwen2_5_vl"})) {
            // Qwen2Config: sliding only when use_sliding_window, for layers >= max_window_layers.
            if (use_sw && win > 0) {
                std::int64_t mwl = r.integer({"max_window_layers"}).value_or(0);
                set_sliding([&](std::int64_t i) { return i >= mwl; });
            } else {
                win = 0;
            }
        } else if (mt == "qwen3_next") {
            std::int64_t interval = r.integer({"full_attention_interval"}).value_or(4);
            for (std::int64_t i = 0; i < a.num_layers; ++i)
                if (interval > 0 && (i + 1) % interval != 0) a.layer_attention[static_cast<std::size_t>(i)] = LayerAttention::Linear;
        } else if (mt == "jamba") {
            std::int64_t period = std::max<std::int64_t>(1, r.integer({"attn_layer_period"}).value_or(8));
            std::int64_t offset = r.integer({"attn_layer_offset"}).value_or(4);
            for (std::int64_t i = 0; i < a.num_layers; ++i)
                if (i % period != offset) a.layer_attention[static_cast<std::size_t>(i)] = LayerAttention::Linear;
        } else if (one_of(mt, {"mamba", "mamba2"})) {
            for (auto& la : a.layer_attention) la = LayerAttention::Linear;
        } else if (one_of(mt, {"llama", "gemma", "deepseek_v2", "deepseek_v3", "olmo2", "granite", "cohere"})) {
            win = 0;  // these attention classes ignore a sliding_window key
        } else if (use_sw && win > 0) {
            // Mistral v0.1, Mixtral, Phi-3, Starcoder2: one window on every layer (vLLM takes
            // hf_text_config.sliding_window for the whole model when no layer_types exist).
            set_sliding([](std::int64_t) { return true; });
        }
    }
    bool any_sliding = std::any_of(a.layer_attention.begin(), a.layer_attention.end(),
                                   [](LayerAttention x) { return x == LayerAttention::Sliding; });
    if (any_sliding) {
        if (win <= 0) {
            warn.push_back("sliding layers without a sliding_window size: read as full attention");
            for (auto& la : a.layer_attention)
                if (la == LayerAttention::Sliding) la = LayerAttention::Full;
        } else if (win >= a.max_context) {
            // A window at least as long as the context behaves as full attention.
            for (auto& la : a.layer_attention)
                if (la == LayerAttention::Sliding) la = LayerAttention::Full;
            a.sliding_window = win;
        } else {
            a.sliding_window = win;
        }
    }

    // --- linear attention / recurrent state ---------------------------------------------------------
    bool any_linear = std::any_of(a.layer_attention.begin(), a.layer_attention.end(),
                                  [](LayerAttention x) { return x == LayerAttention::Linear; });
    const double state_bytes_per_value = (a.torch_dtype == "float32") ? 4.0 : 2.0;  // vLLM mamba cache dtype "auto" = model dtype
    if (any_linear) {
        auto lk_heads = r.integer({"linear_num_key_heads"});
        auto lv_heads = r.integer({"linear_num_value_heads"});
        auto lk_dim = r.integer({"linear_key_head_dim"});
        auto lv_dim = r.integer({"linear_value_head_dim"});
        auto conv = r.integer({"linear_conv_kernel_dim", "mamba_d_conv", "conv_kernel", "d_conv"});
        r.error.clear();
        if (lk_heads && lv_heads && lk_dim && lv_dim) {
            // Gated DeltaNet (Qwen3-Next), vLLM mamba_utils.py MambaStateShapeCalculator.gated_delta_net_state_shape:
            // conv state (2 x key_dim + value_dim) x (conv_kernel - 1), recurrent state
            // num_value_heads x key_head_dim x value_head_dim.
            a.linear_key_heads = *lk_heads;
            a.linear_value_heads = *lv_heads;
            a.linear_key_head_dim = *lk_dim;
            a.linear_value_head_dim = *lv_dim;
            a.linear_conv_kernel = conv.value_or(4);
            double key_dim = static_cast<double>(*lk_heads * *lk_dim), value_dim = static_cast<double>(*lv_heads * *lv_dim);
            double conv_state = (2.0 * key_dim + value_dim) * static_cast<double>(a.linear_conv_kernel - 1);
            double rec_state = static_cast<double>(*lv_heads) * static_cast<double>(*lk_dim) * static_cast<double>(*lv_dim);
            a.linear_state_bytes_per_layer = static_cast<std::int64_t>((conv_state + rec_state) * state_bytes_per_value);
        } else if (auto m2_heads = r.integer({"mamba_n_heads", "mamba_num_heads"}); m2_heads && *m2_heads > 0) {
            // Mamba-2 (GraniteMoeHybrid), vLLM MambaStateShapeCalculator.mamba2_state_shape: conv state
            // (d_inner + 2 x n_groups x d_state) x (d_conv - 1), SSM state n_heads x head_dim x d_state.
            const std::int64_t expand = r.integer({"mamba_expand"}).value_or(2);
            const std::int64_t head_dim = r.integer({"mamba_d_head", "mamba_head_dim"}).value_or(0);
            a.mamba_heads = *m2_heads;
            a.mamba_d_inner = head_dim > 0 ? head_dim * *m2_heads : expand * a.hidden_size;
            a.mamba_d_state = r.integer({"mamba_d_state", "ssm_state_size"}).value_or(128);
            a.mamba_groups = r.integer({"mamba_n_groups", "n_groups"}).value_or(1);
            a.linear_conv_kernel = conv.value_or(4);
            r.error.clear();
            const double hd2 = static_cast<double>(a.mamba_d_inner) / static_cast<double>(a.mamba_heads);
            double conv_state = static_cast<double>(a.mamba_d_inner + 2 * a.mamba_groups * a.mamba_d_state) *
                                static_cast<double>(a.linear_conv_kernel - 1);
            double ssm_state = static_cast<double>(a.mamba_heads) * hd2 * static_cast<double>(a.mamba_d_state);
            a.linear_state_bytes_per_layer = static_cast<std::int64_t>((conv_state + ssm_state) * state_bytes_per_value);
        } else {
            // Mamba-1 (Jamba, Mamba): vLLM MambaStateShapeCalculator.mamba1_state_shape: conv state
            // d_inner x (d_conv - 1), SSM state d_inner x d_state, d_inner = expand x hidden.
            std::int64_t expand = r.integer({"mamba_expand", "expand"}).value_or(2);
            std::int64_t d_state = r.integer({"mamba_d_state", "state_size", "d_state"}).value_or(16);
            std::int64_t d_inner = r.integer({"mamba_intermediate_size", "intermediate_size"}, false).value_or(0);
            r.error.clear();
            if (mt != "mamba" || d_inner <= 0) d_inner = expand * a.hidden_size;
            a.mamba_d_inner = d_inner;
            a.mamba_d_state = d_state;
            a.linear_conv_kernel = conv.value_or(4);
            a.mamba_dt_rank = r.integer({"mamba_dt_rank", "time_step_rank"}).value_or((a.hidden_size + 15) / 16);
            r.error.clear();
            double conv_state = static_cast<double>(d_inner) * static_cast<double>(a.linear_conv_kernel - 1);
            double ssm_state = static_cast<double>(d_inner) * static_cast<double>(d_state);
            a.linear_state_bytes_per_layer = static_cast<std::int64_t>((conv_state + ssm_state) * state_bytes_per_value);
            if (!one_of(mt, {"jamba", "mamba"})) warn.push_back("linear-attention state estimated as Mamba-1 (d_state " + std::to_string(d_state) + ")");
        }
    }

    // --- vision tower (estimate from vision_config when the catalog gives no figure) ------------------
    {
        auto vc = root.find("vision_config");
        if (vc != root.end() && vc->is_object()) {
            m.modality = "vision";
            auto gi = [&](const char* k, std::int64_t def) -> std::int64_t {
                auto it = vc->find(k);
                return (it != vc->end() && it->is_number()) ? static_cast<std::int64_t>(it->get<double>()) : def;
            };
            std::int64_t vh = gi("hidden_size", gi("embed_dim", gi("width", 0)));
            std::int64_t vl = gi("num_hidden_layers", gi("depth", gi("layers", 0)));
            std::int64_t vi = gi("intermediate_size", 4 * vh);
            if (vh > 0 && vl > 0 && vh < 100000 && vl < 1000 && vi < 1000000) {
                // ViT block: q,k,v,o (4 h^2) + MLP (2 h i) + biases/norms; plus a projector to the LM width.
                double vhd = static_cast<double>(vh), vid = static_cast<double>(vi);
                a.extra_params = static_cast<double>(vl) * (4.0 * vhd * vhd + 2.0 * vhd * vid + 9.0 * vhd + vid) +
                                 vhd * static_cast<double>(a.hidden_size);
                warn.push_back("vision tower estimated from vision_config (" + fmt_num(a.extra_params / 1e6) +
                               "M params, 16-bit)");
            } else {
                warn.push_back("vision_config present but not understood: vision tower not counted");
            }
        }
    }

    // --- identity ---------------------------------------------------------------------------------
    m.hf_id = r.str({"_name_or_path"}, true);
    if (!m.hf_id.empty()) {
        auto slash = m.hf_id.find_last_of('/');
        m.name = slash == std::string::npos ? m.hf_id : m.hf_id.substr(slash + 1);
    } else {
        m.name = a.architecture.empty() ? mt : a.architecture;
    }
    if (const json* q = r.find({"quantization_config", "compression_config"}); q)
        m.default_format = format_from_quantization(*q, warn);

    out.ok = true;
    return out;
}

}  // namespace vramcalc
