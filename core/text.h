// Human-readable numbers shared by the CLI and the page: sizes in GiB or GB, token counts, params.
#pragma once
#include <cstdint>
#include <string>

#include "units.h"

namespace vramcalc {

enum class SizeUnit { GiB, GB };

std::string format_size(Bytes b, SizeUnit unit = SizeUnit::GiB, int decimals = 1);  // "20.3 GiB", "812 MiB" for small GiB
std::string format_signed_size(std::int64_t b, SizeUnit unit = SizeUnit::GiB);    // "-2.1 GiB"
std::string format_tokens(std::int64_t tokens);                                     // "28k", "1.2M", "512"
std::string format_params(double params);                                          // "32.8 B", "494 M"
std::string format_fixed(double x, int decimals);                                   // locale-free printf("%.*f")
std::string count_of(std::int64_t n, const std::string& noun);                       // "1 GPU", "2 GPUs"
// Fixed-unit figures for the engines' "how" lines, as the engines' own logs print them.
std::string gib_text(double bytes, int decimals = 2);                               // "14.99 GiB"
std::string mib_text(double bytes, int decimals = 2);                               // "640.00 MiB"

}  // namespace vramcalc
