// Estimate -> JSON: the schema of `vramcalc estimate --json` and of the page's getResult().
#pragma once
#include <nlohmann/json.hpp>

#include "estimate.h"

namespace vramcalc {

// explain: include each figure's "how" string next to its bytes.
nlohmann::json estimate_to_json(const Estimate& e, bool explain = false);

}  // namespace vramcalc
