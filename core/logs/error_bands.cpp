#include "core/logs/error_bands.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/text.h"

namespace vramcalc {

// The generated table (error_band_table.cpp).
const std::vector<ErrorBand>& error_band_table();

std::optional<ErrorBand> error_band(const std::string& engine, const std::string& metric) {
    for (const ErrorBand& b : error_band_table())
        if (b.engine == engine && b.metric == metric) return b;
    return std::nullopt;
}

BandRange measured_range(double estimate, const ErrorBand& band) {
    // An error of -100% or worse would mean a figure of zero or less: clamp so the division stays finite.
    const double lo = std::max(band.low, -0.9), hi = std::max(band.high, -0.9);
    BandRange r{estimate / (1.0 + hi), estimate / (1.0 + lo)};
    if (!std::isfinite(r.low) || r.low < 0) r.low = 0;
    if (!std::isfinite(r.high) || r.high < 0) r.high = 0;
    return r;
}

std::string band_text(const ErrorBand& band) {
    const BandRange r = measured_range(1.0, band);
    return "+" + format_fixed(100.0 * (r.high - 1.0), 1) + "% / -" + format_fixed(100.0 * (1.0 - r.low), 1) + "%";
}

}  // namespace vramcalc
