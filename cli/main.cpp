// vramcalc: the estimator on the command line. Exit 0 on an answer, 2 on bad input.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/model_input.h"
#include "cli/options.h"
#include "cli/reconcile.h"
#include "cli/report.h"
#include "core/bounded_json.h"
#include "core/estimate.h"
#include "core/command.h"
#include "core/llamacpp_fit.h"
#include "core/estimate_json.h"
#include "core/export.h"
#include "core/logs/reconcile_json.h"
#include "core/share_link.h"

int main(int argc, char** argv) {
    using namespace vramcalc;
    std::vector<std::string> args(argv + 1, argv + argc);
    cli::Options o = cli::parse_options(args);
    auto fail = [&](const std::string& what) {
        // Messages quote what the user typed: one line of valid UTF-8, whatever bytes they typed.
        std::string msg = clean_utf8(what, 1000);
        for (char& c : msg)
            if (c == '\n' || c == '\r') c = ' ';
        std::cerr << "vramcalc: " << msg << "\n";
        if (o.json || o.export_format == "json") std::cout << dump_json(nlohmann::json{{"error", msg}}) << "\n";
        return 2;
    };
    if (!o.error.empty()) return fail(o.error);
    if (o.command == "help") {
        std::cout << cli::usage();
        return 0;
    }
    if (o.command == "models") return cli::print_models(o.json), 0;
    if (o.command == "gpus") return cli::print_gpus(o.json), 0;
    if (o.command == "formats") return cli::print_formats(o.json), 0;
    if (o.command == "engines") return cli::print_engines(o.json), 0;

    std::vector<std::string> file_notes;
    if (o.model_from_files())
        if (std::string err = cli::load_model_input(o, o.scenario, file_notes); !err.empty()) return fail(err);
    if (!o.json && o.export_format.empty())
        for (const auto& n : file_notes) std::cerr << "vramcalc: " << n << "\n";

    if (o.command == "reconcile" || !o.log_path.empty()) return cli::run_reconcile(o, fail);
    if (o.command == "link") {
        std::string err;
        if (!resolve(o.scenario, err)) return fail(err);
        std::cout << "#" << encode_share_fragment(o.scenario) << "\n";
        return 0;
    }
    if (o.command == "matrix") return cli::print_matrix(o) ? 0 : fail(cli::matrix_error(o));

    if (o.command == "fit") {
        FitOptions fo;
        fo.margin = static_cast<Bytes>(o.fit_target_mib * kMiB);
        fo.context_auto = !o.context_given;  // llama.cpp lowers only an unset -c
        const FitPlan plan = plan_llamacpp_fit(o.scenario, fo);
        if (!plan.ok) return fail(plan.error);
        if (o.json) {
            nlohmann::json j = {{"changed", plan.changed}, {"fits", plan.fits}, {"flags", plan.flags}, {"log", plan.log},
                                {"command", launch_command(plan.scenario)}};
            for (const FitDeviceLine& d : plan.devices)
                j["devices"].push_back({{"layers", d.layers}, {"overflowing", d.overflowing}, {"used_bytes", d.used}, {"free_bytes", d.free}});
            std::cout << dump_json(j, 2) << "\n";
        } else {
            for (const std::string& line : plan.log) std::cout << "fit: " << line << "\n";
            std::cout << (plan.fits ? "" : "fit: does not fit even so\n") << plan.flags << "\n"
                      << launch_command(plan.scenario) << "\n";
        }
        return plan.fits ? 0 : 1;
    }
    Estimate e = estimate(o.scenario);
    if (!e.ok) return fail(e.error);
    if (o.export_format == "md") {
        std::cout << result_markdown(o.scenario, e);
    } else if (o.export_format == "csv") {
        std::cout << result_csv(o.scenario, e);
    } else if (o.export_format == "json") {
        std::cout << dump_json(result_json(o.scenario, e), 2) << "\n";
    } else if (o.json) {
        nlohmann::json j = estimate_to_json(e, o.explain);
        j["answers"] = cli::answers_json(o.scenario);
        j["error_bands"] = error_bands_json(o.scenario, e);
        std::cout << dump_json(j, 2) << "\n";
    } else {
        cli::print_estimate(o.scenario, e, o.explain);
        if (const std::string bands = cli::error_bands_line(o.scenario, e); !bands.empty()) std::cout << bands << "\n";
    }
    return 0;
}
