// The catalog JSON files of core/data, embedded at build time (the build generates the .cpp), so the
// page and the CLI need no file or fetch to know their models.
#pragma once
#include <string_view>

namespace vramcalc {

std::string_view embedded_models_json();   // core/data/models.json
std::string_view embedded_gpus_json();     // core/data/gpus.json
std::string_view embedded_formats_json();  // core/data/formats.json

}  // namespace vramcalc
