#include "web/log_paste.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

#include "core/bounded_json.h"
#include "core/catalog.h"
#include "core/engine_profile.h"
#include "core/logs/log_reader.h"
#include "core/logs/log_text.h"
#include "core/logs/reconcile_json.h"
#include "core/text.h"
#include "web/compute.h"

namespace vramcalc::web {

namespace {

// Why a paste gives no table, before the reader runs.
std::string precheck(std::string_view text) {
    if (text.size() > logtext::kMaxLogBytes)
        return "This paste is " + mib_text(static_cast<double>(text.size())) + "; the reader takes up to " + log_limit_text() + ". "
               "Paste the start-up part: from the engine's first lines to the KV cache figures.";
    return "";
}

std::string not_a_log(const LogReading& r) {
    std::string why = r.error;
    constexpr std::string_view kPrefix = "not a log I can read: ";
    if (why.rfind(kPrefix, 0) == 0) why.erase(0, kPrefix.size());
    return "Not a log this page can read: " + why + ". Paste the engine's start-up lines, from its banner to its KV cache figures.";
}

// A GPU name as words without the vendor and product-line words and memory sizes: "Tesla T4" and
// "NVIDIA T4" are both "t4"; "NVIDIA GeForce RTX 3060" and "NVIDIA GeForce RTX 3060 12GB" "rtx 3060".
std::string gpu_words(const std::string& name) {
    std::string out, word;
    const auto flush = [&] {
        const bool size = word.size() > 2 && word.compare(word.size() - 2, 2, "gb") == 0 && std::isdigit(static_cast<unsigned char>(word[0]));
        if (!word.empty() && word != "nvidia" && word != "geforce" && word != "tesla" && word != "amd" && word != "radeon" && !size)
            out += (out.empty() ? "" : " ") + word;
        word.clear();
    };
    for (char c : name) {
        if (std::isalnum(static_cast<unsigned char>(c))) word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else flush();
    }
    flush();
    return out;
}

// The catalog GPU the log's device name is, when exactly one matches.
std::string catalog_gpu(const std::string& log_name) {
    const std::string want = gpu_words(log_name);
    if (want.empty()) return "";
    std::string found;
    for (const Gpu& g : gpu_catalog()) {
        if (gpu_words(g.name) != want) continue;
        if (!found.empty()) return "";
        found = g.id;
    }
    return found;
}

std::string key_of(const Scenario& s) { return scenario_key(s); }

std::string with_commas(std::int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return (n < 0 ? "-" : "") + out;
}


bool blank(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

std::string device_of(const std::string& device, int index) {
    return device.empty() ? (index < 0 ? "host" : "GPU" + std::to_string(index)) : device;
}

// A figure in the unit the engine printed it (so the log's own number reads back unchanged).
std::string amount(const std::string& engine, const std::string& name, bool tokens, double x) {
    if (tokens) return with_commas(static_cast<std::int64_t>(std::llround(x)));
    if (name == "max_concurrency") return format_fixed(x, 2) + "x";
    return engine == "llamacpp" ? mib_text(x) : gib_text(x);
}

const Difference* difference_for(const Reconciliation& rc, const LogFigure& f) {
    for (const Difference& d : rc.differences)
        if (d.name == f.name && d.device_index == f.device_index && d.device == f.device) return &d;
    return nullptr;
}

bool valid_figure(const nlohmann::json& j, const char* key, double max) {
    if (!j.contains(key)) return true;
    if (!j[key].is_number()) return false;
    const double v = j[key].get<double>();
    return std::isfinite(v) && v >= 0 && v <= max;
}

std::string offer_key(const std::string& engine, const std::string& gpu) { return engine + "|" + gpu; }

void store_calibration(AppState& st, const StoredCalibration& c) {
    auto& v = st.log.stored;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const StoredCalibration& x) { return x.engine == c.engine && x.gpu == c.gpu; }), v.end());
    v.push_back(c);
    if (v.size() > kMaxStoredCalibrations) v.erase(v.begin(), v.end() - static_cast<std::ptrdiff_t>(kMaxStoredCalibrations));
    ++st.log.stored_revision;
}

}  // namespace

void set_log_text(AppState& st, std::string text, std::string file_name) {
    st.log.text = std::move(text);
    st.log.file_name = std::move(file_name);
    ++st.log.text_revision;
    ++st.log.box_generation;
}

