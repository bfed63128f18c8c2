#include "share_link.h"

#include "json_depth.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iterator>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "bounded_json.h"
#include "catalog.h"
#include "config_parser.h"
#include "file_weights.h"
#include "formats.h"
#include "knobs.h"
#include "scenario_json.h"
#include "tensors.h"

namespace vramcalc {

using nlohmann::json;

namespace {

// ---- the key table -----------------------------------------------------------------------------
// Short link key -> the scenario_json field it carries. The order is the order keys are written.
enum class Kind { Model, Weights, Kv, Gpu, Name, Config, Tensors, Number, Bool, Engine, Text };
struct LinkKey {
    const char* key;
    const char* field;  // scenario_to_json / apply_scenario_json name
    Kind kind;
};
// The fields every scenario has; the engine knobs (core/knobs.cpp) follow them, then kTail.
constexpr LinkKey kHead[] = {
    {"m", "model", Kind::Model},
    {"w", "weights", Kind::Weights},
    {"kv", "kv_dtype", Kind::Kv},
    {"e", "engine", Kind::Engine},
    {"ev", "engine_version", Kind::Text},
    {"gpu", "gpu", Kind::Gpu},
    {"mem", "gpu_memory_gib", Kind::Number},
    {"n", "gpus", Kind::Number},
    {"nodes", "nodes", Kind::Number},
    {"tp", "tp", Kind::Number},
    {"pp", "pp", Kind::Number},
    {"ctx", "context", Kind::Number},
    {"b", "batch", Kind::Number},
    {"in", "input_tokens", Kind::Number},
    {"out", "output_tokens", Kind::Number},
};
constexpr LinkKey kTail[] = {
    {"gl", "gpu_list", Kind::Text},         // mixed GPUs, in device order
    {"ot", "override_tensor", Kind::Text},  // llama.cpp -ot entries
    {"ts", "tensor_split", Kind::Text},
    {"sm", "split_mode", Kind::Text},       // llama.cpp --split-mode
    {"name", "custom_name", Kind::Name},
    {"params", "custom_params", Kind::Number},
    {"cfg", "custom_config", Kind::Config},  // last: the only long values
    {"tw", "custom_tensors", Kind::Tensors}, // weights read from GGUF/safetensors headers (file_weights.h)
};

// The order keys are written in: kHead, the engine knobs, kTail.
const std::vector<LinkKey>& link_keys() {
    static const std::vector<LinkKey> keys = [] {
        std::vector<LinkKey> v(std::begin(kHead), std::end(kHead));
        for (const Knob& k : engine_knobs())
            v.push_back({k.link_key, k.id, k.kind == KnobKind::Flag ? Kind::Bool : Kind::Number});
        v.insert(v.end(), std::begin(kTail), std::end(kTail));
        return v;
    }();
    return keys;
}


// Shortest decimal that reads back as the same double, without an exponent's '+' or leading zeros
// ("7e9", not "7e+09"), so numbers never need percent escapes.
std::string format_number(double x) {
    char buf[48];
    for (int p = 1; p <= 17; ++p) {
        std::snprintf(buf, sizeof buf, "%.*g", p, x);
        if (std::strtod(buf, nullptr) == x) break;
    }
    std::string s = buf;
    auto e = s.find('e');
    if (e == std::string::npos) return s;
    std::string mant = s.substr(0, e);
    std::string exp = s.substr(e + 1);
    bool neg = !exp.empty() && exp[0] == '-';
    if (!exp.empty() && (exp[0] == '+' || exp[0] == '-')) exp.erase(0, 1);
    exp.erase(0, std::min(exp.find_first_not_of('0'), exp.size() - 1));
    return mant + "e" + (neg ? "-" : "") + exp;
}

// -?digits(.digits)?([eE][+-]?digits)? : what format_number writes; no hex, inf, nan or spaces.
std::optional<double> parse_number(std::string_view t) {
    std::size_t i = 0;
    auto digits = [&] {
        std::size_t start = i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
        return i > start;
    };
    if (i < t.size() && t[i] == '-') ++i;
    if (!digits()) return std::nullopt;
    if (i < t.size() && t[i] == '.') {
        ++i;
        if (!digits()) return std::nullopt;
    }
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
        if (!digits()) return std::nullopt;
    }
    if (i != t.size() || t.size() > 64) return std::nullopt;
    std::string s(t);
    double x = std::strtod(s.c_str(), nullptr);
    if (!std::isfinite(x)) return std::nullopt;
    return x;
}

// A part of a link as a message shows it: at most 40 characters, control bytes and (in text that is
// not UTF-8) high bytes escaped, so a tampered link cannot put garbage into the UI or into JSON.
std::string shown(std::string_view text) {
    const bool utf8 = is_valid_utf8(text);
    std::string out;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const bool lead = !utf8 || (c & 0xC0) != 0x80;  // count code points, not continuation bytes
        if (lead && chars == 40) {
            out += "...";
            break;
        }
        if (lead) ++chars;
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && !utf8)) {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

// ---- config reduction ------------------------------------------------------------------------------
// Every key config_parser.cpp (parse_hf_config and its helpers) reads, at any depth. Keys it does not
// read (id2label, rope_scaling, token ids, eps, transformers_version, ...) are dropped. A key missing
// here is caught by reduce_config_for_link's check and costs only the reduction, never correctness.
const std::set<std::string, std::less<>>& parser_keys() {
    static const std::set<std::string, std::less<>> keys = {
        "_name_or_path", "_sliding_window_pattern", "add_qkv_bias", "architectures", "attention_bias",
        "attention_chunk_size", "attention_head_dim", "attention_window_size", "attn_layer_offset",
        "attn_layer_period", "bias", "bits", "compression_config", "config_groups", "conv_kernel", "d_conv",
        "d_ff", "d_model", "d_state", "decoder_sparse_step", "depth", "dim", "dtype", "embed_dim", "expand",
        "expert_intermediate_size", "expert_layer_offset", "expert_layer_period", "experts_per_token",
        "ffn_dim", "ffn_hidden_size", "first_dense_layers", "first_k_dense_replace", "format",
        "full_attention_interval", "head_dim", "head_size", "hidden_size", "input_activations",
        "interleave_moe_layer_step", "intermediate_size", "intermediate_size_mlp", "kv_channels",
        "kv_lora_rank", "language_config", "layer_types", "layers", "layers_block_type",
        "linear_conv_kernel_dim", "linear_key_head_dim", "linear_num_key_heads", "linear_num_value_heads",
        "linear_value_head_dim", "llm_config", "load_in_4bit", "load_in_8bit", "mamba_d_conv",
        "mamba_d_state", "mamba_dt_rank", "mamba_expand", "mamba_intermediate_size",
        "max_position_embeddings", "max_seq_len", "max_sequence_length", "max_window_layers", "mlp_bias",
        "mlp_only_layers", "model_dim", "model_max_length", "model_type", "moe_intermediate_size",
        "moe_layer_freq", "moe_layers", "moe_num_experts", "moe_top_k", "mtp_num_hidden_layers",
        "multi_query", "multi_query_attention", "multi_query_group_num", "n_ctx", "n_embd", "n_head",
        "n_head_kv", "n_heads", "n_inner", "n_kv_heads", "n_layer", "n_layers", "n_positions",
        "n_routed_experts", "n_shared_experts", "n_vocab", "new_decoder_architecture", "no_rope_layers",
        "num_attention_heads", "num_bits", "num_experts", "num_experts_per_tok", "num_experts_per_token",
        "num_experts_total", "num_heads", "num_hidden_layers", "num_key_value_heads", "num_kv_heads",
        "num_layers", "num_ln_in_parallel_attn", "num_local_experts", "num_mtp_layers",
        "num_nextn_predict_layers", "num_shared_experts", "padded_vocab_size", "parallel_attn",
        "q_lora_rank", "qk_layernorm", "qk_nope_head_dim", "qk_rope_head_dim", "quant_algo",
        "quant_method", "quantization_config", "seq_length", "shared_expert_intermediate_size",
        "sliding_window", "sliding_window_pattern", "sliding_window_size", "state_size", "text_config",
        "thinker_config", "tie_word_embeddings", "time_step_rank", "top_k", "torch_dtype", "type",
        "use_bias", "use_qk_norm", "use_sliding_window", "v_head_dim", "vision_config", "vocab_size",
        "weights", "width",
        // read since issue 13 (core/config/read_*.cpp)
        "altup_num_inputs", "attention_k_eq_v", "attention_out_bias", "attn_output_gate", "audio_config",
        "block_ff_dim", "conf_num_hidden_layers", "conv_L_cache", "cross_attention_layers", "dense_intermediate_size",
        "enable_moe_block", "encoder_ffn_dim", "encoder_layers", "factor", "full_attention",
        "global_head_dim", "hidden_size_per_layer_input", "hybrid_override_pattern", "index_head_dim", "index_n_heads",
        "index_topk", "laurel_rank", "linear_attn_config", "mamba_d_head", "mamba_d_ssm", "mamba_head_dim",
        "mamba_n_groups", "mamba_n_heads", "mamba_num_heads", "mamba_ssm_cache_dtype", "mamba_ssm_dtype",
        "moe_latent_size", "moe_shared_expert_intermediate_size", "n_groups", "num_global_key_value_heads",
        "num_kv_shared_layers", "num_mtp_modules", "original_max_position_embeddings", "out_hidden_size", "position_embedding_type",
        "projection_dim", "rope_parameters", "rope_scaling", "rope_type", "share_expert_dim",
        "shared_intermediate_size", "sparse_attention_config", "ssm_state_size", "text_hidden_size",
        "top_k_experts", "use_double_wide_mlp", "use_mtp", "vocab_size_per_layer_input", "vt_hidden_size",
        "vt_intermediate_size", "vt_num_hidden_layers",
    };
    return keys;
}

json reduce_object(const json& j, bool keep_all_keys) {
    json out = json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!keep_all_keys && !parser_keys().count(it.key())) continue;
        const json& v = it.value();
        // compressed-tensors names its config_groups freely ("group_0"): keep the names, filter inside.
        out[it.key()] = v.is_object() ? reduce_object(v, it.key() == "config_groups") : v;
    }
    return out;
}

