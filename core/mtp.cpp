#include "mtp.h"

namespace vramcalc {

namespace {

// Why an engine without the option has none (each engine's source, as read for issue 13).
std::string not_offered_reason(std::string_view engine) {
    if (engine == "llamacpp")
        return "llama.cpp does not run the nextn / MTP layers: it creates them with TENSOR_SKIP and never loads "
               "them (src/llama-model.cpp); its speculative decoding needs a separate draft model (-md)";
    if (engine == "transformers")
        return "transformers' generate() does not use the MTP layers (assisted generation takes a separate "
               "assistant model)";
    return "this engine offers no multi-token-prediction speculative decoding";
}

}  // namespace

std::string mtp_refusal(const Architecture& a, const EngineProfile& p, int mtp_tokens) {
    if (mtp_tokens <= 0) return "";
    if (a.mtp_layers <= 0)
        return "mtp_tokens: this model's config has no multi-token-prediction layers (num_nextn_predict_layers or "
               "mtp_num_hidden_layers); set it to 0";
    if (!uses_knob(p, "mtp_tokens")) return "mtp_tokens: " + not_offered_reason(p.id) + "; set it to 0";
    return "";
}

}  // namespace vramcalc
