// The engine profiles as JSON: what `vramcalc engines --json` prints and the page's JS API
// (window.vramcalc.getEngines()) returns: ids, names, releases with what changed and the source,
// the accepted version forms, the knobs with their help.
#pragma once
#include <nlohmann/json.hpp>

#include "engine_profile.h"

namespace vramcalc {

nlohmann::json engine_profile_json(const EngineProfile& p);
nlohmann::json engine_profiles_json();   // every profile, in picker order

}  // namespace vramcalc