bool same_parse(const ParsedConfig& a, const ParsedConfig& b) {
    return a.ok == b.ok && a.error == b.error && a.warnings == b.warnings && same_model_info(a.model, b.model);
}

// ---- percent / base64 helpers ------------------------------------------------------------------------
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// The text after ": expected " in an apply_scenario_json problem, for "ctx=1e99: expected ..." messages.
std::string expectation(const std::vector<std::string>& problems) {
    if (problems.empty()) return "not accepted";
    const std::string& p = problems.front();
    auto a = p.find(": expected ");
    if (a == std::string::npos) return p;
    auto b = p.rfind(", got ");
    return p.substr(a + 2, (b == std::string::npos || b < a ? p.size() : b) - a - 2);
}

}  // namespace

// ---- public helpers -----------------------------------------------------------------------------------

std::string percent_encode(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;  // "%4" at the end
            const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+') {
            out += ' ';  // as URLSearchParams reads it; our encoder writes %2B for a plus
        } else {
            out += c;
        }
    }
    return out;
}

std::string base64url_encode(std::string_view bytes) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                                (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (rest == 2) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        if (rest == 2) out += alphabet[(v >> 6) & 63];
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (text.size() % 4 == 1) return std::nullopt;  // no byte count leaves one character over
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '-' || c == '+') return 62;
        if (c == '_' || c == '/') return 63;
        return -1;
    };
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    return out;
}

