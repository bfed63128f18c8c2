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

// --json and --export json decide how errors are printed, so they count even when an earlier option is bad.
void scan_output_flags(const std::vector<std::string>& args, Options& o) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--json") o.json = true;
        if (args[i] == "--export=json" || (args[i] == "--export" && i + 1 < args.size() && args[i + 1] == "json"))
            o.export_format = "json";
    }
}

bool command_takes_scenario(const std::string& command) {
    return command == "estimate" || command == "matrix" || command == "link" || command == "reconcile" || command == "fit";
}

// What the option loop gathers before the scenario is built.
struct Collected {
    std::string link;
    nlohmann::json fields = nlohmann::json::object();
    std::string config_path, scenario_path;
};

// One argument: "--flag=value" carries its value inline.
struct Arg {
    std::string flag, value;
    bool has_inline = false;
};

Arg split_arg(const std::string& a) {
    Arg arg{a, {}, false};
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
        arg.flag = a.substr(0, eq);
        arg.value = a.substr(eq + 1);
        arg.has_inline = true;
    }
    return arg;
}

// The flag's value: inline, or the next argument. False with o.error set when there is none.
bool take(const std::vector<std::string>& args, std::size_t& i, Arg& arg, Options& o) {
    if (arg.has_inline) return true;
    if (i + 1 >= args.size()) {
        o.error = arg.flag + ": needs a value";
        return false;
    }
    arg.value = args[++i];
    return true;
}

// A handler's answer: not its flag, read, or bad (o.error set).
enum class Took { No, Yes, Failed };

Took parse_fit_target(const std::string& value, Options& o) {
    char* end = nullptr;
    const double mib = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(mib >= 0 && mib <= 1e6)) {
        o.error = "--fit-target: MiB between 0 and 1e6, got '" + value + "'";
        return Took::Failed;
    }
    o.fit_target_mib = mib;
    return Took::Yes;
}

// Flags that steer the command rather than the scenario.
Took command_flag(const std::vector<std::string>& args, std::size_t& i, Arg& arg, Options& o, Collected& c) {
    const std::string& flag = arg.flag;
    if (flag == "--log" && (o.command == "estimate" || o.command == "reconcile")) {
        if (!take(args, i, arg, o)) return Took::Failed;
        o.log_path = arg.value;
    } else if (flag == "--link") {
        if (!take(args, i, arg, o)) return Took::Failed;
        c.link = arg.value;
    } else if (flag == "--fit-target" && o.command == "fit") {
        // llama.cpp -fitt: MiB to leave free per device (default 1024)
        if (!take(args, i, arg, o)) return Took::Failed;
        return parse_fit_target(arg.value, o);
    } else if (flag == "--export") {
        if (!take(args, i, arg, o)) return Took::Failed;
        if (arg.value != "md" && arg.value != "csv" && arg.value != "json") {
            o.error = "--export: md, csv or json, got '" + arg.value + "'";
            return Took::Failed;
        }
        o.export_format = arg.value;
    } else if ((flag == "--models" || flag == "--formats") && o.command == "matrix") {
        if (!take(args, i, arg, o)) return Took::Failed;
        auto& list = flag == "--models" ? o.matrix_models : o.matrix_formats;
        std::stringstream ss(arg.value);
        for (std::string item; std::getline(ss, item, ',');)
            if (!item.empty()) list.push_back(item);
    } else {
        return Took::No;
    }
    return Took::Yes;
}

