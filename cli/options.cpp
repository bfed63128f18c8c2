#include "options.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/scenario_json.h"
#include "core/share_link.h"

namespace vramcalc::cli {

const char* usage() {
    return "usage:\n"
           "  vramcalc estimate [--model ID | --config PATH] [--weights FMT] [--kv-dtype FMT]\n"
           "      [--engine vllm|llamacpp|transformers|sglang|simple] [--context N] [--batch N]\n"
           "      [--input-tokens N] [--output-tokens N] [--gpu ID | --gpu-memory-gib X] [--gpus N] [--nodes N]\n"
           "      [--tp N] [--pp N] [--gpu-mem-util F] [--max-batched-tokens N] [--cpu-offload-gib X]\n"
           "      [--gpu-layers N] [--ubatch N] [--n-batch N] [--flash-attn] [--parallel N] [--enforce-eager]\n"
           "      [--json] [--explain]\n"
           "      [--engine-version V] [--link FRAGMENT] [--export md|csv|json]\n"
           "  vramcalc estimate --scenario FILE.json   (the same options as one JSON object, _ for -)\n"
           "  vramcalc estimate --gguf FILE.gguf [PART...] [--mmproj FILE.gguf]   (reads the headers only)\n"
           "  vramcalc estimate --safetensors SHARD... | INDEX.json [--config config.json]\n"
           "  vramcalc estimate --hf ORG/NAME [--hf-file NAME.gguf]   (asks the Hub: HF_ENDPOINT, HF_TOKEN)\n"
           "  vramcalc matrix [estimate options] [--models ID,ID,...] [--formats FMT,FMT,...] [--export md|csv|json]\n"
           "  vramcalc link [estimate options]         (prints the share-link fragment of the scenario)\n"
           "  vramcalc models | gpus | formats [--json]\n";
}

namespace {

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

// The flag spellings map onto the scenario JSON keys, so one reader validates both.
const char* scenario_key(const std::string& flag) {
    static const std::pair<const char*, const char*> kMap[] = {
        {"--model", "model"}, {"--weights", "weights"}, {"--kv-dtype", "kv_dtype"}, {"--engine", "engine"},
        {"--context", "context"}, {"--batch", "batch"}, {"--input-tokens", "input_tokens"},
        {"--output-tokens", "output_tokens"}, {"--gpu", "gpu"}, {"--gpu-memory-gib", "gpu_memory_gib"},
        {"--gpus", "gpus"}, {"--nodes", "nodes"}, {"--tp", "tp"}, {"--pp", "pp"}, {"--gpu-mem-util", "gpu_mem_util"},
        {"--max-batched-tokens", "max_batched_tokens"}, {"--cpu-offload-gib", "cpu_offload_gib"},
        {"--gpu-layers", "gpu_layers"}, {"--ubatch", "ubatch"}, {"--n-batch", "n_batch"}, {"--parallel", "parallel"},
        {"--params", "custom_params"}, {"--name", "custom_name"}, {"--engine-version", "engine_version"},
    };
    for (const auto& [f, k] : kMap)
        if (flag == f) return k;
    return nullptr;
}

}  // namespace

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    if (args.empty()) {
        o.command = "help";
        return o;
    }
    o.command = args[0];
    // --json decides how errors are printed, so it counts even when an earlier option is bad.
    for (const auto& a : args) if (a == "--json") o.json = true;
    if (o.command == "-h" || o.command == "--help" || o.command == "help") {
        o.command = "help";
        return o;
    }
    const bool takes_scenario = o.command == "estimate" || o.command == "matrix" || o.command == "link";
    if (!takes_scenario && o.command != "models" && o.command != "gpus" && o.command != "formats") {
        o.error = "unknown command '" + o.command + "' (estimate, matrix, link, models, gpus, formats)";
        return o;
    }
    std::string link;
    nlohmann::json fields = nlohmann::json::object();
    std::string config_path, scenario_path;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        std::string flag = a, value;
        bool has_inline = false;
        if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            flag = a.substr(0, eq);
            value = a.substr(eq + 1);
            has_inline = true;
        }
        auto take = [&]() -> bool {
            if (has_inline) return true;
            if (i + 1 >= args.size()) {
                o.error = flag + ": needs a value";
                return false;
            }
            value = args[++i];
            return true;
        };
        if (flag == "--json") o.json = true;
        else if (flag == "--explain") o.explain = true;
        else if (flag == "--flash-attn") fields["flash_attn"] = true;
        else if (flag == "--enforce-eager") fields["enforce_eager"] = true;
        else if (!takes_scenario) {
            o.error = flag + ": unknown option for '" + o.command + "'";
            return o;
        } else if (flag == "--link") {
            if (!take()) return o;
            link = value;
        } else if (flag == "--export") {
            if (!take()) return o;
            if (value != "md" && value != "csv" && value != "json") {
                o.error = "--export: md, csv or json, got '" + value + "'";
                return o;
            }
            o.export_format = value;
        } else if ((flag == "--models" || flag == "--formats") && o.command == "matrix") {
            if (!take()) return o;
            auto& list = flag == "--models" ? o.matrix_models : o.matrix_formats;
            std::stringstream ss(value);
            for (std::string item; std::getline(ss, item, ',');)
                if (!item.empty()) list.push_back(item);
        } else if (flag == "--config") {
            if (!take()) return o;
            config_path = value;
        } else if (flag == "--gguf" || flag == "--safetensors") {
            // One or more paths: the value, then every following argument that is not a flag.
            if (!take()) return o;
            auto& list = flag == "--gguf" ? o.gguf_paths : o.safetensors_paths;
            list.push_back(value);
            while (!has_inline && i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) list.push_back(args[++i]);
        } else if (flag == "--mmproj" || flag == "--hf" || flag == "--hf-file") {
            if (!take()) return o;
            (flag == "--mmproj" ? o.mmproj_path : flag == "--hf" ? o.hf_repo : o.hf_file) = value;
        } else if (flag == "--scenario") {
            if (!take()) return o;
            scenario_path = value;
        } else if (const char* key = scenario_key(flag)) {
            if (!take()) return o;
            fields[key] = value;  // strings are validated (and converted) by apply_scenario_json
            o.flag_fields[key] = value;
        } else {
            o.error = flag + ": unknown option (see vramcalc --help)";
            return o;
        }
    }
    if (!takes_scenario) return o;
    if (!o.hf_file.empty() && o.hf_repo.empty()) {
        o.error = "--hf-file: names a file of the repo given with --hf ORG/NAME";
        return o;
    }
    if (!o.mmproj_path.empty() && o.gguf_paths.empty()) {
        o.error = "--mmproj: goes with the model's --gguf file";
        return o;
    }
    if ((!o.gguf_paths.empty()) + (!o.safetensors_paths.empty()) + (!o.hf_repo.empty()) > 1) {
        o.error = "--gguf, --safetensors and --hf each name a model: give one of them";
        return o;
    }

    std::vector<std::string> problems;
    if (!link.empty()) {
        // A share link is the base; explicit flags and a scenario file still win over it.
        DecodedLink d = decode_share_fragment(link);
        if (!d.ignored.empty()) {
            o.error = "--link: " + d.ignored.front();
            return o;
        }
        o.scenario = d.scenario;
    }
    if (!scenario_path.empty()) {
        std::string text;
        if (!read_file(scenario_path, text)) {
            o.error = "--scenario: cannot read " + scenario_path;
            return o;
        }
        nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            o.error = "--scenario: " + scenario_path + " is not a JSON object";
            return o;
        }
        // A scenario file may name a config.json path like --config does.
        if (j.contains("config")) {
            if (!j["config"].is_string()) {
                o.error = "--scenario: config: expected a path to a config.json";
                return o;
            }
            if (config_path.empty()) config_path = j["config"].get<std::string>();
            j.erase("config");
        }
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (it.value().is_boolean() && !it.value().get<bool>() && (it.key() == "json" || it.key() == "explain")) continue;
            if (it.key() == "json") { o.json = it.value() == true; continue; }
            if (it.key() == "explain") { o.explain = it.value() == true; continue; }
            if (!fields.contains(it.key())) fields[it.key()] = it.value();  // command-line flags win
        }
    }
    o.config_path = config_path;
    if (!config_path.empty() && !o.model_from_files()) {
        std::string text;
        if (!read_file(config_path, text)) {
            o.error = "--config: cannot read " + config_path;
            return o;
        }
        fields["custom_config"] = text;
    }
    apply_scenario_json(fields, o.scenario, problems);
    if (!problems.empty()) {
        // Name the flag the user typed, not the JSON key.
        std::string p = problems.front();
        if (p.rfind("custom_config", 0) != 0) {
            std::string key = p.substr(0, p.find(':'));
            std::string flag = "--" + key;
            for (char& c : flag) if (c == '_') c = '-';
            if (key == "custom_params") flag = "--params";
            if (key == "custom_name") flag = "--name";
            p = flag + p.substr(key.size());
        }
        o.error = p;
    }
    return o;
}

}  // namespace vramcalc::cli
