#include "command_text.h"

#include <algorithm>
#include <cctype>

namespace vramcalc {

std::string joined_flags(const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : " \\\n  ") + parts[i];
    return out;
}

std::string shell_word(const std::string& s) {
    const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '_' || c == '.' || c == ':';
    });
    if (plain && !s.empty()) return s;
    std::string q = "'";
    for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string model_ref(const ResolvedScenario& r) {
    return r.model.hf_id.empty() ? std::string("/path/to/model") : r.model.hf_id;
}

std::string checkpoint_note(const ResolvedScenario& r) {
    const std::string& k = r.weights.kind;
    if (k == "awq" || k == "gptq" || (k == "int" && r.weights.id == "int8") || k == "exl2")
        return "# weights: the " + r.weights.name + " checkpoint of " + model_ref(r) + "\n# (its quantization_config selects the kernel)\n";
    // The format's name already says GGUF ("GGUF Q4_K_M").
    if (k == "gguf") return "# weights: the " + r.weights.name + " file of " + model_ref(r) + "\n";
    return "";
}

std::string quantization_flag_value(const ResolvedScenario& r) {
    const std::string& k = r.weights.kind;
    if (r.weights.id == "fp8" && r.model.default_format != "fp8") return "fp8";  // online dynamic FP8
    if (k == "bnb") return "bitsandbytes";
    if (k == "gguf") return "gguf";
    return "";
}

}  // namespace vramcalc
