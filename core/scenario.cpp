#include "scenario.h"

namespace vramcalc {

bool is_custom(const Scenario& s) { return !s.custom_config.empty() || s.custom_params > 0.0; }

}  // namespace vramcalc
