// Byte counts and unit conversions. Bytes are 64-bit everywhere: wasm32 has a 32-bit size_t and a
// 405B model in bf16 is 810e9 bytes.
#pragma once
#include <cstdint>

namespace vramcalc {

using Bytes = std::uint64_t;

inline constexpr double kKiB = 1024.0;
inline constexpr double kMiB = 1024.0 * 1024.0;
inline constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
inline constexpr double kGB = 1e9;

inline double to_gib(Bytes b) { return static_cast<double>(b) / kGiB; }
inline double to_mib(Bytes b) { return static_cast<double>(b) / kMiB; }
inline double to_gb(Bytes b) { return static_cast<double>(b) / kGB; }

// Rounds a non-negative double to bytes, saturating instead of overflowing (absurd inputs stay finite).
inline Bytes bytes_from(double x) {
    if (!(x > 0.0)) return 0;                 // also catches NaN
    if (x >= 1.8e19) return UINT64_MAX / 2;   // far beyond any real device
    return static_cast<Bytes>(x + 0.5);
}
inline Bytes gib_to_bytes(double gib) { return bytes_from(gib * kGiB); }

inline std::uint64_t round_up(std::uint64_t x, std::uint64_t multiple) {
    return multiple == 0 ? x : (x + multiple - 1) / multiple * multiple;
}

}  // namespace vramcalc
