#include "reader.h"

#include "../bounded_json.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace vramcalc::config {

namespace {

// Ranges of every integer field the readers take (docs/config-fields.md prints the same table).
// Upper bounds sit one to two orders of magnitude above the largest published model so that a
// typo or a hostile value is refused while any real or plausible future config parses; products
// of them (layers x heads x head_dim x experts ...) stay far inside 2^63.
const std::vector<FieldRange> kRanges = {
    {"hidden_size", 1, 1000000},
    {"num_hidden_layers", 1, 10000},
    {"num_attention_heads", 1, 100000},
    {"num_key_value_heads", 1, 100000},
    {"vocab_size", 1, 100000000},
    {"head_dim", 1, 100000},
    {"v_head_dim", 1, 100000},
    {"global_head_dim", 1, 100000},
    {"num_global_key_value_heads", 1, 100000},
    {"intermediate_size", 0, 10000000},
    {"max_position_embeddings", 1, 1000000000},
    {"sliding_window", 0, 1000000000},
    {"sliding_window_pattern", 0, 10000},
    {"max_window_layers", 0, 10000},
    {"attention_chunk_size", 0, 1000000000},
    {"full_attention_interval", 0, 10000},
    {"num_kv_shared_layers", 0, 10000},
    // MoE
    {"num_experts", 0, 100000},
    {"num_experts_per_tok", 0, 100000},
    {"moe_intermediate_size", 0, 10000000},
    {"n_shared_experts", 0, 1000},
    {"shared_expert_intermediate_size", 0, 10000000},
    {"first_k_dense_replace", 0, 10000},
    {"moe_layer_freq", 0, 10000},
    {"expert_layer_period", 0, 10000},
    {"expert_layer_offset", 0, 10000},
    {"attn_layer_period", 0, 10000},
    {"attn_layer_offset", 0, 10000},
    // MLA and the sparse-attention indexer
    {"kv_lora_rank", 0, 100000},
    {"q_lora_rank", 0, 100000},
    {"qk_rope_head_dim", 1, 10000},
    {"qk_nope_head_dim", 0, 10000},
    {"index_n_heads", 0, 10000},
    {"index_head_dim", 0, 100000},
    {"index_topk", 0, 1000000000},
    // linear attention, Mamba, short convolution
    {"linear_num_key_heads", 1, 100000},
    {"linear_num_value_heads", 1, 100000},
    {"linear_key_head_dim", 1, 100000},
    {"linear_value_head_dim", 1, 100000},
    {"linear_conv_kernel_dim", 1, 1024},
    {"mamba_n_heads", 1, 100000},
    {"mamba_d_head", 1, 100000},
    {"mamba_d_state", 1, 100000},
    {"mamba_n_groups", 1, 100000},
    {"mamba_expand", 1, 1024},
    {"mamba_d_inner", 1, 10000000},
    {"mamba_dt_rank", 1, 1000000},
    {"conv_L_cache", 1, 1024},
    // per-layer embeddings, AltUp, LAuReL, MTP
    {"hidden_size_per_layer_input", 0, 1000000},
    {"vocab_size_per_layer_input", 0, 100000000},
    {"altup_num_inputs", 0, 64},
    {"laurel_rank", 0, 1000000},
    {"num_nextn_predict_layers", 0, 1000},
    // quantization
    {"bits", 1, 64},
};

// Aliases: the field names of other families read into the same place share its range.
const std::vector<std::pair<const char*, const char*>> kAliases = {
    {"n_embd", "hidden_size"}, {"d_model", "hidden_size"}, {"dim", "hidden_size"}, {"model_dim", "hidden_size"},
    {"n_layer", "num_hidden_layers"}, {"n_layers", "num_hidden_layers"}, {"num_layers", "num_hidden_layers"},
    {"n_head", "num_attention_heads"}, {"n_heads", "num_attention_heads"}, {"num_heads", "num_attention_heads"},
    {"padded_vocab_size", "vocab_size"}, {"n_vocab", "vocab_size"},
    {"n_head_kv", "num_key_value_heads"}, {"num_kv_heads", "num_key_value_heads"}, {"n_kv_heads", "num_key_value_heads"},
    {"multi_query_group_num", "num_key_value_heads"},
    {"kv_channels", "head_dim"}, {"attention_head_dim", "head_dim"}, {"head_size", "head_dim"},
    {"n_inner", "intermediate_size"}, {"ffn_hidden_size", "intermediate_size"}, {"ffn_dim", "intermediate_size"},
    {"d_ff", "intermediate_size"}, {"ff_intermediate_size", "intermediate_size"}, {"intermediate_size_mlp", "intermediate_size"},
    {"block_ff_dim", "intermediate_size"}, {"dense_intermediate_size", "intermediate_size"},
    {"n_positions", "max_position_embeddings"}, {"seq_length", "max_position_embeddings"},
    {"max_seq_len", "max_position_embeddings"}, {"max_sequence_length", "max_position_embeddings"},
    {"n_ctx", "max_position_embeddings"}, {"model_max_length", "max_position_embeddings"},
    {"sliding_window_size", "sliding_window"}, {"attention_window_size", "sliding_window"},
    {"_sliding_window_pattern", "sliding_window_pattern"},
    {"num_local_experts", "num_experts"}, {"n_routed_experts", "num_experts"}, {"moe_num_experts", "num_experts"},
    {"num_experts_total", "num_experts"},
    {"experts_per_token", "num_experts_per_tok"}, {"moe_top_k", "num_experts_per_tok"},
    {"num_experts_per_token", "num_experts_per_tok"}, {"top_k", "num_experts_per_tok"},
    {"top_k_experts", "num_experts_per_tok"},
    {"expert_intermediate_size", "moe_intermediate_size"},
    {"num_shared_experts", "n_shared_experts"},
    {"shared_intermediate_size", "shared_expert_intermediate_size"},
    {"moe_shared_expert_intermediate_size", "shared_expert_intermediate_size"},
    {"first_dense_layers", "first_k_dense_replace"},
    {"interleave_moe_layer_step", "moe_layer_freq"}, {"decoder_sparse_step", "moe_layer_freq"},
    {"mamba_d_conv", "linear_conv_kernel_dim"}, {"conv_kernel", "linear_conv_kernel_dim"},
    {"d_conv", "linear_conv_kernel_dim"},
    {"mamba_num_heads", "mamba_n_heads"}, {"mamba_head_dim", "mamba_d_head"},
    {"ssm_state_size", "mamba_d_state"}, {"state_size", "mamba_d_state"}, {"d_state", "mamba_d_state"},
    {"n_groups", "mamba_n_groups"}, {"expand", "mamba_expand"},
    {"mamba_intermediate_size", "mamba_d_inner"}, {"mamba_d_ssm", "mamba_d_inner"},
    {"time_step_rank", "mamba_dt_rank"},
    {"mtp_num_hidden_layers", "num_nextn_predict_layers"}, {"num_mtp_layers", "num_nextn_predict_layers"},
};

}  // namespace

