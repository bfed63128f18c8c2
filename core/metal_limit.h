// Apple silicon: Metal lets the GPU wire only recommendedMaxWorkingSetSize of the unified memory (by
// default 2/3 of RAM on Macs under 64 GB and ~75% from 64 GB, core/data/gpus.json gpu_share_of_unified;
// ggml-metal reads it as the device's memory). `sudo sysctl iogpu.wired_limit_mb=<MiB>` raises it
// until the next reboot, and recommendedMaxWorkingSetSize follows.
#pragma once
#include <optional>
#include <string>

#include "gpu.h"
#include "result.h"

namespace vramcalc {

bool is_apple_unified(const Gpu& g);
// The working-set line for an Apple device, and when the estimate does not fit but would within the
// RAM less what macOS needs (8 GiB), the sysctl that raises the limit enough ("" when not Apple).
std::string metal_working_set_note(const Gpu& g, const Estimate& e);
// The wired limit in MiB that holds `needed` bytes (rounded up to a whole GiB), if the Mac's RAM less
// 8 GiB for macOS allows it.
std::optional<std::int64_t> wired_limit_mib_for(const Gpu& g, Bytes needed);

}  // namespace vramcalc
