// Weights from model files (see file_weights.h): tensor names -> roles, grouping, the text form.
#include "file_weights.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "engine_profile.h"
#include "estimate.h"

namespace vramcalc {

namespace {

struct RoleCode {
    TensorRole role;
    const char* code;
};
constexpr RoleCode kRoleCodes[] = {
    {TensorRole::TokenEmbedding, "te"}, {TensorRole::PositionEmbedding, "pe"}, {TensorRole::LmHead, "lm"},
    {TensorRole::FinalNorm, "fn"}, {TensorRole::AttnQ, "q"}, {TensorRole::AttnK, "k"}, {TensorRole::AttnV, "v"},
    {TensorRole::AttnQkv, "qkv"}, {TensorRole::AttnO, "o"}, {TensorRole::MlaQA, "qa"}, {TensorRole::MlaQB, "qb"},
    {TensorRole::MlaKvA, "kva"}, {TensorRole::MlaKvB, "kvb"}, {TensorRole::MlpGate, "g"}, {TensorRole::MlpUp, "u"},
    {TensorRole::MlpDown, "d"}, {TensorRole::ExpertGate, "eg"}, {TensorRole::ExpertUp, "eu"}, {TensorRole::ExpertDown, "ed"},
    {TensorRole::Router, "r"}, {TensorRole::Norm, "n"}, {TensorRole::Bias, "b"}, {TensorRole::Extra, "x"},
};

const char* role_code(TensorRole r) {
    for (const RoleCode& c : kRoleCodes)
        if (c.role == r) return c.code;
    return "x";
}

std::optional<TensorRole> role_from_code(std::string_view code) {
    for (const RoleCode& c : kRoleCodes)
        if (code == c.code) return c.role;
    return std::nullopt;
}

bool ends_with(std::string_view s, std::string_view t) { return s.size() >= t.size() && s.substr(s.size() - t.size()) == t; }
bool contains(std::string_view s, std::string_view t) { return s.find(t) != std::string_view::npos; }

// Sums tensors into one group per (role, layer), in first-seen order.
struct Grouper {
    std::map<std::pair<int, std::int64_t>, std::size_t> index;
    std::vector<FileWeightGroup> groups;
    void add(TensorRole role, std::int64_t layer, Bytes bytes, Bytes device_bytes) {
        const auto key = std::make_pair(static_cast<int>(role), layer);
        auto [it, fresh] = index.emplace(key, groups.size());
        if (fresh) groups.push_back(FileWeightGroup{role, layer, 0, 0});
        groups[it->second].bytes += bytes;
        groups[it->second].device_bytes += device_bytes;
    }
};

// Parses a whole decimal number in [0, max]; nullopt otherwise.
std::optional<std::uint64_t> parse_u64(std::string_view t, std::uint64_t max) {
    if (t.empty() || t.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : t) {
        if (c < '0' || c > '9') return std::nullopt;
        const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
        if (v > (max - d) / 10) return std::nullopt;
        v = v * 10 + d;
    }
    return v;
}

}  // namespace

Bytes FileWeights::total_bytes() const {
    Bytes total = 0;
    for (const FileWeightGroup& g : groups) total += g.bytes;
    return total;
}

TensorRole gguf_tensor_role(std::string_view name, std::int64_t& layer) {
    // llama.cpp src/llama-arch.cpp LLM_TENSOR_NAMES: "blk.%d.<tensor>", the rest outside the layers.
    layer = -1;
    std::string_view rest = name;
    if (name.rfind("blk.", 0) == 0) {
        const std::size_t dot = name.find('.', 4);
        const auto l = dot == std::string_view::npos ? std::nullopt : parse_u64(name.substr(4, dot - 4), 1'000'000);
        if (l) {
            layer = static_cast<std::int64_t>(*l);
            rest = name.substr(dot + 1);
        }
    }
    if (layer < 0) {
        if (rest.rfind("token_embd.", 0) == 0 || rest.rfind("token_types.", 0) == 0) return TensorRole::TokenEmbedding;
        if (rest.rfind("position_embd.", 0) == 0) return TensorRole::PositionEmbedding;
        if (rest.rfind("output_norm.", 0) == 0) return TensorRole::FinalNorm;
        if (rest.rfind("output.", 0) == 0) return TensorRole::LmHead;
        return TensorRole::Norm;  // rope_freqs, cls, ... (small; placed with the output layer)
    }
    if (ends_with(rest, ".bias")) return TensorRole::Bias;
    if (contains(rest, "_exps")) {
        if (contains(rest, "ffn_gate_exps")) return TensorRole::ExpertGate;
        if (contains(rest, "ffn_down_exps")) return TensorRole::ExpertDown;
        return TensorRole::ExpertUp;  // ffn_up_exps, ffn_gate_up_exps
    }
    if (contains(rest, "ffn_gate_inp")) return TensorRole::Router;
    if (contains(rest, "norm")) return TensorRole::Norm;
    if (rest.rfind("attn_qkv.", 0) == 0 || rest.rfind("ssm_in.", 0) == 0) return TensorRole::AttnQkv;
    if (rest.rfind("attn_q_a.", 0) == 0) return TensorRole::MlaQA;
    if (rest.rfind("attn_q_b.", 0) == 0) return TensorRole::MlaQB;
    if (rest.rfind("attn_kv_a_mqa.", 0) == 0) return TensorRole::MlaKvA;
    if (rest.rfind("attn_kv_b.", 0) == 0 || rest.rfind("attn_k_b.", 0) == 0 || rest.rfind("attn_v_b.", 0) == 0) return TensorRole::MlaKvB;
    if (rest.rfind("attn_q.", 0) == 0) return TensorRole::AttnQ;
    if (rest.rfind("attn_k.", 0) == 0) return TensorRole::AttnK;
    if (rest.rfind("attn_v.", 0) == 0) return TensorRole::AttnV;
    if (rest.rfind("attn_output.", 0) == 0 || rest.rfind("ssm_out.", 0) == 0) return TensorRole::AttnO;
    if (rest.rfind("ffn_gate", 0) == 0) return TensorRole::MlpGate;
    if (rest.rfind("ffn_up", 0) == 0) return TensorRole::MlpUp;
    if (rest.rfind("ffn_down", 0) == 0) return TensorRole::MlpDown;
    return TensorRole::Norm;
}

TensorRole hf_tensor_role(std::string_view name, std::size_t dims, std::int64_t& layer) {
    layer = -1;
    // Vision towers, projectors and audio encoders first: they have ".layers.N." of their own.
    for (const char* v : {"vision", "visual", "mm_projector", "multi_modal_projector", "image_newline", "audio", "merger"})
        if (contains(name, v)) return TensorRole::Extra;
    // Split into dot components and find the decoder layer index (".layers.N.", ".h.N.", ".blocks.N.").
    std::vector<std::string_view> parts;
    for (std::size_t start = 0; start <= name.size();) {
        const std::size_t dot = std::min(name.find('.', start), name.size());
        parts.push_back(name.substr(start, dot - start));
        start = dot + 1;
    }
    std::size_t after = parts.size();
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        const std::string_view p = parts[i];
        if (p == "layers" || p == "h" || p == "blocks" || p == "layer" || p == "decoder_layers") {
            if (auto l = parse_u64(parts[i + 1], 1'000'000)) {
                layer = static_cast<std::int64_t>(*l);
                after = i + 2;
                break;
            }
        }
    }
    auto any = [&](std::initializer_list<const char*> names) {
        for (std::size_t i = (layer >= 0 ? after : 0); i < parts.size(); ++i)
            for (const char* n : names)
                if (parts[i] == n) return true;
        return false;
    };
    if (layer < 0) {
        if (any({"embed_tokens", "wte", "word_embeddings", "embed_in", "tok_embeddings", "embeddings"})) return TensorRole::TokenEmbedding;
        if (any({"wpe", "embed_positions", "position_embeddings"})) return TensorRole::PositionEmbedding;
        if (any({"lm_head", "embed_out", "output"})) return TensorRole::LmHead;
        if (any({"norm", "ln_f", "final_layernorm", "final_layer_norm", "norm_f"})) return TensorRole::FinalNorm;
        return dims <= 1 ? TensorRole::Norm : TensorRole::Extra;
    }
    const bool expert = any({"experts"});
    if (expert) {
        if (any({"gate_proj", "w1"})) return TensorRole::ExpertGate;
        if (any({"down_proj", "w2"})) return TensorRole::ExpertDown;
        return TensorRole::ExpertUp;  // up_proj, w3, gate_up_proj (gpt-oss)
    }
    if (any({"gate", "router", "shared_expert_gate"})) return TensorRole::Router;
    if (any({"q_a_proj"})) return TensorRole::MlaQA;
    if (any({"q_b_proj"})) return TensorRole::MlaQB;
    if (any({"kv_a_proj_with_mqa"})) return TensorRole::MlaKvA;
    if (any({"kv_b_proj"})) return TensorRole::MlaKvB;
    if (any({"qkv_proj", "query_key_value", "c_attn", "Wqkv", "W_pack", "in_proj"})) return TensorRole::AttnQkv;
    if (any({"q_proj", "query", "wq"})) return TensorRole::AttnQ;
    if (any({"k_proj", "key", "wk"})) return TensorRole::AttnK;
    if (any({"v_proj", "value", "wv"})) return TensorRole::AttnV;
    if (any({"o_proj", "out_proj", "wo"}) || (any({"dense", "c_proj"}) && any({"attention", "self_attn", "self_attention", "attn"})))
        return TensorRole::AttnO;
    if (any({"gate_proj", "w1"})) return TensorRole::MlpGate;
    if (any({"down_proj", "w2", "fc2", "dense_4h_to_h", "c_proj"})) return TensorRole::MlpDown;
    if (any({"up_proj", "w3", "fc1", "dense_h_to_4h", "c_fc", "gate_up_proj"})) return TensorRole::MlpUp;
    return dims <= 1 ? TensorRole::Norm : TensorRole::MlpUp;
}