Scenario log_base(const Scenario& page, const LogReading& r) {
    Scenario b;
    b.gpu = page.gpu;
    b.gpu_memory_gib = page.gpu_memory_gib;
    // A log that names its GPU but not its memory (llama.cpp): that GPU, when the catalog has it.
    if (r.gpu_memory_gib <= 0 && !r.gpu_name.empty())
        if (const std::string id = catalog_gpu(r.gpu_name); !id.empty()) {
            b.gpu = id;
            b.gpu_memory_gib = 0;
        }
    if (r.model.empty() || !find_model(r.model)) {
        b.model = page.model;
        b.custom_config = page.custom_config;
        b.custom_params = page.custom_params;
        b.custom_name = page.custom_name;
        b.custom_tensors = page.custom_tensors;
    }
    return b;
}

void refresh_log(AppState& st) {
    LogPanelState& log = st.log;
    if (log.read_revision != log.text_revision) {
        log.read_revision = log.text_revision;
        log.base_key.clear();
        log.reading = LogReading{};
        log.rc = Reconciliation{};
        log.error = precheck(log.text);
        if (log.error.empty() && !blank(log.text)) {  // an empty box is no error
            log.reading = read_log(log.text);
            if (!log.reading.ok) log.error = not_a_log(log.reading);
        }
    }
    if (!log.reading.ok) return;
    const Scenario base = log_base(st.scenario, log.reading);
    std::string key = key_of(base);
    if (key == log.base_key) return;
    log.base_key = std::move(key);
    std::vector<std::string> lacking;
    const Scenario s = scenario_from_log(log.reading, base, lacking);
    log.rc = reconcile(log.reading, s, lacking);
    log.error = log.rc.ok ? "" : "The log was read, but this setup cannot be estimated: " + log.rc.error;
}

bool log_has_table(const AppState& st) { return st.log.reading.ok && st.log.rc.ok; }

nlohmann::json read_log_json(const Scenario& page, std::string_view text) {
    if (const std::string e = precheck(text); !e.empty()) return {{"ok", false}, {"error", e}};
    const LogReading r = read_log(text);
    if (!r.ok) return {{"ok", false}, {"error", not_a_log(r)}};
    std::vector<std::string> lacking;
    const Scenario s = scenario_from_log(r, log_base(page, r), lacking);
    const Reconciliation rc = reconcile(r, s, lacking);
    nlohmann::json j = reconciliation_to_json(r, rc);
    j["ok"] = rc.ok;
    return j;
}

