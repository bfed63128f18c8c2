// Reconciling each published log of tests/data/logs with our estimate. The scenario comes from the log
// itself (what it prints) plus what a user would add for what it lacks: the model's config.json (for
// models the catalog lacks) and the GPU memory when the log does not print it. Its differences must be
// the accuracy test's numbers for the same measurement (the row's own scenario): a log read into a
// different scenario than the measurement describes fails here.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "core/logs/log_reader.h"
#include "core/logs/reconcile.h"
#include "../unit/test_data.h"
#include "measurement_rows.h"

using namespace vramcalc;
using namespace vramcalc::measurement_rows;

namespace {

std::string read_text(const std::string& name) {
    std::ifstream in(test_data::path(name), std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const json* row_by_id(const json& rows, const std::string& id) {
    for (const json& r : rows)
        if (r["id"] == id) return &r;
    return nullptr;
}

// What the user adds to a log: the model's config (or catalog id) and the GPU memory.
Scenario user_base(const json& row, const json& configs) {
    Scenario base;
    if (row.contains("config") && row["config"].is_string() && configs.contains(row["config"].get<std::string>()))
        base.custom_config = configs[row["config"].get<std::string>()].dump();
    else
        base.model = row["base_model"].get<std::string>();
    base.gpu_memory_gib = row.value("gpu_memory_gib", 79.19);
    return base;
}

}  // namespace

TEST_CASE("each published log reconciles into the measurement's own scenario and differences") {
    const json index = test_data::load("logs/index.json");
    const json rows = test_data::load("measurements.json");
    const json configs = test_data::load("configs.json");
    std::map<std::string, std::vector<double>> residuals;
    std::ostringstream table;
    int reconciled = 0;
    for (const json& entry : index) {
        if (!entry.contains("measurement")) continue;  // a log with no measurement row: read, not reconciled here
        const std::string file = entry["file"].get<std::string>();
        CAPTURE(file);
        const json* row = row_by_id(rows, entry["measurement"].get<std::string>());
        REQUIRE(row);
        const LogReading r = read_log(read_text("logs/" + file));
        REQUIRE(r.ok);
        std::vector<std::string> lacking;
        const Scenario s = scenario_from_log(r, user_base(*row, configs), lacking);
        const Reconciliation rc = reconcile(r, s, lacking);
        REQUIRE_MESSAGE(rc.ok, rc.error);
        ++reconciled;
        // The same figure through the measurement row's scenario (accuracy_test.cpp's path).
        std::vector<std::string> problems;
        const Estimate row_e = estimate(scenario_for_row(*row, configs, problems));
        REQUIRE(row_e.ok);
        for (const Difference& d : rc.differences) {
            if (d.device_index != 0) continue;
            for (const Metric& m : kMetrics) {
                if (m.label != d.name || !(*row)["truth"].contains(m.truth_key)) continue;
                CAPTURE(d.name);
                CHECK(d.estimated == doctest::Approx(estimated(row_e, m.truth_key)).epsilon(1e-9));
                residuals[r.engine + "/" + d.name].push_back(d.relative);
                char line[300];
                std::snprintf(line, sizeof line, "  %-70s %-16s %+7.2f%%\n", file.c_str(), d.name.c_str(), 100 * d.relative);
                table << line;
            }
        }
    }
    std::printf("\nreconciled logs (tests/data/logs): %d\n%s", reconciled, table.str().c_str());
    CHECK(reconciled >= 50);
}
