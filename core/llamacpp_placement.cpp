#include "llamacpp_placement.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace vramcalc {

namespace {

// LLM_TENSOR_NAMES of src/llama-arch.cpp for the roles the inventory knows.
const char* layer_tensor_base(TensorRole role, bool moe_layer) {
    switch (role) {
        case TensorRole::AttnQ: return "attn_q";
        case TensorRole::AttnK: return "attn_k";
        case TensorRole::AttnV: return "attn_v";
        case TensorRole::AttnQkv: return "attn_qkv";
        case TensorRole::AttnO: return "attn_output";
        case TensorRole::MlaQA: return "attn_q_a";
        case TensorRole::MlaQB: return "attn_q_b";
        case TensorRole::MlaKvA: return "attn_kv_a_mqa";
        case TensorRole::MlaKvB: return "attn_kv_b";
        case TensorRole::MlpGate: return moe_layer ? "ffn_gate_shexp" : "ffn_gate";
        case TensorRole::MlpUp: return moe_layer ? "ffn_up_shexp" : "ffn_up";
        case TensorRole::MlpDown: return moe_layer ? "ffn_down_shexp" : "ffn_down";
        case TensorRole::ExpertGate: return "ffn_gate_exps";
        case TensorRole::ExpertUp: return "ffn_up_exps";
        case TensorRole::ExpertDown: return "ffn_down_exps";
        case TensorRole::Router: return "ffn_gate_inp";
        case TensorRole::Norm: return "attn_norm";
        default: return "misc";
    }
}

// std::regex backtracks: a repeated group that itself repeats or alternates ("(a+)+", "(.|.)*") can take
// exponential time on a short name. llama.cpp has the same weakness; we refuse such patterns instead of
// hanging the page.
bool nested_repetition(const std::string& p) {
    std::vector<bool> group_risky;  // per open group: does it contain a quantifier or an alternation
    bool last_group_risky = false;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\') { ++i; last_group_risky = false; continue; }
        const bool quant = c == '*' || c == '+' || c == '{' || (c == '?' && i > 0 && p[i - 1] != '(');
        if (quant) {
            if (last_group_risky) return true;
            if (!group_risky.empty()) group_risky.back() = true;
        }
        if (c == '|' && !group_risky.empty()) group_risky.back() = true;
        last_group_risky = false;
        if (c == '(') group_risky.push_back(false);
        if (c == ')' && !group_risky.empty()) {
            last_group_risky = group_risky.back();
            group_risky.pop_back();
            if (last_group_risky && !group_risky.empty()) group_risky.back() = true;
        }
    }
    return false;
}

std::vector<std::string> split_list(const std::string& text, const char* seps) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
        if (std::string(seps).find(c) != std::string::npos) {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

// "CPU" -> -1, "CUDA1" / "Vulkan1" / "ROCm1" / "SYCL1" / "Metal" -> the device index; -2 when unknown.
int buffer_device(const std::string& buft) {
    if (buft == "CPU" || buft == "CPU_Mapped" || buft == "CPU_REPACK") return -1;
    if (buft == "Metal" || buft == "MTL0") return 0;
    for (const char* prefix : {"CUDA", "Vulkan", "ROCm", "SYCL", "MUSA", "CANN"}) {
        const std::string p(prefix);
        if (buft.size() > p.size() && buft.compare(0, p.size(), p) == 0) {
            const std::string n = buft.substr(p.size());
            if (n.size() > 3 || n.find_first_not_of("0123456789") != std::string::npos) return -2;
            return std::atoi(n.c_str());
        }
    }
    return -2;
}

std::string entry_problem(const std::string& entry) {
    const auto eq = entry.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size())
        return "'" + entry + "' is not REGEX=BUFFER (e.g. \\.ffn_.*_exps\\.=CPU)";
    const std::string pattern = entry.substr(0, eq), buft = entry.substr(eq + 1);
    if (pattern.size() > 512) return "a pattern longer than 512 characters";
    if (buffer_device(buft) < -1) return "unknown buffer type '" + buft + "' (CPU, CUDA0, CUDA1, ...)";
    if (nested_repetition(pattern)) return "'" + pattern + "' repeats a group that repeats or alternates itself; write it without nesting";
    try {
        std::regex re(pattern);
    } catch (const std::regex_error&) {
        return "'" + pattern + "' is not a valid regular expression";
    }
    return "";
}

// The literal text a pattern starts with ("blk\\.7\\.ffn_" -> "blk.7.ffn_"): every match contains it. Empty
// (no shortcut) when the pattern has an alternation outside parentheses.
std::string literal_part(const std::string& p) {
    int depth = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '\\') { ++i; continue; }
        if (p[i] == '(') ++depth;
        if (p[i] == ')') --depth;
        if (p[i] == '|' && depth <= 0) return "";
    }
    std::string lit;
    std::size_t i = 0;
    for (; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size() && std::string(".-_/[](){}*+?|^$\\").find(p[i + 1]) != std::string::npos) {
            lit += p[++i];
            continue;
        }
        if (std::string(".[](){}*+?|^$\\").find(c) != std::string::npos) break;
        lit += c;
    }
    // a quantifier right after the literal makes its last character optional
    if (i < p.size() && (p[i] == '*' || p[i] == '?' || p[i] == '{') && !lit.empty()) lit.pop_back();
    return lit;
}

