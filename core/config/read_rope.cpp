// The trained context (max_position_embeddings and its aliases) and how RoPE was stretched to
// reach it (rope_scaling, or rope_parameters in transformers 4.56+ configs).
#include "readers.h"

namespace vramcalc::config {

namespace {

// Class defaults of max_position_embeddings when the config leaves it out.
std::int64_t default_context(const std::string& mt) {
    if (mt == "llama") return 2048;                                            // LlamaConfig
    if (mt == "mistral" || mt == "mixtral") return 4096 * 32;                  // MistralConfig
    if (one_of(mt, {"falcon", "RefinedWeb", "RefinedWebModel"})) return 2048;  // FalconConfig
    if (mt == "gemma3_text") return 131072;                                    // Gemma3TextConfig
    return 4096;
}

// rope_scaling may sit at the top (most families), inside rope_parameters (transformers 4.56+), or per
// layer type (Gemma 4 rope_parameters.full_attention): the first object with a type or a factor wins.
const json* scaling_object(const Reader& r) {
    for (const char* key : {"rope_scaling", "rope_parameters"}) {
        const json* o = r.find({key});
        if (!o || !o->is_object()) continue;
        if (o->contains("factor") || o->contains("type") || o->contains("rope_type")) return o;
        if (auto full = o->find("full_attention"); full != o->end() && full->is_object()) return &*full;
    }
    return nullptr;
}

}  // namespace

bool read_context(Reader& r, Architecture& a, const Family& f) {
    a.max_context = r.integer({"max_position_embeddings", "n_positions", "seq_length", "max_seq_len",
                               "max_sequence_length", "n_ctx", "model_max_length"}).value_or(0);
    if (!r.ok()) return false;
    if (a.max_context <= 0) {
        a.max_context = default_context(f.model_type);
        r.warn("max_position_embeddings missing: " + std::to_string(a.max_context) + " assumed");
    }
    if (const json* s = scaling_object(r)) {
        RopeScaling& rs = a.rope_scaling;
        for (const char* k : {"rope_type", "type"})
            if (auto it = s->find(k); it != s->end() && it->is_string()) {
                rs.type = lower(it->get<std::string>());
                break;
            }
        if (rs.type == "default") rs.type.clear();
        if (auto it = s->find("factor"); it != s->end() && it->is_number()) {
            const double factor = it->get<double>();
            if (factor > 0.0 && factor <= 1e6) rs.factor = factor;
        }
        if (auto it = s->find("original_max_position_embeddings"); it != s->end() && it->is_number_integer()) {
            const std::int64_t orig = it->get<std::int64_t>();
            if (orig > 0 && orig <= a.max_context) rs.original_max_context = orig;
        }
        if (rs.type.empty() && rs.factor == 0.0) rs = RopeScaling{};
        else rs.in_config = true;
    }
    // Phi-3 long-context configs keep original_max_position_embeddings at the top.
    if (a.rope_scaling.in_config && a.rope_scaling.original_max_context == 0)
        if (auto orig = r.soft_integer({"original_max_position_embeddings"}); orig && *orig <= a.max_context)
            a.rope_scaling.original_max_context = *orig;
    return true;
}

}  // namespace vramcalc::config