// Flags naming where the model or the scenario comes from.
Took source_flag(const std::vector<std::string>& args, std::size_t& i, Arg& arg, Options& o, Collected& c) {
    const std::string& flag = arg.flag;
    if (flag == "--config") {
        if (!take(args, i, arg, o)) return Took::Failed;
        c.config_path = arg.value;
    } else if (flag == "--gguf" || flag == "--safetensors") {
        // One or more paths: the value, then every following argument that is not a flag.
        if (!take(args, i, arg, o)) return Took::Failed;
        auto& list = flag == "--gguf" ? o.gguf_paths : o.safetensors_paths;
        list.push_back(arg.value);
        while (!arg.has_inline && i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) list.push_back(args[++i]);
    } else if (flag == "--mmproj" || flag == "--hf" || flag == "--hf-file") {
        if (!take(args, i, arg, o)) return Took::Failed;
        (flag == "--mmproj" ? o.mmproj_path : flag == "--hf" ? o.hf_repo : o.hf_file) = arg.value;
    } else if (flag == "--scenario") {
        if (!take(args, i, arg, o)) return Took::Failed;
        c.scenario_path = arg.value;
    } else {
        return Took::No;
    }
    return Took::Yes;
}

// Flags that are scenario fields (our spellings and the engines' own).
Took scenario_flag(const std::vector<std::string>& args, std::size_t& i, Arg& arg, Options& o, Collected& c) {
    const char* key = scenario_key(arg.flag);
    if (!key) return Took::No;
    if (!take(args, i, arg, o)) return Took::Failed;
    // -ot repeats: llama.cpp joins every occurrence (and reads commas inside one) in order.
    if (std::string(key) == "override_tensor" && c.fields.contains(key)) arg.value = c.fields[key].get<std::string>() + "," + arg.value;
    // --gpu A,B,...: a mixed device list, in device order
    if (std::string(key) == "gpu" && arg.value.find(',') != std::string::npos) key = "gpu_list";
    c.fields[key] = arg.value;  // strings are validated (and converted) by apply_scenario_json
    o.flag_fields[key] = arg.value;
    return Took::Yes;
}

// args[i] (and the values it takes). False with o.error set.
bool parse_arg(const std::vector<std::string>& args, std::size_t& i, bool takes_scenario, Options& o, Collected& c) {
    const std::string& a = args[i];
    Arg arg = split_arg(a);
    if (arg.flag == "--json") o.json = true;
    else if (arg.flag == "--explain") o.explain = true;
    else if (const Knob* k = takes_scenario ? flag_knob(arg.flag == "-cmoe" ? "--cpu-moe" : arg.flag) : nullptr) {
        if (arg.has_inline) c.fields[k->id] = arg.value;  // --flash-attn=false
        else c.fields[k->id] = true;
        o.flag_fields[k->id] = c.fields[k->id];
    }
    else if (!takes_scenario) {
        o.error = arg.flag + ": unknown option for '" + o.command + "'";
        return false;
    } else if (o.command == "reconcile" && a.rfind("--", 0) != 0 && o.log_path.empty()) {
        o.log_path = a;  // vramcalc reconcile LOGFILE
    } else {
        Took t = command_flag(args, i, arg, o, c);
        if (t == Took::No) t = source_flag(args, i, arg, o, c);
        if (t == Took::No) t = scenario_flag(args, i, arg, o, c);
        if (t == Took::No) o.error = arg.flag + ": unknown option (see vramcalc --help)";
        return t == Took::Yes;
    }
    return true;
}

// Once every flag is read: the log's text, and model sources that go together. False with o.error set.
bool check_sources(Options& o) {
    if (o.command == "reconcile" && o.log_path.empty()) {
        o.error = "reconcile: name the log file (vramcalc reconcile LOGFILE)";
        return false;
    }
    if (!o.log_path.empty()) {
        // A longer paste is refused rather than cut: the log reader reads at most this much anyway.
        o.log_text = read_file("--log", o.log_path, 16u << 20, o.error);
        if (!o.error.empty()) return false;
    }
    if (!o.hf_file.empty() && o.hf_repo.empty()) {
        o.error = "--hf-file: names a file of the repo given with --hf ORG/NAME";
        return false;
    }
    if (!o.mmproj_path.empty() && o.gguf_paths.empty()) {
        o.error = "--mmproj: goes with the model's --gguf file";
        return false;
    }
    if ((!o.gguf_paths.empty()) + (!o.safetensors_paths.empty()) + (!o.hf_repo.empty()) > 1) {
        o.error = "--gguf, --safetensors and --hf each name a model: give one of them";
        return false;
    }
    return true;
}

