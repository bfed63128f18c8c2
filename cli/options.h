// Command-line options -> Scenario. Every bad option is one clear message naming it.
#pragma once
#include <string>
#include <vector>

#include "core/scenario.h"

namespace vramcalc::cli {

struct Options {
    std::string command;         // "estimate", "matrix", "link", "engines", "models", "gpus", "formats", "help"
    Scenario scenario;
    std::string export_format;   // "md", "csv", "json" (estimate, matrix); "" = the plain report
    std::vector<std::string> matrix_models;   // matrix: model ids ("" = the chosen model's family)
    std::vector<std::string> matrix_formats;  // matrix: format ids ("" = the engine's formats)
    bool json = false;
    bool explain = false;
    std::string error;           // set when the command line is bad
};

Options parse_options(const std::vector<std::string>& args);

const std::string& usage();

}  // namespace vramcalc::cli
