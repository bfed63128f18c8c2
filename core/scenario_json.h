// Scenario <-> JSON: the object `vramcalc estimate --scenario` reads, the page's getState/setState,
// and the share link's payload. Reading never throws: every valid field is applied, every bad one
// is named in `problems` and left at its previous value.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario.h"

namespace vramcalc {

nlohmann::json scenario_to_json(const Scenario& s);

// Applies the fields of `j` onto `s` (fields not present keep their value). Unknown keys and bad
// values are reported in `problems` ("context: expected a positive integer, got \"abc\"").
void apply_scenario_json(const nlohmann::json& j, Scenario& s, std::vector<std::string>& problems);

// A custom model's display name is at most 200 bytes of UTF-8 (it is shown in the page, printed and
// written into JSON and links). "" when `name` is fine, else why not ("not valid UTF-8").
inline constexpr std::size_t kMaxCustomNameBytes = 200;
std::string custom_name_problem(std::string_view name);

}  // namespace vramcalc
