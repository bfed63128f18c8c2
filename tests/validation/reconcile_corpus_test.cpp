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
    base.gpu_memory_gib = row.contains("gpu_memory_gib") && row["gpu_memory_gib"].is_number() ? row["gpu_memory_gib"].get<double>() : 79.19;
    // Tensor placement (--n-cpu-moe, -ot, -ts) is not in the start-up log's settings lines: the user
    // types it beside the log, as `vramcalc reconcile LOG --n-cpu-moe N` does.
    if (row.contains("llamacpp") && row["llamacpp"].is_object()) {
        const json& l = row["llamacpp"];
        if (l.contains("n_cpu_moe")) base.n_cpu_moe = l["n_cpu_moe"].get<int>();
        if (l.contains("override_tensor")) base.override_tensor = l["override_tensor"].get<std::string>();
        if (l.contains("tensor_split")) base.tensor_split = l["tensor_split"].get<std::string>();
    }
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
        // With pipeline stages the log prints each stage's figures and the row mixes stages; the row's
        // estimate is the most loaded GPU's. Those logs are read and reconciled, not compared here.
        const bool stages = row->contains("pp") && (*row)["pp"].is_number() && (*row)["pp"].get<int>() > 1;
        for (const Difference& d : rc.differences) {
            if (d.device_index != 0 || stages) continue;
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

namespace {

double relative_of(const Reconciliation& rc, const std::string& name) {
    for (const Difference& d : rc.differences)
        if (d.name == name && d.device_index == 0) return d.relative;
    FAIL("no difference for " << name);
    return 0;
}

}  // namespace

TEST_CASE("a calibration from a vLLM log: its activation peak and non-torch memory drive later what-ifs") {
    const LogReading r = read_log(read_text("logs/vllm/codellama-codellama-7b-h--h100-80gb--tp1pp1dp1--8192.log"));
    REQUIRE(r.ok);
    const json configs = test_data::load("configs.json");
    Scenario base;
    base.custom_config = configs["codellama/CodeLlama-7b-hf"].dump();
    std::vector<std::string> lacking;
    const Scenario s = scenario_from_log(r, base, lacking);
    const Reconciliation before = reconcile(r, s, lacking);
    REQUIRE(before.ok);

    Scenario calibrated = s;
    CHECK(apply_calibration(r, calibrated) == 2);
    // "torch peak memory increase: 0.77GiB; non-torch forward increase memory: 0.25GiB"
    CHECK(calibrated.cal_activation_gib == doctest::Approx(0.77));
    CHECK(calibrated.cal_non_torch_gib == doctest::Approx(0.25));
    const Reconciliation after = reconcile(r, calibrated, lacking);
    REQUIRE(after.ok);
    CHECK(after.estimate.per_gpu.activation.bytes == gib_to_bytes(0.77));
    // With the machine's own terms, what is left of the KV difference is the weights' and the rounding.
    CHECK(std::fabs(relative_of(after, "kv_cache")) <= std::fabs(relative_of(before, "kv_cache")) + 1e-12);
    CHECK(std::fabs(relative_of(after, "kv_cache")) < 0.01);

    // A what-if on the same machine: another context keeps the calibrated terms.
    Scenario what_if = calibrated;
    what_if.context = 4096;
    const Estimate e = estimate(what_if);
    REQUIRE(e.ok);
    CHECK(e.per_gpu.activation.bytes == gib_to_bytes(0.77));
}

TEST_CASE("a calibration from a llama.cpp log: its compute buffer replaces the modelled one") {
    const LogReading r = read_log(read_text("logs/llamacpp/llamacpp-mcgyvr-gptoss20b-mxfp4-rtx3060-c2048-np8.log"));
    REQUIRE(r.ok);
    Scenario base;
    base.model = "gpt-oss-20b";
    base.gpu_memory_gib = 12;
    std::vector<std::string> lacking;
    Scenario s = scenario_from_log(r, base, lacking);
    CHECK(apply_calibration(r, s) == 1);
    CHECK(s.cal_compute_mib == doctest::Approx(169.55));  // "CUDA0 compute buffer size = 169.55 MiB"
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    REQUIRE(e.compute_buffer);
    CHECK(static_cast<double>(e.compute_buffer->bytes) / kMiB == doctest::Approx(169.55).epsilon(1e-6));
}
