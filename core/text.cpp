#include "text.h"

#include <cmath>
#include <cstdio>

namespace vramcalc {

std::string format_fixed(double x, int decimals) {
    if (!std::isfinite(x)) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
    return buf;
}

std::string count_of(std::int64_t n, const std::string& noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string gib_text(double bytes, int decimals) { return format_fixed(bytes / kGiB, decimals) + " GiB"; }
std::string mib_text(double bytes, int decimals) { return format_fixed(bytes / kMiB, decimals) + " MiB"; }

std::string format_size(Bytes b, SizeUnit unit, int decimals) {
    const double x = static_cast<double>(b);
    // Each smaller unit stops where its rounding would print 1000 (or 1024): "1.0 GiB", not "1024 MiB".
    if (unit == SizeUnit::GB) {
        if (x < 999.5e3 && x > 0) return format_fixed(x / 1e3, 0) + " kB";
        if (x < 999.5e6 && x > 0) return format_fixed(x / 1e6, 0) + " MB";
        return format_fixed(x / 1e9, decimals) + " GB";
    }
    if (x < 1023.5 * kKiB && x > 0) return format_fixed(x / kKiB, 0) + " KiB";
    if (x < 1023.5 * kMiB && x > 0) return format_fixed(x / kMiB, 0) + " MiB";
    return format_fixed(x / kGiB, decimals) + " GiB";
}

std::string format_signed_size(std::int64_t b, SizeUnit unit) {
    const Bytes mag = b < 0 ? static_cast<Bytes>(-(b + 1)) + 1 : static_cast<Bytes>(b);
    return (b < 0 ? "-" : "") + format_size(mag, unit);
}

std::string format_tokens(std::int64_t t) {
    if (t >= 1'000'000) return format_fixed(static_cast<double>(t) / 1e6, t % 1'000'000 == 0 ? 0 : 1) + "M";
    if (t >= 1024 && t % 1024 == 0) return std::to_string(t / 1024) + "k";
    if (t >= 10'000) return std::to_string(t / 1000) + "k";
    return std::to_string(t);
}

std::string format_params(double p) {
    if (!std::isfinite(p) || p <= 0) return "-";
    // 999.6 M rounds to "1000 M": from 999.5 M on it reads "1.0 B".
    if (p >= 999.5e6) return format_fixed(p / 1e9, p >= 99.95e9 ? 0 : 1) + " B";
    return format_fixed(p / 1e6, 0) + " M";
}

}  // namespace vramcalc