// A share link is the base; explicit flags and a scenario file still win over it.
bool apply_link(const std::string& link, Options& o) {
    DecodedLink d = decode_share_fragment(link);
    if (!d.ignored.empty()) {
        o.error = "--link: " + d.ignored.front();
        return false;
    }
    o.scenario = d.scenario;
    return true;
}

// The --scenario file's fields under the command line's. False with o.error set.
bool read_scenario_file(Collected& c, Options& o) {
    const std::string text = read_file("--scenario", c.scenario_path, kScenarioJsonLimits.max_bytes, o.error);
    if (!o.error.empty()) return false;
    JsonParse parsed = parse_json(text, kScenarioJsonLimits);
    nlohmann::json& j = parsed.value;
    if (!parsed.ok() || !j.is_object()) {
        o.error = "--scenario: " + c.scenario_path + " is " + (parsed.ok() ? "not a JSON object" : parsed.message);
        return false;
    }
    // A scenario file may name a config.json path like --config does.
    if (j.contains("config")) {
        if (!j["config"].is_string()) {
            o.error = "--scenario: config: expected a path to a config.json";
            return false;
        }
        if (c.config_path.empty()) c.config_path = j["config"].get<std::string>();
        j.erase("config");
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.value().is_boolean() && !it.value().get<bool>() && (it.key() == "json" || it.key() == "explain")) continue;
        if (it.key() == "json") { o.json = it.value() == true; continue; }
        if (it.key() == "explain") { o.explain = it.value() == true; continue; }
        if (!c.fields.contains(it.key())) c.fields[it.key()] = it.value();  // command-line flags win
    }
    return true;
}

// Name the flag the user typed, not the JSON key.
std::string flag_problem(std::string p) {
    if (p.rfind("custom_config", 0) != 0) {
        std::string key = p.substr(0, p.find(':'));
        std::string flag = "--" + key;
        for (char& c : flag) if (c == '_') c = '-';
        if (key == "custom_params") flag = "--params";
        if (key == "custom_name") flag = "--name";
        p = flag + p.substr(key.size());
    }
    return p;
}

}  // namespace

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    if (args.empty()) {
        o.command = "help";
        return o;
    }
    o.command = args[0];
    scan_output_flags(args, o);
    if (o.command == "-h" || o.command == "--help" || o.command == "help") {
        o.command = "help";
        return o;
    }
    const bool takes_scenario = command_takes_scenario(o.command);
    if (!takes_scenario && o.command != "models" && o.command != "gpus" && o.command != "formats" && o.command != "engines") {
        o.error = "unknown command '" + o.command + "' (estimate, reconcile, fit, matrix, link, engines, models, gpus, formats)";
        return o;
    }
    Collected c;
    for (std::size_t i = 1; i < args.size(); ++i)
        if (!parse_arg(args, i, takes_scenario, o, c)) return o;
    if (!takes_scenario) return o;
    if (!check_sources(o)) return o;

    if (!c.link.empty() && !apply_link(c.link, o)) return o;
    if (!c.scenario_path.empty() && !read_scenario_file(c, o)) return o;
    o.config_path = c.config_path;
    if (!c.config_path.empty() && !o.model_from_files()) {
        c.fields["custom_config"] = read_file("--config", c.config_path, kConfigJsonLimits.max_bytes, o.error);
        if (!o.error.empty()) return o;
    }
    o.context_given = c.fields.contains("context") || !c.link.empty();
    std::vector<std::string> problems;
    apply_scenario_json(c.fields, o.scenario, problems);
    if (!problems.empty()) o.error = flag_problem(problems.front());
    return o;
}

}  // namespace vramcalc::cli