std::vector<LogRow> log_rows(const LogPanelState& log) {
    std::vector<LogRow> rows;
    if (!log.reading.ok) return rows;
    const std::string& engine = log.reading.engine;
    for (const LogFigure& f : log.reading.figures) {
        if (!f.bytes && !f.tokens && !f.value) continue;
        LogRow r;
        r.name = f.name;
        const char* label = figure_label(f.name);
        r.label = label ? label : f.name;
        r.device = device_of(f.device, f.device_index);
        r.measured = f.bytes ? static_cast<double>(*f.bytes) : f.tokens ? static_cast<double>(*f.tokens) : *f.value;
        r.line = f.line;
        r.measured_text = amount(engine, f.name, f.tokens.has_value(), r.measured);
        if (const Difference* d = log.rc.ok ? difference_for(log.rc, f) : nullptr) {
            r.estimated = true;
            r.relative = d->relative;
            r.ours_text = amount(engine, f.name, d->tokens, d->estimated);
            r.diff_text = (d->relative >= 0 ? "+" : "") + format_fixed(100 * d->relative, 1) + "%";
            if (d->band) r.band_text = band_text(*d->band) + " (" + std::to_string(d->band->rows) + " runs)";
            r.within_band = !d->band || d->within_band;
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

std::string log_summary(const LogReading& r) {
    std::string out = r.engine_flavour.empty() ? engine_name(r.engine) : r.engine_flavour;
    out += r.engine_version.empty() ? " (release not printed)" : " " + r.engine_version;
    out += "  |  " + (r.model.empty() ? std::string("model not printed") : r.model);
    if (r.gpus > 0 || r.gpu_memory_gib > 0 || !r.gpu_name.empty()) {
        out += "  |  " + (r.gpus > 0 ? count_of(r.gpus, "GPU") : std::string("GPU"));
        if (!r.gpu_name.empty()) out += " " + r.gpu_name;
        if (r.gpu_memory_gib > 0) out += ", " + format_fixed(r.gpu_memory_gib, 2) + " GiB";
    }
    return out;
}

nlohmann::json log_view_json(const AppState& st) {
    const LogPanelState& log = st.log;
    nlohmann::json rows = nlohmann::json::array();
    for (const LogRow& r : log_rows(log)) {
        nlohmann::json x{{"name", r.name}, {"device", r.device}, {"measured", r.measured}, {"measured_text", r.measured_text}};
        if (r.estimated) {
            x["ours_text"] = r.ours_text;
            x["relative"] = r.relative;
            x["band_text"] = r.band_text;
        }
        rows.push_back(x);
    }
    nlohmann::json j{{"text_chars", log.text.size()}, {"file", log.file_name}, {"error", log.error}, {"ok", log_has_table(st)},
                     {"rows", rows}, {"calibrated", is_calibrated(st.scenario)}, {"stored", calibrations_to_json(log.stored)}};
    if (log.reading.ok) {
        j["engine"] = log.reading.engine;
        j["engine_version"] = log.reading.engine_version;
        j["model"] = log.reading.model;
        j["summary"] = log_summary(log.reading);
    }
    if (log.rc.ok) {
        j["explanation"] = log.rc.explanation;
        j["lacking"] = log.rc.lacking;
    }
    const StoredCalibration* offer = calibration_offer(st);
    j["offer"] = offer ? calibrations_to_json({*offer})[0] : nlohmann::json(nullptr);
    return j;
}

std::string page_wording(std::string line) {
    constexpr std::string_view kCli = "(give --model or --config)";
    if (const auto at = line.find(kCli); at != std::string::npos)
        line.replace(at, kCli.size(), "(pick the model on the left, or paste its config.json there)");
    return line;
}

void use_log_setup(AppState& st) {
    if (!log_has_table(st)) return;
    set_scenario(st, st.log.rc.scenario);
}

bool is_calibrated(const Scenario& s) { return s.cal_non_torch_gib > 0 || s.cal_activation_gib > 0 || s.cal_compute_mib > 0; }

std::string calibration_text(double non_torch_gib, double activation_gib, double compute_mib) {
    std::string out;
    const auto add = [&](const char* what, const std::string& v) { out += (out.empty() ? "" : ", ") + std::string(what) + " " + v; };
    if (non_torch_gib > 0) add("non-torch", format_fixed(non_torch_gib, 2) + " GiB");
    if (activation_gib > 0) add("activation peak", format_fixed(activation_gib, 2) + " GiB");
    if (compute_mib > 0) add("compute buffer", format_fixed(compute_mib, 2) + " MiB");
    return out;
}

std::string calibrate_from_log(AppState& st) {
    if (!st.log.reading.ok) return "No log to calibrate from: paste one first.";
    Scenario s = st.scenario;
    const bool other_engine = s.engine != st.log.reading.engine;
    if (other_engine && log_has_table(st)) s = st.log.rc.scenario;
    s.cal_non_torch_gib = s.cal_activation_gib = s.cal_compute_mib = 0;
    if (apply_calibration(st.log.reading, s) == 0)
        return "No machine figure to calibrate in this log: vLLM's come from its DEBUG lines (non-torch memory, torch peak "
               "increase), llama.cpp's from \"compute buffer size\"; " + std::string(engine_name(st.log.reading.engine)) +
               " logs give none yet.";
    // The log printed two decimals and was read to the byte (0.77 GiB -> 0.76999999955): keep its
    // own figure, so the link and the kept calibration say 0.77.
    for (double* f : {&s.cal_non_torch_gib, &s.cal_activation_gib, &s.cal_compute_mib}) *f = std::round(*f * 1e4) / 1e4;
    // The GPU's real memory, as the log printed it (vLLM's total_memory, llama.cpp's device line), is
    // part of the machine: later what-ifs run against it, not the catalog's figure for the page's GPU.
    if (st.log.reading.gpu_memory_gib > 0 && s.gpu_list.empty())
        s.gpu_memory_gib = std::round(st.log.reading.gpu_memory_gib * 100) / 100;
    set_scenario(st, s);
    StoredCalibration c;
    c.engine = s.engine;
    c.gpu = calibration_gpu_key(s);
    c.from = std::string(engine_name(st.log.reading.engine)) + (st.log.reading.engine_version.empty() ? "" : " " + st.log.reading.engine_version) +
             (st.log.reading.model.empty() ? "" : ", " + st.log.reading.model);
    c.cal_non_torch_gib = s.cal_non_torch_gib;
    c.cal_activation_gib = s.cal_activation_gib;
    c.cal_compute_mib = s.cal_compute_mib;
    store_calibration(st, c);
    return std::string(other_engine ? "Loaded the log's setup and calibrated it" : "Calibrated") + ": kept on this device for " +
           engine_name(c.engine) + " on " + calibration_gpu_label(c.gpu);
}

void remove_calibration(AppState& st) {
    st.scenario.cal_non_torch_gib = st.scenario.cal_activation_gib = st.scenario.cal_compute_mib = 0;
    decline_calibration_offer(st);
}

std::string calibration_gpu_label(const std::string& key) {
    if (const Gpu* g = find_gpu(key)) return g->name;
    if (key.size() > 4 && key.compare(key.size() - 4, 4, " GiB") == 0) return "a " + key + " GPU";
    return key;
}

std::string calibration_gpu_key(const Scenario& s) {
    if (!s.gpu_list.empty()) return s.gpu_list;
    if (s.gpu_memory_gib > 0) return format_fixed(s.gpu_memory_gib, 2) + " GiB";
    return s.gpu;
}

const StoredCalibration* calibration_offer(const AppState& st) {
    if (is_calibrated(st.scenario)) return nullptr;
    const std::string gpu = calibration_gpu_key(st.scenario);
    if (st.log.offer_declined == offer_key(st.scenario.engine, gpu)) return nullptr;
    for (auto it = st.log.stored.rbegin(); it != st.log.stored.rend(); ++it)
        if (it->engine == st.scenario.engine && it->gpu == gpu) return &*it;
    return nullptr;
}

void apply_stored_calibration(AppState& st, const StoredCalibration& c) {
    st.scenario.cal_non_torch_gib = c.cal_non_torch_gib;
    st.scenario.cal_activation_gib = c.cal_activation_gib;
    st.scenario.cal_compute_mib = c.cal_compute_mib;
}

void forget_stored_calibration(AppState& st, std::size_t index) {
    if (index >= st.log.stored.size()) return;
    st.log.stored.erase(st.log.stored.begin() + static_cast<std::ptrdiff_t>(index));
    ++st.log.stored_revision;
}

void decline_calibration_offer(AppState& st) {
    st.log.offer_declined = offer_key(st.scenario.engine, calibration_gpu_key(st.scenario));
}

nlohmann::json calibrations_to_json(const std::vector<StoredCalibration>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const StoredCalibration& c : v) {
        nlohmann::json x{{"engine", c.engine}, {"gpu", c.gpu}, {"from", c.from}};
        if (c.cal_non_torch_gib > 0) x["cal_non_torch_gib"] = c.cal_non_torch_gib;
        if (c.cal_activation_gib > 0) x["cal_activation_gib"] = c.cal_activation_gib;
        if (c.cal_compute_mib > 0) x["cal_compute_mib"] = c.cal_compute_mib;
        a.push_back(x);
    }
    return a;
}

std::vector<StoredCalibration> calibrations_from_json(const nlohmann::json& j) {
    std::vector<StoredCalibration> v;
    if (!j.is_array()) return v;
    for (const auto& x : j) {
        if (!x.is_object() || !x.contains("engine") || !x["engine"].is_string() || !x.contains("gpu") || !x["gpu"].is_string()) continue;
        // The same bounds as the knobs (core/knobs.cpp): 10000 GiB, 10,000,000 MiB.
        if (!valid_figure(x, "cal_non_torch_gib", 1e4) || !valid_figure(x, "cal_activation_gib", 1e4) || !valid_figure(x, "cal_compute_mib", 1e7)) continue;
        StoredCalibration c;
        c.engine = clean_utf8(x["engine"].get<std::string>(), 64);
        c.gpu = clean_utf8(x["gpu"].get<std::string>(), 200);
        if (x.contains("from") && x["from"].is_string()) c.from = clean_utf8(x["from"].get<std::string>(), 300);
        c.cal_non_torch_gib = x.value("cal_non_torch_gib", 0.0);
        c.cal_activation_gib = x.value("cal_activation_gib", 0.0);
        c.cal_compute_mib = x.value("cal_compute_mib", 0.0);
        if (c.cal_non_torch_gib <= 0 && c.cal_activation_gib <= 0 && c.cal_compute_mib <= 0) continue;
        v.push_back(std::move(c));
    }
    if (v.size() > kMaxStoredCalibrations) v.erase(v.begin(), v.end() - static_cast<std::ptrdiff_t>(kMaxStoredCalibrations));
    return v;
}

std::string log_limit_text() { return mib_text(static_cast<double>(logtext::kMaxLogBytes), 0); }

std::string chosen_log_name(const std::string& name, double size_bytes) {
    if (!(size_bytes > static_cast<double>(logtext::kMaxLogBytes))) return name;
    return name + " (its first " + log_limit_text() + " of " + mib_text(size_bytes, 1) + ")";
}

bool is_log_file(const std::string& name, std::string_view contents) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto ends = [&](std::string_view suffix) {
        return lower.size() >= suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends(".json")) return false;
    if (ends(".log") || ends(".txt")) return true;
    return contents.size() <= logtext::kMaxLogBytes && read_log(contents).ok;
}

}  // namespace vramcalc::web
