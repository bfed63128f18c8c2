// quantization_config (or compression_config) -> a weight format id of core/data/formats.json.
#include <cmath>

#include "readers.h"

namespace vramcalc::config {

namespace {

std::string get_s(const json& o, const char* k) {
    auto it = o.find(k);
    return (it != o.end() && it->is_string()) ? lower(it->get<std::string>()) : std::string();
}

// Bit widths: 1..64, anything else (1e300, -3, "4") reads as 0 = not given.
std::int64_t get_bits(const json& o, const char* k) {
    auto it = o.find(k);
    if (it == o.end() || !it->is_number()) return 0;
    const double v = it->get<double>();
    return (std::isfinite(v) && v >= 1.0 && v <= 64.0) ? static_cast<std::int64_t>(v) : 0;
}

bool get_b(const json& o, const char* k) {
    auto it = o.find(k);
    return it != o.end() && it->is_boolean() && it->get<bool>();
}

// compressed-tensors (llm-compressor): weights num_bits / type and whether activations are quantized
// decide the scheme: W8A8 int -> int8, W8A8 float -> fp8, W4A16 -> gptq-int4, W8A16 -> gptq-int8.
std::string compressed_tensors_format(const json& q, std::vector<std::string>& warnings) {
    std::int64_t wbits = 0;
    std::string wtype;
    bool act = false;
    if (auto groups = q.find("config_groups"); groups != q.end() && groups->is_object()) {
        for (const auto& g : groups->items()) {
            const json& grp = g.value();
            if (!grp.is_object()) continue;
            if (auto w = grp.find("weights"); w != grp.end() && w->is_object()) {
                wbits = get_bits(*w, "num_bits");
                wtype = get_s(*w, "type");
            }
            if (auto a = grp.find("input_activations"); a != grp.end() && a->is_object()) act = true;
            break;
        }
    }
    const std::string fmt = get_s(q, "format");
    if (wtype == "float" || fmt == "float-quantized") return "fp8";
    if (wbits == 8 && act) return "int8";
    if (wbits == 8) return "gptq-int8";
    if (wbits == 4) return "gptq-int4";
    if (fmt == "int-quantized") return "int8";
    if (fmt == "pack-quantized") return "gptq-int4";
    warnings.push_back("compressed-tensors scheme not recognised; weights assumed 16-bit");
    return {};
}

}  // namespace

std::string format_from_quantization(const json& q, std::vector<std::string>& warnings) {
    if (!q.is_object()) return {};
    const std::string method = get_s(q, "quant_method");
    if (method == "awq") return "awq";
    if (method == "gptq" || method == "gptqmodel" || method == "auto-round" || method == "autoround") {
        const std::int64_t bits = get_bits(q, "bits");
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
        const std::string algo = get_s(q, "quant_algo");
        if (algo.find("fp8") != std::string::npos) return "fp8";
    }
    if (method == "compressed-tensors") return compressed_tensors_format(q, warnings);
    if (!method.empty()) warnings.push_back("quantization method \"" + method + "\" not recognised; weights assumed 16-bit");
    return {};
}

}  // namespace vramcalc::config