bool same_model_info(const ModelInfo& a, const ModelInfo& b) {
    const Architecture& x = a.arch;
    const Architecture& y = b.arch;
    const bool fields =
        a.id == b.id && a.name == b.name && a.hf_id == b.hf_id && a.family == b.family && a.license == b.license &&
        a.year == b.year && a.params_published == b.params_published &&
        a.active_params_published == b.active_params_published && a.modality == b.modality &&
        a.default_format == b.default_format && a.params_only == b.params_only && x.model_type == y.model_type &&
        x.architecture == y.architecture && x.torch_dtype == y.torch_dtype && x.hidden_size == y.hidden_size &&
        x.num_layers == y.num_layers && x.num_heads == y.num_heads && x.num_kv_heads == y.num_kv_heads &&
        x.head_dim == y.head_dim && x.v_head_dim == y.v_head_dim && x.intermediate_size == y.intermediate_size &&
        x.vocab_size == y.vocab_size && x.max_context == y.max_context && x.tied_embeddings == y.tied_embeddings &&
        x.mlp == y.mlp && x.norm == y.norm && x.fused_qkv == y.fused_qkv && x.qkv_bias == y.qkv_bias &&
        x.o_bias == y.o_bias && x.mlp_bias == y.mlp_bias && x.qk_norm == y.qk_norm &&
        x.norms_per_layer == y.norms_per_layer && x.learned_positions == y.learned_positions && x.no_rope == y.no_rope &&
        x.num_experts == y.num_experts && x.experts_per_token == y.experts_per_token &&
        x.num_shared_experts == y.num_shared_experts && x.moe_intermediate_size == y.moe_intermediate_size &&
        x.shared_expert_intermediate_size == y.shared_expert_intermediate_size &&
        x.first_dense_layers == y.first_dense_layers && x.moe_layer_step == y.moe_layer_step &&
        x.expert_bias == y.expert_bias && x.mlp_only_layers == y.mlp_only_layers && x.q_lora_rank == y.q_lora_rank &&
        x.kv_lora_rank == y.kv_lora_rank && x.qk_rope_head_dim == y.qk_rope_head_dim &&
        x.qk_nope_head_dim == y.qk_nope_head_dim && x.sliding_window == y.sliding_window &&
        x.layer_attention == y.layer_attention && x.linear_state_bytes_per_layer == y.linear_state_bytes_per_layer &&
        x.linear_key_heads == y.linear_key_heads && x.linear_value_heads == y.linear_value_heads &&
        x.linear_key_head_dim == y.linear_key_head_dim && x.linear_value_head_dim == y.linear_value_head_dim &&
        x.linear_conv_kernel == y.linear_conv_kernel && x.mamba_d_inner == y.mamba_d_inner &&
        x.mamba_d_state == y.mamba_d_state && x.mamba_dt_rank == y.mamba_dt_rank && x.extra_params == y.extra_params &&
        x.kv_shared_layers == y.kv_shared_layers && x.global_head_dim == y.global_head_dim &&
        x.global_kv_heads == y.global_kv_heads && x.index_topk == y.index_topk && x.mtp_layers == y.mtp_layers &&
        x.ssm_state_dtype == y.ssm_state_dtype && x.unmodelled_cache == y.unmodelled_cache &&
        x.rope_scaling.type == y.rope_scaling.type && x.rope_scaling.factor == y.rope_scaling.factor &&
        x.rope_scaling.original_max_context == y.rope_scaling.original_max_context &&
        x.rope_scaling.in_config == y.rope_scaling.in_config;
    if (!fields) return false;
    // Fields added to Architecture later still show up here if they change any tensor's shape.
    const auto ta = tensor_inventory(x), tb = tensor_inventory(y);
    if (ta.size() != tb.size()) return false;
    for (std::size_t i = 0; i < ta.size(); ++i) {
        if (ta[i].role != tb[i].role || ta[i].layer != tb[i].layer || ta[i].rows != tb[i].rows ||
            ta[i].cols != tb[i].cols || ta[i].count != tb[i].count || ta[i].shared_expert != tb[i].shared_expert)
            return false;
    }
    return true;
}