FileWeights file_weights_from_gguf(const std::vector<GgufHeader>& parts, const GgufHeader* mmproj, const std::string& format,
                                   std::int64_t num_layers, int* skipped) {
    FileWeights w;
    w.source = "gguf";
    w.format = format;
    Grouper g;
    int skip = 0;
    bool has_output = false;
    Bytes embd_bytes = 0, embd_device = 0;
    Bytes rope_freqs = 0;
    for (const GgufHeader& h : parts) {
        for (const GgufTensorInfo& t : h.tensors) {
            std::int64_t layer = -1;
            const TensorRole role = gguf_tensor_role(t.name, layer);
            if (layer >= num_layers) {  // nextn / MTP blocks: llama.cpp creates them with TENSOR_SKIP
                ++skip;
                continue;
            }
            w.params += static_cast<double>(t.ne[0]) * static_cast<double>(t.ne[1]) * static_cast<double>(t.ne[2]) * static_cast<double>(t.ne[3]);
            const Bytes device = llamacpp_cuda_tensor_bytes(t);
            if (t.name == "rope_freqs.weight") {
                // llama-model.cpp load_tensors: every layer creates rope_freqs (TENSOR_DUPLICATED for i != 0).
                rope_freqs = device;
                continue;
            }
            if (role == TensorRole::LmHead) has_output = true;
            if (t.name == "token_embd.weight") {
                embd_bytes = t.bytes;
                embd_device = device;
            }
            g.add(role, layer, t.bytes, device);
        }
    }
    // Bounded like a config's num_hidden_layers, so a forged layer count cannot make this loop long.
    for (std::int64_t l = 0; rope_freqs > 0 && l < std::min<std::int64_t>(num_layers, 10000); ++l) g.add(TensorRole::Norm, l, rope_freqs, rope_freqs);
    // No output.weight: llama.cpp loads token_embd again as the output (TENSOR_DUPLICATED) with the output layer.
    if (!has_output && embd_bytes > 0) g.add(TensorRole::LmHead, -1, embd_bytes, embd_device);
    if (mmproj)
        for (const GgufTensorInfo& t : mmproj->tensors) g.add(TensorRole::Extra, -1, t.bytes, llamacpp_cuda_tensor_bytes(t));
    w.groups = std::move(g.groups);
    if (skipped) *skipped = skip;
    return w;
}

