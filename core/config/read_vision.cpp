// Vision and audio towers beside the language model, estimated from vision_config / audio_config
// when the catalog gives no figure (catalog entries carry a sourced extra_params instead).
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

}  // namespace

bool read_towers(Reader& r, ModelInfo& m) {
    Architecture& a = m.arch;
    if (auto vc = r.top.find("vision_config"); vc != r.top.end() && vc->is_object()) {
        m.modality = "vision";
        a.vision_params = vit_params(*vc, a.hidden_size);
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