std::string reduce_config_for_link(std::string_view config_json) {
    JsonParse parsed = parse_json(config_json, kConfigJsonLimits);
    if (!parsed.ok()) return std::string(config_json);
    const json& full = parsed.value;
    const std::string minified = dump_json(full);
    if (!full.is_object()) return minified;
    const std::string reduced = dump_json(reduce_object(full, false));
    // Only keep the reduction when the parser cannot tell the difference.
    const ParsedConfig a = parse_hf_config(minified);
    if (!a.ok) return minified;
    return same_parse(a, parse_hf_config(reduced)) ? reduced : minified;
}

// ---- encode -----------------------------------------------------------------------------------------

std::string encode_share_fragment(const Scenario& s) {
    const json now = scenario_to_json(s);
    const json def = scenario_to_json(Scenario{});
    std::string out = "v=" + std::to_string(kShareLinkVersion);
    for (const LinkKey& k : link_keys()) {
        std::string value;
        if (k.kind == Kind::Config) {
            if (s.custom_config.empty()) continue;
            value = base64url_encode(reduce_config_for_link(s.custom_config));
        } else if (k.kind == Kind::Tensors) {
            if (s.custom_tensors.empty() || s.custom_config.empty()) continue;
            value = base64url_encode(s.custom_tensors);
        } else {
            auto it = now.find(k.field);
            auto d = def.find(k.field);
            if (it == now.end()) continue;              // written only when set (custom_*, gpu_memory_gib)
            if (d != def.end() && *it == *d) continue;  // the default: not written
            const json& v = *it;
            if (v.is_boolean()) value = v.get<bool>() ? "1" : "0";
            else if (v.is_number_integer() || v.is_number_unsigned()) value = v.dump();
            else if (v.is_number_float()) value = format_number(v.get<double>());
            else if (v.is_string()) {
                std::string text = v.get<std::string>();
                // Canonical ids keep links short and stable (an HF id or "AWQ" becomes the catalog id).
                if (k.kind == Kind::Model) {
                    if (const ModelInfo* m = find_model(text)) text = m->id;
                } else if (k.kind == Kind::Gpu) {
                    if (const Gpu* g = find_gpu(text)) text = g->id;
                } else if (k.kind == Kind::Weights) {
                    if (auto f = find_weight_format(text)) text = f->id;
                } else if (k.kind == Kind::Kv) {
                    if (auto f = find_kv_format(text)) text = f->id;
                }
                if (d != def.end() && json(text) == *d) continue;
                value = percent_encode(text);
            } else {
                continue;
            }
        }
        out += '&';
        out += k.key;
        out += '=';
        out += value;
    }
    return out;
}

