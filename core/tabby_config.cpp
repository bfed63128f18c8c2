#include "tabby_config.h"

#include "text.h"

namespace vramcalc {

std::string tabby_config_yml(const TabbyModelConfig& c) {
    std::string reserve;
    for (double mib : c.autosplit_reserve_mib) reserve += (reserve.empty() ? "" : ", ") + format_fixed(mib, mib == static_cast<std::int64_t>(mib) ? 0 : 1);
    std::string y = c.header;
    y += "model:\n";
    y += "  model_name: " + c.model_name + "\n";
    y += "  backend: " + c.backend + "\n";
    y += "  max_seq_len: " + std::to_string(c.max_seq_len) + "\n";
    y += "  cache_size: " + std::to_string(c.cache_size) + "\n";
    y += "  cache_mode: " + c.cache_mode + "\n";
    y += "  chunk_size: " + std::to_string(c.chunk_size) + "\n";
    y += std::string("  gpu_split_auto: ") + (c.gpu_split_auto ? "true" : "false") + "\n";
    y += "  autosplit_reserve: [" + reserve + "]\n";
    if (c.max_batch_size > 0) y += "  max_batch_size: " + std::to_string(c.max_batch_size) + "\n";
    return y;
}

}  // namespace vramcalc