FileWeights file_weights_from_safetensors(const std::vector<SafetensorsHeader>& shards, const std::string& format,
                                          std::int64_t num_layers, int* skipped) {
    FileWeights w;
    w.source = "safetensors";
    w.format = format;
    Grouper g;
    int skip = 0;
    for (const SafetensorsHeader& h : shards) {
        for (const SafetensorsTensor& t : h.tensors) {
            std::int64_t layer = -1;
            const TensorRole role = hf_tensor_role(t.name, t.shape.size(), layer);
            // Multi-token-prediction layers past num_hidden_layers (DeepSeek-V3, GLM-4.5) and
            // rotary inv_freq buffers of old checkpoints are not loaded by vLLM's model classes.
            if (layer >= num_layers || ends_with(t.name, "rotary_emb.inv_freq")) {
                ++skip;
                continue;
            }
            g.add(role, layer, t.bytes(), t.bytes());
        }
    }
    w.groups = std::move(g.groups);
    if (skipped) *skipped = skip;
    return w;
}

std::string encode_file_weights(const FileWeights& w) {
    std::string out = "fw1;s=" + w.source + ";f=" + w.format;
    if (w.params > 0) out += ";p=" + std::to_string(static_cast<std::uint64_t>(w.params + 0.5));
    // Runs of consecutive layers with the same bytes for one role.
    std::vector<FileWeightGroup> sorted = w.groups;
    std::stable_sort(sorted.begin(), sorted.end(), [](const FileWeightGroup& a, const FileWeightGroup& b) {
        return static_cast<int>(a.role) != static_cast<int>(b.role) ? static_cast<int>(a.role) < static_cast<int>(b.role) : a.layer < b.layer;
    });
    for (std::size_t i = 0; i < sorted.size();) {
        const FileWeightGroup& a = sorted[i];
        std::size_t j = i + 1;
        while (a.layer >= 0 && j < sorted.size() && sorted[j].role == a.role && sorted[j].layer == sorted[j - 1].layer + 1 &&
               sorted[j].bytes == a.bytes && sorted[j].device_bytes == a.device_bytes)
            ++j;
        out += ';';
        out += role_code(a.role);
        if (a.layer >= 0) {
            out += '@' + std::to_string(a.layer);
            if (j - i > 1) out += '-' + std::to_string(sorted[j - 1].layer);
        }
        out += '=' + std::to_string(a.bytes);
        if (a.device_bytes != a.bytes) out += '/' + std::to_string(a.device_bytes);
        i = j;
    }
    return out;
}

