// A model given to the CLI as files (--gguf, --safetensors, --config) or fetched from the Hub (--hf):
// reads each file's header only (a bounded prefix, longer only when the header is), or asks the Hub
// through core/hub.h, and points the scenario at the model. Progress lines go to stderr.
#pragma once
#include <string>
#include <vector>

#include "cli/options.h"
#include "core/scenario.h"

namespace vramcalc::cli {

// "" on success, else the error to print. `notes` collects what the reader wants the user to know.
std::string load_model_input(const Options& o, Scenario& s, std::vector<std::string>& notes);

}  // namespace vramcalc::cli
