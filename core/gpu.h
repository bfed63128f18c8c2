// Accelerators as the catalog (core/data/gpus.json) describes them.
#pragma once
#include <string>

#include "units.h"

namespace vramcalc {

struct Gpu {
    std::string id;               // "h100-sxm", "rtx-4090", "m3-max-128gb"
    std::string name;
    std::string vendor;           // "NVIDIA", "AMD", "Intel", "Apple"
    std::string segment;          // "consumer", "workstation", "datacenter", "apple"
    double memory_marketed = 0;   // as the vendor says it, in memory_unit
    std::string memory_unit;      // "GB" or "GiB"
    Bytes memory_bytes = 0;       // what the runtime reports as total (torch.cuda.mem_get_info total)
    bool unified_memory = false;  // Apple: memory_bytes is already the share the OS lets the GPU use
    double bandwidth_gbps = 0;    // GB/s
    double fp16_tflops = 0;       // dense
    double bf16_tflops = 0;
    double fp8_tflops = 0;
    std::string interconnect;
    std::string source;
    bool operator==(const Gpu&) const = default;
};

}  // namespace vramcalc