std::optional<FileWeights> decode_file_weights(std::string_view text, std::string& error) {
    FileWeights w;
    if (text.size() > kFileWeightsMaxText) return error = "too long", std::nullopt;
    if (text.rfind("fw1;", 0) != 0) return error = "not a tensor summary (expected it to start with fw1;)", std::nullopt;
    std::size_t pos = 4;
    while (pos < text.size()) {
        const std::size_t end = std::min(text.find(';', pos), text.size());
        const std::string_view item = text.substr(pos, end - pos);
        pos = end + 1;
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) return error = "'" + std::string(item) + "' has no '='", std::nullopt;
        const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
        if (key == "s") { w.source = value; continue; }
        if (key == "f") { w.format = value; continue; }
        if (key == "p") {
            const auto p = parse_u64(value, 100'000'000'000'000ull);
            if (!p) return error = "p: not a parameter count", std::nullopt;
            w.params = static_cast<double>(*p);
            continue;
        }
        const std::size_t at = key.find('@');
        const auto role = role_from_code(key.substr(0, at));
        if (!role) return error = "unknown tensor role '" + std::string(key.substr(0, at)) + "'", std::nullopt;
        std::int64_t first = -1, last = -1;
        if (at != std::string_view::npos) {
            const std::string_view range = key.substr(at + 1);
            const std::size_t dash = range.find('-');
            const auto a = parse_u64(range.substr(0, dash), 100'000);
            const auto b = dash == std::string_view::npos ? a : parse_u64(range.substr(dash + 1), 100'000);
            if (!a || !b || *b < *a) return error = "bad layer range '" + std::string(range) + "'", std::nullopt;
            first = static_cast<std::int64_t>(*a);
            last = static_cast<std::int64_t>(*b);
        }
        const std::size_t slash = value.find('/');
        const auto bytes = parse_u64(value.substr(0, slash), 1ull << 52);
        const auto device = slash == std::string_view::npos ? bytes : parse_u64(value.substr(slash + 1), 1ull << 52);
        if (!bytes || !device) return error = "bad byte count '" + std::string(value) + "'", std::nullopt;
        for (std::int64_t l = first; l <= last; ++l) {
            if (w.groups.size() >= kFileWeightsMaxGroups) return error = "too many tensor groups", std::nullopt;
            w.groups.push_back(FileWeightGroup{*role, l, *bytes, *device});
        }
    }
    if (w.source != "gguf" && w.source != "safetensors") return error = "s: the source must be gguf or safetensors", std::nullopt;
    if (w.format.empty()) return error = "f: the weight format is missing", std::nullopt;
    return w;
}

const FileWeights* matching_file_weights(const ResolvedScenario& r) {
    if (!r.files || r.files->format != r.weights.id) return nullptr;
    return r.engine && r.files->source == r.engine->checkpoint_files ? &*r.files : nullptr;
}

}  // namespace vramcalc
