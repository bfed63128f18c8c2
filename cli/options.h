// Command-line options -> Scenario. Every bad option is one clear message naming it.
#pragma once
#include <string>
#include <vector>

#include "core/scenario.h"

namespace vramcalc::cli {

struct Options {
    std::string command;         // "estimate", "models", "gpus", "formats", "help"
    Scenario scenario;
    bool json = false;
    bool explain = false;
    std::string error;           // set when the command line is bad
};

Options parse_options(const std::vector<std::string>& args);

const char* usage();

}  // namespace vramcalc::cli
