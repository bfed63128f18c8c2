// Vision and audio towers beside the language model, estimated from vision_config / audio_config
// when the catalog gives no figure (catalog entries carry a sourced extra_params instead).
#include <algorithm>
#include <cmath>

#include "readers.h"

namespace vramcalc::config {

namespace {

std::int64_t tower_int(const json& c, std::initializer_list<const char*> keys) {
    for (const char* k : keys)
        if (auto it = c.find(k); it != c.end() && it->is_number()) {
            const double v = it->get<double>();
            if (std::isfinite(v) && v >= 0.0 && v < 1e7) return static_cast<std::int64_t>(v);
            return -1;  // present but absurd
        }
    return 0;
}

// ViT/SigLIP-shaped encoder: per block q,k,v,o (4 h^2) + MLP (2 h i) + biases and norms (9 h + i),
// plus a projector to the language model's width. 0 when the config does not say enough.
double vit_params(const json& c, std::int64_t lm_hidden) {
    const std::int64_t h = tower_int(c, {"hidden_size", "embed_dim", "width", "d_model", "vt_hidden_size"});
    const std::int64_t layers = tower_int(c, {"num_hidden_layers", "depth", "layers", "encoder_layers", "vt_num_hidden_layers"});
    std::int64_t inter = tower_int(c, {"intermediate_size", "encoder_ffn_dim", "vt_intermediate_size"});
    if (inter == 0) inter = 4 * h;
    if (h <= 0 || layers <= 0 || inter < 0 || h > 100000 || layers > 1000 || inter > 1000000) return 0.0;
    const double hd = static_cast<double>(h), id = static_cast<double>(inter);
    const std::int64_t out = tower_int(c, {"out_hidden_size", "projection_dim", "text_hidden_size"});
    return static_cast<double>(layers) * (4.0 * hd * hd + 2.0 * hd * id + 9.0 * hd + id) +
           hd * static_cast<double>(out > 0 ? out : lm_hidden);
}

// Llama 3.2 Vision (transformers MllamaVisionModel + MllamaMultiModalProjector): num_hidden_layers
// local and num_global_layers gated encoder layers (q,k,v,o without bias, fc1/fc2 with bias, two
// LayerNorms), a bias-free patch conv, a class token, the gated position embedding of num_patches
// rows plus its tile table (max_aspect_ratio_id + 1 rows of max_num_tiles x num_patches x h), the
// pre/post tile embeddings (max_aspect_ratio_id + 1 rows of max_num_tiles x h), the pre/post
// LayerNorms, and the projector vision_output_dim -> text hidden (with bias). 0 when fields are missing.
double mllama_vision_params(const json& c, std::int64_t lm_hidden) {
    const std::int64_t h = tower_int(c, {"hidden_size"}), layers = tower_int(c, {"num_hidden_layers"});
    const std::int64_t global = tower_int(c, {"num_global_layers"}), tiles = tower_int(c, {"max_num_tiles"});
    const std::int64_t image = tower_int(c, {"image_size"}), patch = tower_int(c, {"patch_size"});
    const std::int64_t channels = std::max<std::int64_t>(1, tower_int(c, {"num_channels"}));
    std::int64_t inter = tower_int(c, {"intermediate_size"});
    const std::int64_t out = tower_int(c, {"vision_output_dim"});
    std::int64_t ratios = 0;
    if (auto it = c.find("supported_aspect_ratios"); it != c.end() && it->is_array()) ratios = static_cast<std::int64_t>(it->size());
    if (inter == 0) inter = 4 * h;
    if (h <= 0 || layers <= 0 || global < 0 || tiles <= 0 || image <= 0 || patch <= 0 || out <= 0 || ratios <= 0 || inter < 0) return 0.0;
    // the generic tower's bounds, and a tile table no bigger than 10^9 tokens
    if (h > 100000 || layers + global > 1000 || inter > 1000000 || out > 10000000 || ratios > 1000 ||
        static_cast<double>(tiles) * std::pow(static_cast<double>(image / patch), 2.0) > 1e9)
        return 0.0;
    const double hd = static_cast<double>(h), id = static_cast<double>(inter);
    const double patches = std::pow(static_cast<double>(image / patch), 2.0) + 1.0;  // + class token
    const double rows = static_cast<double>(ratios + 1);
    const double per_layer = 4.0 * hd * hd + 2.0 * hd * id + id + hd + 4.0 * hd;
    return static_cast<double>(layers + global) * per_layer + static_cast<double>(channels * patch * patch) * hd + hd +
           patches * hd + rows * static_cast<double>(tiles) * patches * hd + 2.0 * rows * static_cast<double>(tiles) * hd +
           4.0 * hd + static_cast<double>(out) * static_cast<double>(lm_hidden) + static_cast<double>(lm_hidden);
}

// The cross-attention layers and the vision tokens one image gives them: every image is padded to
// max_num_tiles tiles of (image_size / patch_size)^2 patches + a class token (MllamaVisionModel's
// output, cross_attention_states: 4 x 1601 = 6404 for Llama 3.2 Vision).
void read_cross_attention(Reader& r, const json& vc, Architecture& a) {
    const json* layers = r.find({"cross_attention_layers"});
    if (!layers || !layers->is_array()) return;
    for (const json& l : *layers)
        if (l.is_number_integer() && l.get<std::int64_t>() >= 0 && l.get<std::int64_t>() < a.num_layers)
            a.cross_attention_layers.push_back(l.get<std::int64_t>());
    const std::int64_t tiles = tower_int(vc, {"max_num_tiles"}), image = tower_int(vc, {"image_size"}), patch = tower_int(vc, {"patch_size"});
    if (tiles <= 0 || image <= 0 || patch <= 0) return;
    // in double first: absurd sizes (each field may reach 10^7) must not wrap; more than 10^9 tokens is no image
    const double side = static_cast<double>(image / patch);
    const double tokens = static_cast<double>(tiles) * (side * side + 1.0);
    if (tokens <= 1e9) a.cross_attention_tokens = static_cast<std::int64_t>(tokens);
    else r.warn("vision_config: " + fmt_num(tokens) + " vision tokens per image is out of range; the cross-attention cache is not sized");
}

// The encoder shape vLLM's profile run feeds a dummy image through (core/engines/vllm.cpp
// encoder_profile): the Qwen2.5-VL / Qwen3-VL / Qwen3.5 ViT with its patch merger, and Gemma 3's
// SigLIP. Families are told by the top-level model_type (the vision_config's own is often absent).
// Any field outside its range (docs/config-fields.md) leaves the family unset: not profiled, warned.
Architecture::VisionEncoder read_vision_encoder(const json& top, const json& vc, std::int64_t lm_hidden) {
    Architecture::VisionEncoder v;
    const std::string mt = top.contains("model_type") && top["model_type"].is_string() ? top["model_type"].get<std::string>() : "";
    std::string family;
    if (mt == "qwen2_5_vl") family = "qwen_vl";
    else if (mt == "qwen3_vl" || mt == "qwen3_vl_moe" || mt == "qwen3_5" || mt == "qwen3_5_moe") family = "qwen3_vl";
    else if (mt == "gemma3") family = "gemma3_siglip";
    if (family.empty()) return v;
    auto in = [](std::int64_t x, std::int64_t lo, std::int64_t hi) { return x >= lo && x <= hi; };
    v.hidden = tower_int(vc, {"hidden_size", "embed_dim"});
    v.layers = tower_int(vc, {"depth", "num_hidden_layers"});
    v.intermediate = tower_int(vc, {"intermediate_size"});
    v.patch_size = tower_int(vc, {"patch_size", "spatial_patch_size"});
    v.channels = std::max<std::int64_t>(tower_int(vc, {"in_channels", "in_chans", "num_channels"}), 0);
    if (v.channels == 0) v.channels = 3;
    bool ok = in(v.hidden, 1, 100000) && in(v.layers, 1, 1000) && in(v.intermediate, 1, 1000000) &&
              in(v.patch_size, 1, 1024) && in(v.channels, 1, 16);
    if (family == "gemma3_siglip") {
        v.image_size = tower_int(vc, {"image_size"});
        v.out_hidden = lm_hidden;
        v.tokens_per_image = tower_int(top, {"mm_tokens_per_image"});
        if (v.tokens_per_image == 0) v.tokens_per_image = 256;  // Gemma3Config default
        ok = ok && in(v.image_size, v.patch_size, 100000) && in(v.tokens_per_image, 1, 1000000);
    } else {
        v.spatial_merge = tower_int(vc, {"spatial_merge_size"});
        v.temporal_patch = tower_int(vc, {"temporal_patch_size"});
        if (v.temporal_patch == 0) v.temporal_patch = 2;  // Qwen2.5-VL / Qwen3-VL vision config default
        v.out_hidden = tower_int(vc, {"out_hidden_size"});
        if (v.out_hidden == 0) v.out_hidden = lm_hidden;
        v.gated_mlp = family == "qwen_vl";
        if (auto it = vc.find("deepstack_visual_indexes"); it != vc.end() && it->is_array())
            v.deepstack = static_cast<std::int64_t>(std::min<std::size_t>(it->size(), 1000));
        ok = ok && in(v.spatial_merge, 1, 16) && in(v.temporal_patch, 1, 16) && in(v.out_hidden, 1, 1000000);
    }
    if (ok) v.family = family;
    return v;
}

}  // namespace

bool read_towers(Reader& r, ModelInfo& m) {
    Architecture& a = m.arch;
    if (auto vc = r.top.find("vision_config"); vc != r.top.end() && vc->is_object()) {
        m.modality = "vision";
        const bool mllama = vc->contains("num_global_layers") && vc->contains("max_num_tiles");
        a.vision_params = mllama ? mllama_vision_params(*vc, a.hidden_size) : vit_params(*vc, a.hidden_size);
        if (mllama) read_cross_attention(r, *vc, a);
        a.vision = read_vision_encoder(r.top, *vc, a.hidden_size);
        if (a.vision_params > 0.0)
            r.warn("vision tower estimated from vision_config (" + fmt_num(std::round(a.vision_params / 1e6)) +
                   "M params, 16-bit)");
        else
            r.warn("vision_config present but not understood: vision tower not counted");
    }
    if (auto ac = r.top.find("audio_config"); ac != r.top.end() && ac->is_object()) {
        // Conformer encoders (Gemma 3n USM) have macaron FFNs and convolutions the ViT shape misses.
        const bool conformer = ac->contains("conf_num_hidden_layers");
        a.audio_params = conformer ? 0.0 : vit_params(*ac, a.hidden_size);
        if (a.audio_params > 0.0)
            r.warn("audio tower estimated from audio_config (" + fmt_num(std::round(a.audio_params / 1e6)) + "M params)");
        else
            r.warn("audio_config present but its encoder shape is not modelled: audio tower not counted");
    }
    a.extra_params = a.vision_params + a.audio_params;
    return true;
}

}  // namespace vramcalc::config
