// vramcalc: the estimator on the command line. Exit 0 on an answer, 2 on bad input.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/options.h"
#include "cli/report.h"
#include "core/estimate.h"
#include "core/estimate_json.h"

int main(int argc, char** argv) {
    using namespace vramcalc;
    std::vector<std::string> args(argv + 1, argv + argc);
    cli::Options o = cli::parse_options(args);
    auto fail = [&](const std::string& msg) {
        std::cerr << "vramcalc: " << msg << "\n";
        if (o.json) std::cout << nlohmann::json{{"error", msg}}.dump() << "\n";
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

    Estimate e = estimate(o.scenario);
    if (!e.ok) return fail(e.error);
    if (o.json) {
        nlohmann::json j = estimate_to_json(e, o.explain);
        j["answers"] = cli::answers_json(o.scenario);
        std::cout << j.dump(2) << "\n";
    } else {
        cli::print_estimate(o.scenario, e, o.explain);
    }
    return 0;
}
