// Weight and KV formats: the table comes from core/data/formats.json; the per-tensor byte rules
// below follow how each format's checkpoint stores a tensor (packing, scales, zero points) and
// which tensors it leaves in 16 bit.
#include "formats.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "bounded_json.h"
#include "data/embedded.h"
#include "gguf.h"

namespace vramcalc {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> string_list(const nlohmann::json& j, const char* key) {
    std::vector<std::string> out;
    if (j.contains(key) && j[key].is_array())
        for (const auto& v : j[key])
            if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

struct Tables {
    std::vector<WeightFormat> weights;
    std::vector<KvFormat> kv;
};

const Tables& tables() {
    static const Tables t = [] {
        Tables out;
        const JsonParse parsed = parse_json(embedded_formats_json(), kCatalogJsonLimits);
        const nlohmann::json& j = parsed.value;
        if (!parsed.ok() || !j.is_object()) return out;
        if (j.contains("weights") && j["weights"].is_array()) {
            for (const auto& w : j["weights"]) {
                WeightFormat f;
                f.id = lower(w.value("id", std::string()));
                f.name = w.value("name", f.id);
                f.kind = w.value("kind", std::string("float"));
                f.description = w.value("description", std::string());
                f.bits_per_weight = w.value("bits_per_weight", 16.0);
                f.group_size = w.value("group_size", 0);
                f.head_bits = w.value("head_bits", 0.0);
                f.loaders = string_list(w, "loaders");
                if (f.kind == "gguf")
                    if (auto ft = gguf_ftype(f.id)) f.gguf_ftype = static_cast<int>(*ft);
                if (!f.id.empty()) out.weights.push_back(f);
            }
        }
        if (j.contains("kv") && j["kv"].is_array()) {
            for (const auto& k : j["kv"]) {
                KvFormat f;
                f.id = lower(k.value("id", std::string()));
                f.name = k.value("name", f.id);
                f.description = k.value("description", std::string());
                f.bits_per_value = k.value("bits_per_value", 16.0);
                f.loaders = string_list(k, "loaders");
                if (!f.id.empty()) out.kv.push_back(f);
            }
        }
        return out;
    }();
    return t;
}

const WeightFormat* table_weight(const std::string& id) {
    for (const auto& f : tables().weights)
        if (f.id == id) return &f;
    return nullptr;
}

std::string trim_number(double x) {
    std::string s = std::to_string(x);
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

// Roles a weight-only / W8A8 quantizer converts: the Linear layers of the decoder blocks.
// Embeddings, lm_head, norms, biases, the MoE router and a vision tower stay 16-bit
// (AutoAWQ/GPTQ modules_to_not_convert, bitsandbytes get_keys_to_not_convert, vLLM FP8 ignore).
bool is_quantized_linear(TensorRole r) {
    switch (r) {
        case TensorRole::AttnQ: case TensorRole::AttnK: case TensorRole::AttnV: case TensorRole::AttnQkv: case TensorRole::AttnO:
        case TensorRole::MlaQA: case TensorRole::MlaQB: case TensorRole::MlaKvA: case TensorRole::MlaKvB:
        case TensorRole::MlpGate: case TensorRole::MlpUp: case TensorRole::MlpDown:
        case TensorRole::ExpertGate: case TensorRole::ExpertUp: case TensorRole::ExpertDown:
            return true;
        default:
            return false;
    }
}

bool is_expert(TensorRole r) {
    return r == TensorRole::ExpertGate || r == TensorRole::ExpertUp || r == TensorRole::ExpertDown;
}

double ceil_div(double a, double b) { return std::ceil(a / b); }

// Bytes of one quantized matrix of `out` rows and `in` columns (per tensor; the caller multiplies by count).
double quantized_matrix_bytes(const WeightFormat& f, double out, double in, const Architecture& arch) {
    const double n = out * in;
    const double g = f.group_size > 0 ? static_cast<double>(f.group_size) : 128.0;
    if (f.kind == "awq") {
        // AutoAWQ WQLinear_GEMM: qweight int32 [in, out/8], qzeros int32 [in/g, out/8], scales fp16 [in/g, out]
        return in * ceil_div(out, 8) * 4 + ceil_div(in, g) * ceil_div(out, 8) * 4 + ceil_div(in, g) * out * 2;
    }
    if (f.kind == "gptq") {
        // AutoGPTQ/GPTQModel QuantLinear: qweight int32 [in*bits/32, out], qzeros int32 [in/g, out*bits/32],
        // scales fp16 [in/g, out], g_idx int32 [in]
        const double bits = f.id.rfind("gptq-int8", 0) == 0 ? 8.0 : 4.0;
        const double per_int = 32.0 / bits;
        return ceil_div(in, per_int) * out * 4 + ceil_div(in, g) * ceil_div(out, per_int) * 4 + ceil_div(in, g) * out * 2 + in * 4;
    }
    if (f.kind == "fp8") {
        // e4m3 weight + float32 weight_scale: 128x128 blocks for DeepSeek-V3/Kimi (weight_block_size),
        // one per output channel otherwise (compressed-tensors FP8-dynamic).
        const bool block = arch.model_type == "deepseek_v3" || arch.model_type == "kimi_k2";
        return n + (block ? ceil_div(out, 128) * ceil_div(in, 128) * 4 : out * 4);
    }
    if (f.kind == "bnb") {
        if (f.id == "nf4") return n / 2 + ceil_div(n, 64) * 4;  // 4-bit codes + fp32 absmax per 64 (no double quant)
        return n + out * 4;                                        // LLM.int8(): int8 + fp32 SCB per row
    }
    if (f.kind == "mxfp4") return ceil_div(n, 32) * 17;          // 16 bytes of e2m1 + one e8m0 scale per 32
    if (f.kind == "exl2") return n * f.bits_per_weight / 8.0;     // measured average, scales included
    // EXL3 LinearEXL3 (exllamav3/modules/quant/exl3.py): int16 trellis of 16x16 tiles at K bits per
    // weight, plus the fp16 sign vectors suh [in] and svh [out].
    if (f.kind == "exl3") return n * f.bits_per_weight / 8.0 + (in + out) * 2;
    if (f.kind == "int") {
        if (f.id == "int8") return n + out * 4;                   // int8 + fp32 per-channel scale
        if (f.id == "int6") return n * 6.0 / 8.0 + out * 2;       // 6-bit + fp16 per-channel scale
        if (f.id == "int4") return n / 2 + ceil_div(in, g) * out * 2;  // 4-bit + fp16 scale per group
    }
    return n * f.bits_per_weight / 8.0;
}

}  // namespace

// Other spellings of the same formats (HF dtypes, compressed-tensors schemes, llama.cpp type names).
static std::string canonical_weight_id(std::string id) {
    static const std::pair<const char*, const char*> kAliases[] = {
        {"float32", "fp32"}, {"f32", "fp32"}, {"float16", "fp16"}, {"f16", "fp16"}, {"half", "fp16"},
        {"bfloat16", "bf16"}, {"w8a8", "int8"}, {"int8-w8a8", "int8"}, {"w8a16", "int8"},
        {"w4a16", "gptq-int4"}, {"gptq", "gptq-int4"}, {"awq-int4", "awq"}, {"fp8-dynamic", "fp8"},
        {"fp8_e4m3", "fp8"}, {"bnb-nf4", "nf4"}, {"bnb-4bit", "nf4"}, {"bnb-8bit", "bnb-int8"},
        {"gguf-fp16", "gguf-f16"}, {"gguf-q4_k", "gguf-q4_k_m"}, {"gguf-q5_k", "gguf-q5_k_m"}, {"gguf-q3_k", "gguf-q3_k_m"},
    };
    for (const auto& [from, to] : kAliases)
        if (id == from) return to;
    // llama.cpp type names without the gguf- prefix ("q4_k_m", "Q8_0")
    if (id.size() > 1 && (id[0] == 'q' || id.rfind("iq", 0) == 0 || id.rfind("tq", 0) == 0) && std::isdigit(static_cast<unsigned char>(id[id[0] == 'q' ? 1 : 2])))
        return canonical_weight_id("gguf-" + id);
    return id;
}

// exl2-<bits> / exl3-<bits>: the bits per weight the user typed, within the quantizer's range
// (exllamav2 convert_exl2.py accepts 2-8 on average; exllamav3 convert_model.py --bits 1-8).
static std::optional<WeightFormat> exl_format(const std::string& id) {
    struct Family { const char* prefix; const char* base; double min_bits, max_bits; };
    static const Family kFamilies[] = {{"exl2-", "exl2-4.65", 2.0, 8.0}, {"exl3-", "exl3-4", 1.0, 8.0}};
    for (const Family& fam : kFamilies) {
        const std::string prefix = fam.prefix;
        if (id.rfind(prefix, 0) != 0 || id.size() <= prefix.size()) continue;
        const std::string num = id.substr(prefix.size());
        char* end = nullptr;
        const double bits = std::strtod(num.c_str(), &end);
        if (end == num.c_str() || *end != '\0' || !(bits >= fam.min_bits && bits <= fam.max_bits)) return std::nullopt;
        const WeightFormat* b = table_weight(fam.base);
        if (!b) return std::nullopt;
        WeightFormat f = *b;
        const std::string base_bits = trim_number(b->bits_per_weight);
        const std::string typed = trim_number(bits);
        f.id = prefix + typed;
        f.bits_per_weight = bits;
        for (std::string* text : {&f.name, &f.description})
            if (auto at = text->find(base_bits + " b"); at != std::string::npos) text->replace(at, base_bits.size(), typed);
        return f;
    }
    return std::nullopt;
}

std::optional<WeightFormat> find_weight_format(std::string_view id_in) {
    const std::string id = canonical_weight_id(lower(id_in));
    if (const WeightFormat* f = table_weight(id)) return *f;
    // GPTQ with another group size: gptq-int4-g32 / -g64 / -g128 (and gptq-int8-gN)
    for (const char* base : {"gptq-int4", "gptq-int8"}) {
        const std::string prefix = std::string(base) + "-g";
        if (id.rfind(prefix, 0) == 0 && id.size() > prefix.size()) {
            const std::string digits = id.substr(prefix.size());
            if (!std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) return std::nullopt;
            const int g = std::atoi(digits.c_str());
            if (g < 8 || g > 4096) return std::nullopt;
            const WeightFormat* b = table_weight(base);
            if (!b) return std::nullopt;
            WeightFormat f = *b;
            f.id = id;
            f.group_size = g;
            const double bits = std::string(base) == "gptq-int8" ? 8.0 : 4.0;
            f.bits_per_weight = bits + (bits + 16.0) / g;  // + zero point and fp16 scale per group
            f.name = std::string(bits == 8.0 ? "GPTQ int8" : "GPTQ int4") + " (g" + std::to_string(g) + ")";
            return f;
        }
    }
    if (auto f = exl_format(id)) return f;
    return std::nullopt;
}

std::optional<KvFormat> find_kv_format(std::string_view id_in) {
    std::string id = lower(id_in);
    if (id == "f16") id = "fp16";
    if (id == "f32") id = "fp32";
    if (id == "fp8_e4m3" || id == "fp8_e5m2") id = "fp8";
    for (const auto& k : tables().kv)
        if (k.id == id) return k;
    // k<K>v<V>: ExLlamaV3's k_bits / v_bits pair (TabbyAPI cache_mode "K,V", each 2-8), K and V
    // quantized apart with an fp16 scale per 32 values (exllamav3/cache/quant.py CacheLayer_quant).
    if (id.size() == 4 && id[0] == 'k' && id[2] == 'v' && id[1] >= '2' && id[1] <= '8' && id[3] >= '2' && id[3] <= '8') {
        KvFormat f;
        f.id = id;
        f.name = "K" + id.substr(1, 1) + "/V" + id.substr(3, 1) + " (ExLlamaV3)";
        f.bits_per_value = (id[1] - '0' + id[3] - '0') / 2.0 + 0.5;
        f.description = "ExLlamaV3 cache_mode " + id.substr(1, 1) + "," + id.substr(3, 1) +
                        ": K and V at their own bits plus an fp16 scale per 32 values.";
        f.loaders = {"exllamav3", "simple"};
        return f;
    }
    return std::nullopt;
}

std::string format_loader_error(const WeightFormat& w, const KvFormat& kv, const std::string& engine_id,
                                const std::string& engine_name) {
    auto loads = [&](const std::vector<std::string>& loaders) {
        return loaders.empty() || std::find(loaders.begin(), loaders.end(), engine_id) != loaders.end();
    };
    auto names = [](const std::vector<std::string>& loaders) {
        std::string out;
        for (const std::string& l : loaders)
            if (l != "simple") out += (out.empty() ? "" : " or ") + l;
        return out;
    };
    if (!loads(w.loaders))
        return "weights: " + w.name + " runs on " + names(w.loaders) + ", not " + engine_name + "; choose that engine or another format";
    if (!loads(kv.loaders))
        return "kv_dtype: the " + kv.name + " cache is " + names(kv.loaders) + "'s, not " + engine_name + "'s; choose auto, fp16 or fp8";
    return "";
}

const std::vector<WeightFormat>& weight_formats() { return tables().weights; }
const std::vector<KvFormat>& kv_formats() { return tables().kv; }

double kv_bits(const KvFormat& kv, const Architecture& arch, const WeightFormat& weights) {
    if (kv.id != "auto") return kv.bits_per_value;
    // llama.cpp's default cache type is f16 whatever the file holds (common/arg.cpp -ctk f16).
    if (weights.kind == "gguf") return 16.0;
    // vLLM/SGLang/transformers "auto": the model dtype (fp8/AWQ checkpoints still compute in 16 bit).
    const std::string dt = lower(arch.torch_dtype);
    if (dt == "float32" || dt == "fp32") return 32.0;
    return 16.0;
}

Bytes tensor_bytes(const WeightFormat& f, const TensorGroup& t, const Architecture& arch) {
    const double elements = t.elements();
    if (elements <= 0) return 0;

    if (f.kind == "gguf") {
        if (f.gguf_ftype >= 0)
            return ggml_tensor_bytes(gguf_tensor_type(static_cast<GgufFtype>(f.gguf_ftype), t, arch), t.cols, t.rows, t.count);
        if (auto ft = gguf_ftype(f.id)) return ggml_tensor_bytes(gguf_tensor_type(*ft, t, arch), t.cols, t.rows, t.count);
        return bytes_from(elements * f.bits_per_weight / 8.0);
    }
    if (f.kind == "float") {
        const double bytes_per = f.id == "fp32" ? 4.0 : 2.0;
        return bytes_from(elements * bytes_per);
    }

    // Quantized formats: 16-bit for everything the quantizer leaves alone.
    const double sixteen = elements * 2.0;
    if (!t.is_matrix()) return bytes_from(sixteen);
    // EXL2/EXL3 quantize the head apart at --head_bits (16 = kept fp16)
    if (f.head_bits > 0 && t.role == TensorRole::LmHead) return bytes_from(elements * f.head_bits / 8.0);
    if (!is_quantized_linear(t.role)) return bytes_from(sixteen);
    // MXFP4 checkpoints (gpt-oss) quantize only the routed experts of MoE models.
    if (f.kind == "mxfp4" && arch.is_moe() && !is_expert(t.role)) return bytes_from(sixteen);

    const double per_tensor =
        quantized_matrix_bytes(f, static_cast<double>(t.rows), static_cast<double>(t.cols), arch);
    return bytes_from(per_tensor * static_cast<double>(t.count));
}

WeightFormat with_head_bits(WeightFormat format, double bits) {
    if (bits > 0 && format.head_bits > 0) format.head_bits = bits;
    return format;
}

Bytes model_weight_bytes(const WeightFormat& format, const Architecture& arch) {
    Bytes total = 0;
    for (const TensorGroup& g : tensor_inventory(arch)) total += tensor_bytes(format, g, arch);
    return total;
}

}  // namespace vramcalc