// "blk.7.ffn_up_exps.weight": what --cpu-moe's "\\.ffn_(up|down|gate|gate_up)_(ch|)exps" matches.
bool is_expert_tensor(const std::string& name, std::int64_t& layer) {
    if (name.compare(0, 4, "blk.") != 0) return false;
    const std::size_t dot = name.find('.', 4);
    if (dot == std::string::npos) return false;
    layer = std::atoll(name.substr(4, dot - 4).c_str());
    for (const char* k : {".ffn_up_exps", ".ffn_down_exps", ".ffn_gate_exps", ".ffn_gate_up_exps",
                          ".ffn_up_chexps", ".ffn_down_chexps", ".ffn_gate_chexps", ".ffn_gate_up_chexps"})
        if (name.find(k) != std::string::npos) return true;
    return false;
}

}  // namespace

std::string llama_tensor_name(TensorRole role, std::int64_t layer, bool moe_layer, bool expert_bias) {
    switch (role) {
        case TensorRole::TokenEmbedding: return "token_embd.weight";
        case TensorRole::PositionEmbedding: return "position_embd.weight";
        case TensorRole::LmHead: return "output.weight";
        case TensorRole::FinalNorm: return "output_norm.weight";
        case TensorRole::Extra: return "mmproj";
        default: break;
    }
    const std::string blk = "blk." + std::to_string(layer) + ".";
    if (role == TensorRole::Bias) return blk + (expert_bias ? "ffn_up_exps.bias" : "bias");
    return blk + layer_tensor_base(role, moe_layer) + ".weight";
}

std::string expert_layer_pattern(std::int64_t layer) {
    return "blk\\." + std::to_string(layer) + "\\.ffn_(up|down|gate|gate_up)_(ch|)exps";
}

bool TensorPlacement::override_for(const std::string& tensor_name, int& device) const {
    for (const BufferOverride& o : overrides)
        if (tensor_name.find(o.literal) != std::string::npos && std::regex_search(tensor_name, o.re)) {
            device = o.device;
            return true;
        }
    std::int64_t layer = -1;
    if (cpu_moe_layers > 0 && is_expert_tensor(tensor_name, layer) && layer < cpu_moe_layers) {
        device = -1;
        return true;
    }
    return false;
}

std::string override_text_problem(const std::string& text) {
    if (text.size() > kMaxOverrideText) return "longer than " + std::to_string(kMaxOverrideText) + " bytes";
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) return "only printable ASCII";
    for (const std::string& e : split_list(text, ","))
        if (std::string why = entry_problem(e); !why.empty()) return why;
    return "";
}

std::string tensor_split_problem(const std::string& text) {
    if (text.size() > 512) return "longer than 512 bytes";
    // Checked before a part is quoted in the message, which must stay one line.
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) return "only printable ASCII";
    const auto parts = split_list(text, ",/");
    if (parts.size() > 16) return "at most 16 devices (llama_max_devices)";
    double sum = 0;
    for (const std::string& p : parts) {
        char* end = nullptr;
        const double x = std::strtod(p.c_str(), &end);
        if (end == nullptr || *end != '\0' || !std::isfinite(x) || x < 0 || x > 1e6) return "'" + p + "' is not a proportion >= 0";
        sum += x;
    }
    if (!parts.empty() && sum <= 0) return "the proportions add up to 0";
    return "";
}

TensorPlacement read_tensor_placement(const Scenario& s, int n_devices) {
    TensorPlacement p;
    if (std::string why = override_text_problem(s.override_tensor); !why.empty()) {
        p.error = "override_tensor: " + why;
        return p;
    }
    for (const std::string& e : split_list(s.override_tensor, ",")) {
        const auto eq = e.rfind('=');
        const int dev = buffer_device(e.substr(eq + 1));
        if (dev >= n_devices) {
            p.error = "override_tensor: " + e.substr(eq + 1) + " names a GPU the layout does not have (" + std::to_string(n_devices) + " GPUs)";
            return p;
        }
        const std::string pattern = e.substr(0, eq);
        p.overrides.push_back({pattern, dev, std::regex(pattern), literal_part(pattern)});
    }
    p.cpu_moe_layers = s.cpu_moe ? INT64_MAX : s.n_cpu_moe;
    if (!s.tensor_split.empty()) {
        if (std::string why = tensor_split_problem(s.tensor_split); !why.empty()) {
            p.error = "tensor_split: " + why;
            return p;
        }
        for (const std::string& x : split_list(s.tensor_split, ",/")) p.split.push_back(std::strtod(x.c_str(), nullptr));
        if (static_cast<int>(p.split.size()) > n_devices) {
            p.error = "tensor_split: " + std::to_string(p.split.size()) + " proportions for " + std::to_string(n_devices) + " GPUs";
            return p;
        }
        p.split.resize(static_cast<std::size_t>(n_devices), 0.0);  // llama.cpp zero-fills the missing ones
    }
    return p;
}

}  // namespace vramcalc
