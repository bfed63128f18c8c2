// The weight and KV-cache format catalog (core/data/formats.json) and its spellings. What a format is
// and what a tensor costs in it are in format_types.h (the rules are implemented in formats.cpp).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format_types.h"

namespace vramcalc {

// Parses a format id (case-insensitive); exl2-<bits> accepts any bits per weight in [2, 8].
std::optional<WeightFormat> find_weight_format(std::string_view id);
std::optional<KvFormat> find_kv_format(std::string_view id);
const std::vector<WeightFormat>& weight_formats();
const std::vector<KvFormat>& kv_formats();

}  // namespace vramcalc
