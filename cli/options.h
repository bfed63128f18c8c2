// Command-line options -> Scenario. Every bad option is one clear message naming it.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/scenario.h"

namespace vramcalc::cli {

struct Options {
    double fit_target_mib = 1024.0;  // `fit`: llama.cpp --fit-target
    bool context_given = false;      // --context / -c (or a scenario file or link naming it): `fit` keeps it
    std::string command;         // "estimate", "reconcile", "matrix", "link", "engines", "models", "gpus", "formats", "help"
    Scenario scenario;
    std::string export_format;   // "md", "csv", "json" (estimate, matrix); "" = the plain report
    std::vector<std::string> matrix_models;   // matrix: model ids ("" = the chosen model's family)
    std::vector<std::string> matrix_formats;  // matrix: format ids ("" = the engine's formats)
    bool json = false;
    bool explain = false;
    std::string error;           // set when the command line is bad

    // A model given as files (read header only) or fetched from the Hugging Face Hub on request.
    std::vector<std::string> gguf_paths;         // --gguf: a .gguf, or the parts of a split set
    std::string mmproj_path;                     // --mmproj: a vision projector GGUF
    std::vector<std::string> safetensors_paths;  // --safetensors: shards, or a model.safetensors.index.json
    std::string hf_repo;                         // --hf ORG/NAME
    std::string hf_file;                         // --hf-file NAME.gguf
    std::string config_path;                     // --config, read with the files when a model comes as files
    std::string log_path;                        // reconcile LOGFILE / estimate --log LOGFILE
    std::string log_text;                        // its text (bounded)
    nlohmann::json flag_fields = nlohmann::json::object();  // fields set by flags: they win over the files
    bool model_from_files() const { return !gguf_paths.empty() || !safetensors_paths.empty() || !hf_repo.empty(); }
};

Options parse_options(const std::vector<std::string>& args);

const std::string& usage();

}  // namespace vramcalc::cli
