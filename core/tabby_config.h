// TabbyAPI's config.yml (theroyallab/tabbyAPI config_sample.yml, "model:" section) as a launch
// command: the loader ExLlamaV2 and ExLlamaV3 users run. Only the keys that size memory are written.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vramcalc {

struct TabbyModelConfig {
    std::string header;                 // comment lines above the file ("# TabbyAPI ... "), may be ""
    std::string model_name;             // the folder under models/
    std::string backend;                // "exllamav2" / "exllamav3"
    std::int64_t max_seq_len = 0;
    std::int64_t cache_size = 0;
    std::string cache_mode = "FP16";    // FP16, Q8, Q6, Q4 or "K,V"
    std::int64_t chunk_size = 2048;
    bool gpu_split_auto = true;
    std::vector<double> autosplit_reserve_mib{96};
    std::int64_t max_batch_size = 0;    // 0: not written (the backend's default)
};

std::string tabby_config_yml(const TabbyModelConfig& c);

}  // namespace vramcalc