// ---- decode -----------------------------------------------------------------------------------------

namespace {

// One key=value part of a fragment, percent-decoded.
struct LinkPart {
    std::string key, val;
    std::string label;  // "key=value" as the part's messages show it
};

// What decoding carries from one part to the next.
struct LinkDecoder {
    DecodedLink& out;
    std::set<std::string, std::less<>> applied;  // keys read; a repeated key keeps the first
};

void ignore_part(DecodedLink& out, const LinkPart& p, const std::string& why) {
    out.ignored.push_back(p.label + ": " + why);
}

// The fragment without a leading '#' or '?', or the part of a whole URL after its first '#'.
std::string_view fragment_body(std::string_view fragment) {
    if (auto hash = fragment.find('#'); hash != std::string_view::npos) fragment.remove_prefix(hash + 1);
    else if (!fragment.empty() && fragment.front() == '?') fragment.remove_prefix(1);
    return fragment;
}

// Splits "key=value" and percent-decodes both; nullopt, with the reason in out.ignored, when it cannot.
std::optional<LinkPart> read_part(std::string_view part, DecodedLink& out) {
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
        out.ignored.push_back(shown(part) + ": no value");
        return std::nullopt;
    }
    auto key_dec = percent_decode(part.substr(0, eq));
    auto val_dec = percent_decode(part.substr(eq + 1));
    if (!key_dec || !val_dec) {
        out.ignored.push_back(shown(part) + ": invalid percent escape");
        return std::nullopt;
    }
    LinkPart p{std::move(*key_dec), std::move(*val_dec), ""};
    p.label = shown(p.key) + "=" + shown(p.val);
    return p;
}

