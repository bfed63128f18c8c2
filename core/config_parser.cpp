// Hugging Face config.json -> ModelInfo. The JSON is parsed here; each section of the config is read
// by its own reader in core/config/ (sizes, family flags, MLA, MoE, attention pattern, recurrent
// state, per-layer extras, context and RoPE, vision/audio towers, quantization), in that order.
// Never throws: JSON is parsed by parse_json (bounded size and depth, no exceptions) and every access
// checks the type first.
#include "config_parser.h"

#include <string>

#include <nlohmann/json.hpp>

#include "bounded_json.h"
#include "config/readers.h"

namespace vramcalc {
namespace {

using nlohmann::json;

std::string string_at(const json& o, const char* key) {
    auto it = o.find(key);
    return (it != o.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

// The language model's config: text_config (Llama 4, Gemma 3/4, Mistral3, Qwen3-VL/3.5, Kimi-VL/K2.5,
// GLM-4.xV, LLaVA, Granite vision), llm_config (InternVL), language_config (DeepSeek-VL2),
// thinker_config (Qwen-Omni).
const json* language_model_config(const json& root) {
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
    return text;
}

std::string language_model_type(const json& root, const json& text, std::vector<std::string>& warnings) {
    if (&text == &root) {
        std::string t = string_at(root, "model_type");
        // Old Falcon checkpoints say "RefinedWeb"/"RefinedWebModel" in model_type; some custom configs none.
        if (t.empty()) warnings.push_back("model_type missing: family defaults unknown");
        return t;
    }
    std::string t = string_at(text, "model_type");
    if (!t.empty()) return t;
    const std::string rt = string_at(root, "model_type");
    if (rt == "gemma3") return "gemma3_text";
    if (rt == "gemma4") return "gemma4_text";
    if (rt == "llama4") return "llama4_text";
    return rt;
}

bool read_sections(config::Reader& r, ModelInfo& m, const config::Family& f) {
    Architecture& a = m.arch;
    return config::read_core_sizes(r, a, f) && config::read_context(r, a, f) && config::read_family_flags(r, a, f) &&
           config::read_mla(r, a, f) && config::read_moe(r, a, f) && config::read_extras(r, a, f) &&
           config::read_attention_pattern(r, a, f) && config::read_recurrent_state(r, a, f) && config::read_towers(r, m);
}

}  // namespace

ParsedConfig parse_hf_config(std::string_view json_text) {
    ParsedConfig out;
    JsonParse parsed = parse_json(json_text, kConfigJsonLimits);
    if (!parsed.ok()) {
        out.error = "config is " + parsed.message;  // "config is not valid JSON: line 3, column 9: ..."
        return out;
    }
    return parse_hf_config_json(parsed.value);
}

ParsedConfig parse_hf_config_json(const json& root) {
    ParsedConfig out;
    if (!root.is_object()) {
        out.error = "config must be a JSON object (the contents of config.json)";
        return out;
    }
    const json& text = *language_model_config(root);
    config::Reader r{root, text, {}, out.warnings};
    ModelInfo& m = out.model;
    const config::Family f = config::read_family(r, m.arch, language_model_type(root, text, out.warnings));
    if (!read_sections(r, m, f)) {
        out.error = r.error.empty() ? "config could not be read" : r.error;
        return out;
    }
    m.arch.unmodelled_cache = config::unmodelled_cache_reason(r, m.arch, f);

    m.hf_id = r.str({"_name_or_path"}, true);
    if (!m.hf_id.empty()) {
        auto slash = m.hf_id.find_last_of('/');
        m.name = slash == std::string::npos ? m.hf_id : m.hf_id.substr(slash + 1);
    } else {
        m.name = m.arch.architecture.empty() ? f.model_type : m.arch.architecture;
    }
    if (const json* q = r.find({"quantization_config", "compression_config"}); q)
        m.default_format = config::format_from_quantization(*q, out.warnings);
    out.ok = true;
    return out;
}

}  // namespace vramcalc
