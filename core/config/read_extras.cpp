// Weights outside the plain decoder stack: per-layer embeddings (Gemma 3n / Gemma 4 E-models), AltUp
// and LAuReL (Gemma 3n), and multi-token-prediction layers (recorded, not counted).
#include "readers.h"

namespace vramcalc::config {

bool read_extras(Reader& r, Architecture& a, const Family& f) {
    auto pli = r.integer({"hidden_size_per_layer_input"});
    auto pli_vocab = r.integer({"vocab_size_per_layer_input"});
    auto altup = r.integer({"altup_num_inputs"});
    auto laurel = r.integer({"laurel_rank"});
    auto mtp = r.integer({"num_nextn_predict_layers", "mtp_num_hidden_layers", "num_mtp_layers"});
    if (!r.ok()) return false;
    if (pli && *pli > 0) {
        a.per_layer_input_size = *pli;
        a.per_layer_vocab_size = pli_vocab.value_or(a.vocab_size);
    }
    if (f.model_type == "gemma3n_text") {
        a.altup_inputs = altup.value_or(0);
        a.laurel_rank = laurel.value_or(0);
    }
    // MiniMax-M2: use_mtp with num_mtp_modules modules (configuration_minimax_m2.py).
    if (!mtp && r.boolean({"use_mtp"}).value_or(false)) mtp = r.soft_integer({"num_mtp_modules"});
    if (mtp && *mtp > 0) {
        a.mtp_layers = *mtp;
        r.warn("multi-token-prediction layers (" + std::to_string(*mtp) +
               ") not counted: engines load them only for speculative decoding (mtp_tokens on vLLM)");
    }
    return true;
}

}  // namespace vramcalc::config