// v=: the link's version. A newer one is read best-effort, with a warning.
void read_version(const LinkPart& p, LinkDecoder& d) {
    auto v = parse_number(p.val);
    if (!v || *v < 1 || *v != std::floor(*v) || *v > 1e6) {
        ignore_part(d.out, p, "not a link version; read as v=1");
        return;
    }
    d.applied.insert(p.key);
    if (*v > kShareLinkVersion)
        d.out.warnings.push_back("link made by a newer vramcalc (v=" + format_number(*v) +
                                 "); read as v=" + std::to_string(kShareLinkVersion) +
                                 ": settings this version does not know are skipped");
}

const LinkKey* find_link_key(const std::string& key) {
    const LinkKey* k = nullptr;
    for (const LinkKey& c : link_keys())
        if (key == c.key) k = &c;
    return k;
}

// m=, gpu=, w=, kv=: anything the catalog knows reads as its id. False when it knows nothing.
bool read_catalog_id(Kind kind, const LinkPart& p, DecodedLink& out) {
    Scenario& s = out.scenario;
    const std::string& val = p.val;
    switch (kind) {
        case Kind::Model:
            if (const ModelInfo* m = find_model(val)) s.model = m->id;
            else {
                auto near = val.size() <= 200 ? nearest_model_ids(val) : std::vector<std::string>{};
                ignore_part(out, p, "unknown model" + (near.empty() ? std::string() : " (did you mean " + join(near) + "?)"));
                out.missing_model = shown(val);
                out.missing_model_near = near;
                return false;
            }
            return true;
        case Kind::Gpu:
            if (const Gpu* g = find_gpu(val)) s.gpu = g->id;
            else {
                auto near = val.size() <= 200 ? nearest_gpu_ids(val) : std::vector<std::string>{};
                ignore_part(out, p, "unknown GPU" + (near.empty() ? std::string() : " (did you mean " + join(near) + "?)"));
                return false;
            }
            return true;
        case Kind::Weights:
            if (auto f = find_weight_format(val)) s.weights = f->id;
            else { ignore_part(out, p, "unknown weight format"); return false; }
            return true;
        default:  // Kind::Kv
            if (auto f = find_kv_format(val)) s.kv_dtype = f->id;
            else { ignore_part(out, p, "unknown KV-cache format"); return false; }
            return true;
    }
}

// name=, cfg=, tw=: a custom model's name, config.json and tensor summary. False when not valid.
bool read_custom_model(Kind kind, const LinkPart& p, DecodedLink& out) {
    Scenario& s = out.scenario;
    const std::string& val = p.val;
    if (kind == Kind::Name) {
        if (std::string why = custom_name_problem(val); !why.empty()) { ignore_part(out, p, why); return false; }
        s.custom_name = val;
        return true;
    }
    if (kind == Kind::Config) {
        auto text = val.size() <= kConfigJsonLimits.max_bytes * 4 / 3 + 4 ? base64url_decode(val) : std::nullopt;
        if (!text) { ignore_part(out, p, "not valid base64"); return false; }
        const JsonParse cfg = parse_json(*text, kConfigJsonLimits);
        if (!cfg.ok()) { ignore_part(out, p, cfg.message); return false; }
        if (!cfg.value.is_object()) { ignore_part(out, p, "not a JSON object (config.json)"); return false; }
        s.custom_config = *text;
        return true;
    }
    // Kind::Tensors
    auto text = val.size() <= kFileWeightsMaxText * 4 / 3 + 4 ? base64url_decode(val) : std::nullopt;
    std::string why;
    if (!text) { ignore_part(out, p, "not valid base64"); return false; }
    if (!decode_file_weights(*text, why)) { ignore_part(out, p, why); return false; }
    s.custom_tensors = *text;
    return true;
}