const std::vector<FieldRange>& field_ranges() { return kRanges; }

const FieldRange* field_range(std::string_view name) {
    for (const auto& [alias, canonical] : kAliases)
        if (name == alias) {
            name = canonical;
            break;
        }
    for (const FieldRange& f : kRanges)
        if (name == f.name) return &f;
    return nullptr;
}

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

bool one_of(const std::string& s, std::initializer_list<const char*> list) {
    for (const char* x : list)
        if (s == x) return true;
    return false;
}

namespace {

// JSON-quoted, so a value holding a newline or a quote stays one readable line; cut to 80 bytes.
std::string show(const json& v) { return clean_utf8(dump_json(v), 80); }

}  // namespace

const json* Reader::find(std::initializer_list<const char*> names, bool top_fallback) const {
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

const char* Reader::found_name(std::initializer_list<const char*> names, bool top_fallback) const {
    const json* v = find(names, top_fallback);
    if (v)
        for (const char* n : names)
            for (const json* obj : {&text, &top}) {
                auto it = obj->find(n);
                if (it != obj->end() && &*it == v) return n;
            }
    return *names.begin();
}

bool check_range(Reader& r, const char* name, std::int64_t v) {
    const FieldRange* f = field_range(name);
    if (!f || (v >= f->min && v <= f->max)) return true;
    r.fail(std::string(name) + " " + std::to_string(v) + " is out of range (" + std::to_string(f->min) + " to " +
           std::to_string(f->max) + ")");
    return false;
}

std::optional<std::int64_t> Reader::integer(std::initializer_list<const char*> names, bool top_fallback) {
    const json* v = find(names, top_fallback);
    if (!v) return std::nullopt;
    const char* name = found_name(names, top_fallback);
    std::optional<std::int64_t> out;
    // 2^53: every integer a double holds exactly, far above every range below.
    constexpr double kExact = 9007199254740992.0;
    if (v->is_number_unsigned()) {
        if (v->get<std::uint64_t>() <= static_cast<std::uint64_t>(kExact)) out = static_cast<std::int64_t>(v->get<std::uint64_t>());
    } else if (v->is_number_integer()) {
        const std::int64_t i = v->get<std::int64_t>();
        if (i >= -static_cast<std::int64_t>(kExact) && i <= static_cast<std::int64_t>(kExact)) out = i;
    } else if (v->is_number_float()) {
        const double d = v->get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= kExact) out = static_cast<std::int64_t>(d);
    }
    if (!out) {
        if (v->is_number() && !(v->is_number_float() && v->get<double>() != std::floor(v->get<double>())))
            fail(std::string(name) + " " + show(*v) + " is out of range" +
                 (field_range(name) ? " (" + std::to_string(field_range(name)->min) + " to " +
                                          std::to_string(field_range(name)->max) + ")"
                                    : std::string()));
        else
            fail(std::string(name) + " must be an integer, got " + show(*v));
        return std::nullopt;
    }
    if (!check_range(*this, name, *out)) return std::nullopt;
    return out;
}

std::optional<std::int64_t> Reader::soft_integer(std::initializer_list<const char*> names, bool top_fallback) {
    const std::string before = error;
    auto v = integer(names, top_fallback);
    if (error != before) {
        warn(error + ": ignored");
        error = before;
        return std::nullopt;
    }
    return v;
}

std::optional<double> Reader::number(std::initializer_list<const char*> names, bool top_fallback) const {
    const json* v = find(names, top_fallback);
    if (v && v->is_number() && std::isfinite(v->get<double>())) return v->get<double>();
    return std::nullopt;
}

std::optional<bool> Reader::boolean(std::initializer_list<const char*> names, bool top_fallback) const {
    const json* v = find(names, top_fallback);
    if (v && v->is_boolean()) return v->get<bool>();
    if (v && v->is_number_integer()) return v->get<std::int64_t>() != 0;
    return std::nullopt;
}

std::string Reader::str(std::initializer_list<const char*> names, bool top_fallback) const {
    const json* v = find(names, top_fallback);
    if (v && v->is_string()) return v->get<std::string>();
    return {};
}

}  // namespace vramcalc::config
