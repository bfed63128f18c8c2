#include "cli/reconcile.h"

#include <cmath>
#include <cstdio>
#include <iostream>

#include "core/bounded_json.h"
#include "core/logs/log_reader.h"
#include "core/logs/reconcile_json.h"
#include "core/scenario_json.h"
#include "core/text.h"

namespace vramcalc::cli {

namespace {

std::string amount(const Difference& d, double x) {
    if (d.tokens) return format_tokens(static_cast<std::int64_t>(std::llround(x))) + " tokens";
    if (d.name == "max_concurrency") return format_fixed(x, 2) + "x";
    return x >= kGiB ? gib_text(x) : mib_text(x);
}

void print_text(const LogReading& r, const Reconciliation& rc) {
    std::cout << r.engine_flavour << (r.engine_version.empty() ? "" : " " + r.engine_version) << " log, "
              << (r.model.empty() ? "model not printed" : r.model) << "\n";
    std::printf("%-20s %-8s %14s %14s %9s  %s\n", "figure", "device", "log", "ours", "diff", "band (published measurements)");
    for (const Difference& d : rc.differences) {
        const std::string band = d.band ? band_text(*d.band) + " (" + band_label(*d.band) + ")" +
                                              (d.within_band ? "" : "  outside") : "no band yet";
        std::printf("%-20s %-8s %14s %14s %+8.1f%%  %s\n", d.name.c_str(),
                    (d.device.empty() ? (d.device_index < 0 ? "host" : "GPU0") : d.device).c_str(),
                    amount(d, d.measured).c_str(), amount(d, d.estimated).c_str(), 100 * d.relative, band.c_str());
    }
    const std::size_t others = r.figures.size();
    if (others > rc.differences.size())
        std::cout << (others - rc.differences.size()) << " more figures in the log that we do not estimate (--json lists them)\n";
    if (!rc.explanation.empty()) std::cout << "biggest difference: " << rc.explanation << "\n";
    for (const std::string& l : rc.lacking) std::cout << "the log lacks: " << l << "\n";
    for (const std::string& n : r.notes) std::cout << "note: " << n << "\n";
    Scenario calibrated = rc.scenario;
    if (apply_calibration(r, calibrated) > 0) {
        std::cout << "calibration for later estimates on this machine:";
        if (calibrated.cal_non_torch_gib > 0) std::cout << " --cal-non-torch-gib " << format_fixed(calibrated.cal_non_torch_gib, 2);
        if (calibrated.cal_activation_gib > 0) std::cout << " --cal-activation-gib " << format_fixed(calibrated.cal_activation_gib, 2);
        if (calibrated.cal_compute_mib > 0) std::cout << " --cal-compute-mib " << format_fixed(calibrated.cal_compute_mib, 2);
        std::cout << "\n";
        const Estimate after = estimate(calibrated);
        if (after.ok)
            for (const char* metric : {"activation", "compute_buffer"})
                if (const auto b = calibrated_band(calibrated, metric))
                    std::cout << "after calibrating, " << metric << " " << band_text(*b) << " (" << band_label(*b) << ")\n";
    }
}

}  // namespace

namespace {

std::string bands_line(const nlohmann::json& bands) {
    std::string line;
    for (const auto& [metric, b] : bands.items())
        line += (line.empty() ? "" : ", ") + metric + " " + b["text"].get<std::string>() + " (" + b["label"].get<std::string>() + ")";
    return line.empty() ? "" : "error bands from published measurements: " + line;
}

}  // namespace

std::string error_bands_line(const std::string& engine, const Estimate& e) { return bands_line(error_bands_json(engine, e)); }
std::string error_bands_line(const Scenario& s, const Estimate& e) { return bands_line(error_bands_json(s, e)); }

int run_reconcile(const Options& o, const std::function<int(const std::string&)>& fail) {
    const LogReading r = read_log(o.log_text);
    if (!r.ok) return fail(o.log_path + ": " + r.error);
    std::vector<std::string> lacking;
    Scenario s = scenario_from_log(r, o.scenario, lacking);
    std::vector<std::string> problems;
    apply_scenario_json(o.flag_fields, s, problems);  // what the user typed wins over the log
    if (!problems.empty()) return fail(problems.front());
    const Reconciliation rc = reconcile(r, s, lacking);
    if (!rc.ok) {
        std::string hint = rc.error;
        if (!r.model.empty()) hint += " (the log names the model \"" + r.model + "\": give --model ID or --config config.json)";
        if (o.json) {
            std::cout << dump_json(reconciliation_to_json(r, rc), 2) << "\n";
            std::cerr << "vramcalc: " << clean_utf8(hint, 1000) << "\n";
            return 2;
        }
        return fail(hint);
    }
    if (o.json) std::cout << dump_json(reconciliation_to_json(r, rc), 2) << "\n";
    else print_text(r, rc);
    return 0;
}

}  // namespace vramcalc::cli