// Numbers, flags, the engine and plain text go through apply_scenario_json, which owns the valid
// ranges; the scenario changes only when it accepts the value.
bool read_scenario_field(const LinkKey& k, const LinkPart& p, DecodedLink& out) {
    Scenario& s = out.scenario;
    json j = json::object();
    if (k.kind == Kind::Number) {
        auto x = parse_number(p.val);
        if (!x) { ignore_part(out, p, "not a number"); return false; }
        j[k.field] = *x;
    } else {
        j[k.field] = p.val;
    }
    // ev= may come before e=: the engine key keeps the version the link names.
    if (k.kind == Kind::Engine) j["engine_version"] = s.engine_version;
    std::vector<std::string> problems;
    Scenario trial = s;
    apply_scenario_json(j, trial, problems);
    if (!problems.empty()) { ignore_part(out, p, expectation(problems)); return false; }
    s = trial;
    return true;
}

// Fields with a catalog or a syntax of their own; the rest go through apply_scenario_json.
bool read_value(const LinkKey& k, const LinkPart& p, DecodedLink& out) {
    switch (k.kind) {
        case Kind::Model:
        case Kind::Gpu:
        case Kind::Weights:
        case Kind::Kv: return read_catalog_id(k.kind, p, out);
        case Kind::Name:
        case Kind::Config:
        case Kind::Tensors: return read_custom_model(k.kind, p, out);
        case Kind::Number:
        case Kind::Bool:
        case Kind::Engine:
        case Kind::Text: return read_scenario_field(k, p, out);
    }
    return false;
}

// One part of the fragment onto d.out: applied, or named in d.out.ignored.
void decode_part(std::string_view part, LinkDecoder& d) {
    const std::optional<LinkPart> p = read_part(part, d.out);
    if (!p) return;
    if (p->val.empty()) {
        ignore_part(d.out, *p, "empty value");
        return;
    }
    if (d.applied.count(p->key)) {
        ignore_part(d.out, *p, "repeated key, the first " + shown(p->key) + " kept");
        return;
    }
    if (p->key == "v") {
        read_version(*p, d);
        return;
    }
    const LinkKey* k = find_link_key(p->key);
    if (!k) {
        ignore_part(d.out, *p, "unknown key");
        return;
    }
    if (read_value(*k, *p, d.out)) d.applied.insert(p->key);
}

}  // namespace

DecodedLink decode_share_fragment(std::string_view fragment, const Scenario& base) {
    DecodedLink out;
    out.scenario = base;
    fragment = fragment_body(fragment);
    LinkDecoder d{out, {}};
    std::size_t pos = 0;
    while (pos <= fragment.size()) {
        std::size_t amp = fragment.find('&', pos);
        if (amp == std::string_view::npos) amp = fragment.size();
        const std::string_view part = fragment.substr(pos, amp - pos);
        pos = amp + 1;
        if (part.empty()) continue;
        try {
            decode_part(part, d);
        } catch (const std::exception& e) {
            // Nothing above should throw; if a catalog or JSON call ever does, the rest of the link still applies.
            out.ignored.push_back(shown(part) + ": " + shown(e.what()));
        }
    }
    // A missing v reads as v=1: there were no links before v=1, and hand-typed ones use v=1's keys.
    return out;
}

}  // namespace vramcalc
