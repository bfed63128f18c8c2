#include "metal_limit.h"

#include <cmath>

#include "text.h"

namespace vramcalc {

namespace {
constexpr double kMacOsReserveGiB = 8.0;  // left to macOS and apps when raising the wired limit
}

bool is_apple_unified(const Gpu& g) { return g.unified_memory && g.vendor == "Apple"; }

std::optional<std::int64_t> wired_limit_mib_for(const Gpu& g, Bytes needed) {
    if (!is_apple_unified(g) || g.memory_marketed <= 0) return std::nullopt;
    const double ram_gib = g.memory_marketed * (g.memory_unit == "MB" || g.memory_unit == "MiB" ? 1.0 / 1024.0 : 1.0);
    const double need_gib = std::ceil(static_cast<double>(needed) / kGiB);
    if (need_gib > ram_gib - kMacOsReserveGiB) return std::nullopt;
    return static_cast<std::int64_t>(need_gib) * 1024;
}

std::string metal_working_set_note(const Gpu& g, const Estimate& e) {
    if (!is_apple_unified(g)) return "";
    const double ram_gib = g.memory_marketed * (g.memory_unit == "MB" || g.memory_unit == "MiB" ? 1.0 / 1024.0 : 1.0);
    std::string t = "Metal working-set limit: the GPU may wire " + gib_text(static_cast<double>(g.memory_bytes)) + " of the " +
                    format_fixed(ram_gib, 0) + " GB (recommendedMaxWorkingSetSize; macOS allows about 2/3 of RAM below 64 GB, "
                    "75% from 64 GB)";
    if (!e.fits && e.headroom_bytes < 0) {
        const Bytes needed = g.memory_bytes + static_cast<Bytes>(-e.headroom_bytes);
        if (const auto mib = wired_limit_mib_for(g, needed))
            t += "; to fit, raise it until reboot: sudo sysctl iogpu.wired_limit_mb=" + std::to_string(*mib) + " (leaves " +
                 format_fixed(ram_gib - static_cast<double>(*mib) / 1024.0, 0) + " GB to macOS)";
        else
            t += "; raising it (sudo sysctl iogpu.wired_limit_mb) would not be enough while leaving macOS 8 GB";
    } else {
        t += "; sudo sysctl iogpu.wired_limit_mb=<MiB> raises it until reboot";
    }
    return t;
}

}  // namespace vramcalc
