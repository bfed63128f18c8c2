#include "options.h"

#include <cmath>
#include <fstream>
#include <cstdlib>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/engine_profile.h"
#include "core/knobs.h"
#include "core/bounded_json.h"
#include "core/scenario_json.h"
#include "core/share_link.h"

namespace vramcalc::cli {

namespace {

// "--gpu-mem-util" for the knob "gpu_mem_util".
std::string knob_flag(const Knob& k) {
    std::string flag = std::string("--") + k.id;
    for (char& c : flag) if (c == '_') c = '-';
    return flag;
}

}  // namespace

const std::string& usage() {
    static const std::string text = [] {
        std::string engines;
        for (const EngineProfile* p : engine_profiles()) engines += (engines.empty() ? "" : "|") + std::string(p->id);
        std::string knobs;
        for (const Knob& k : engine_knobs())
            knobs += " [" + knob_flag(k) + (k.kind == KnobKind::Flag ? "]" : k.kind == KnobKind::Integer ? " N]" : " X]");
        std::string out = "usage:\n"
            "  vramcalc estimate [--model ID | --config PATH] [--weights FMT] [--kv-dtype FMT]\n"
            "      [--engine " + engines + "] [--engine-version V] [--context N] [--batch N]\n"
            "      [--input-tokens N] [--output-tokens N] [--gpu ID | --gpu-memory-gib X] [--gpus N] [--nodes N]\n"
            "      [--tp N] [--pp N] [--split-mode layer|row|none] (llama.cpp)\n"
            "     " + knobs + "\n"
            "      [--json] [--explain] [--link FRAGMENT] [--export md|csv|json]\n"
            "  vramcalc estimate --scenario FILE.json   (the same options as one JSON object, _ for -)\n"
            "  vramcalc estimate --gguf FILE.gguf [PART...] [--mmproj FILE.gguf]   (reads the headers only)\n"
            "  vramcalc estimate --safetensors SHARD... | INDEX.json [--config config.json]\n"
            "  vramcalc estimate --hf ORG/NAME [--hf-file NAME.gguf]   (asks the Hub: HF_ENDPOINT, HF_TOKEN)\n"
            "  vramcalc matrix [estimate options] [--models ID,ID,...] [--formats FMT,FMT,...] [--export md|csv|json]\n"
            "  vramcalc reconcile LOGFILE [estimate options] [--json]   (a vLLM, llama.cpp or SGLang start-up log:\n"
            "      its figures beside ours; options fill what the log lacks; also: estimate --log LOGFILE)\n"
            "  vramcalc link [estimate options]         (prints the share-link fragment of the scenario)\n"
            "  vramcalc fit [scenario options] [--fit-target MIB]   (llama.cpp --fit: -ngl, --tensor-split, -ot that fit;\n"
            "      without --context it lowers the context as llama.cpp does for an unset -c)\n"
            "  vramcalc engines [--json]                 (each engine's releases, knobs and accepted versions)\n"
            "  vramcalc models | gpus | formats [--json]\n";
        return out;
    }();
    return text;
}

namespace {

// The file's text, or "" with `error` set. Reads at most max_bytes + 1 bytes, so /dev/zero or a 10 GB
// file is refused at once instead of read whole.
std::string read_file(const std::string& flag, const std::string& path, std::size_t max_bytes, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    std::string out(max_bytes + 1, '\0');
    if (in) in.read(out.data(), static_cast<std::streamsize>(out.size()));
    if (!in && !in.eof()) {
        error = flag + ": cannot read " + path;
        return {};
    }
    out.resize(static_cast<std::size_t>(in.gcount()));
    if (out.size() > max_bytes)
        error = flag + ": " + path + " is larger than the " + std::to_string(max_bytes >> 20) + " MiB allowed";
    return error.empty() ? out : std::string();
}

// The flag spellings map onto the scenario JSON keys, so one reader validates both.
const char* scenario_key(const std::string& flag) {
    static const std::pair<const char*, const char*> kMap[] = {
        {"--model", "model"}, {"--weights", "weights"}, {"--kv-dtype", "kv_dtype"}, {"--engine", "engine"},
        {"--context", "context"}, {"-c", "context"}, {"--ctx-size", "context"}, {"--batch", "batch"}, {"--input-tokens", "input_tokens"},
        {"--output-tokens", "output_tokens"}, {"--gpu", "gpu"}, {"--gpu-memory-gib", "gpu_memory_gib"},
        {"--gpus", "gpus"}, {"--nodes", "nodes"}, {"--tp", "tp"}, {"--pp", "pp"},
        {"--params", "custom_params"}, {"--name", "custom_name"}, {"--engine-version", "engine_version"},
        // llama.cpp's own spellings
        {"-ngl", "gpu_layers"}, {"--n-gpu-layers", "gpu_layers"}, {"-ncmoe", "n_cpu_moe"},
        {"-ot", "override_tensor"}, {"--override-tensor", "override_tensor"},
        {"-ts", "tensor_split"}, {"--tensor-split", "tensor_split"},
        {"-sm", "split_mode"}, {"--split-mode", "split_mode"}, {"-mg", "main_gpu"},
        // SGLang's spellings
        {"--ep-size", "ep"}, {"--expert-parallel-size", "ep"},
    };
    for (const auto& [f, k] : kMap)
        if (flag == f) return k;
    // Engine knobs that take a value: "--" + the knob id with '-' for '_' (core/knobs.cpp).
    for (const Knob& k : engine_knobs())
        if (k.kind != KnobKind::Flag && flag == knob_flag(k)) return k.id;
    return nullptr;
}

// Engine knobs that are on/off: the flag alone turns them on.
const Knob* flag_knob(const std::string& flag) {
    for (const Knob& k : engine_knobs())
        if (k.kind == KnobKind::Flag && flag == knob_flag(k)) return &k;
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
    // --json and --export json decide how errors are printed, so they count even when an earlier option is bad.
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--json") o.json = true;
        if (args[i] == "--export=json" || (args[i] == "--export" && i + 1 < args.size() && args[i + 1] == "json"))
            o.export_format = "json";
    }
    if (o.command == "-h" || o.command == "--help" || o.command == "help") {
        o.command = "help";
        return o;
    }
    const bool takes_scenario = o.command == "estimate" || o.command == "matrix" || o.command == "link" ||
                                o.command == "reconcile" || o.command == "fit";
    if (!takes_scenario && o.command != "models" && o.command != "gpus" && o.command != "formats" && o.command != "engines") {
        o.error = "unknown command '" + o.command + "' (estimate, reconcile, fit, matrix, link, engines, models, gpus, formats)";
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
        else if (const Knob* k = takes_scenario ? flag_knob(flag == "-cmoe" ? "--cpu-moe" : flag) : nullptr) {
            if (has_inline) fields[k->id] = value;  // --flash-attn=false
            else fields[k->id] = true;
            o.flag_fields[k->id] = fields[k->id];
        }
        else if (!takes_scenario) {
            o.error = flag + ": unknown option for '" + o.command + "'";
            return o;
        } else if (o.command == "reconcile" && a.rfind("--", 0) != 0 && o.log_path.empty()) {
            o.log_path = a;  // vramcalc reconcile LOGFILE
        } else if (flag == "--log" && (o.command == "estimate" || o.command == "reconcile")) {
            if (!take()) return o;
            o.log_path = value;
        } else if (flag == "--link") {
            if (!take()) return o;
            link = value;
        } else if (flag == "--fit-target" && o.command == "fit") {
            // llama.cpp -fitt: MiB to leave free per device (default 1024)
            if (!take()) return o;
            char* end = nullptr;
            const double mib = std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0' || !(mib >= 0 && mib <= 1e6)) {
                o.error = "--fit-target: MiB between 0 and 1e6, got '" + value + "'";
                return o;
            }
            o.fit_target_mib = mib;
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
            // -ot repeats: llama.cpp joins every occurrence (and reads commas inside one) in order.
            if (std::string(key) == "override_tensor" && fields.contains(key)) value = fields[key].get<std::string>() + "," + value;
            // --gpu A,B,...: a mixed device list, in device order
            if (std::string(key) == "gpu" && value.find(',') != std::string::npos) key = "gpu_list";
            fields[key] = value;  // strings are validated (and converted) by apply_scenario_json
            o.flag_fields[key] = value;
        } else {
            o.error = flag + ": unknown option (see vramcalc --help)";
            return o;
        }
    }
    if (!takes_scenario) return o;
    if (o.command == "reconcile" && o.log_path.empty()) {
        o.error = "reconcile: name the log file (vramcalc reconcile LOGFILE)";
        return o;
    }
    if (!o.log_path.empty()) {
        // A longer paste is refused rather than cut: the log reader reads at most this much anyway.
        o.log_text = read_file("--log", o.log_path, 16u << 20, o.error);
        if (!o.error.empty()) return o;
    }
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
        const std::string text = read_file("--scenario", scenario_path, kScenarioJsonLimits.max_bytes, o.error);
        if (!o.error.empty()) return o;
        JsonParse parsed = parse_json(text, kScenarioJsonLimits);
        nlohmann::json& j = parsed.value;
        if (!parsed.ok() || !j.is_object()) {
            o.error = "--scenario: " + scenario_path + " is " + (parsed.ok() ? "not a JSON object" : parsed.message);
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
        fields["custom_config"] = read_file("--config", config_path, kConfigJsonLimits.max_bytes, o.error);
        if (!o.error.empty()) return o;
    }
    o.context_given = fields.contains("context") || !link.empty();
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
