#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/catalog.h"
#include "core/export.h"
#include "core/fit_matrix.h"
#include "core/share_link.h"

using namespace vramcalc;
using nlohmann::json;

namespace {

constexpr Bytes GiB = 1024ull * 1024 * 1024;

std::size_t count_lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// A hand-made answer with round figures, so every expected string below is checkable by eye:
// 15 + 2 + 0.5 + 1.5 = 19 GiB on an 80 GiB GPU, 61 GiB to spare.
Estimate sample_estimate() {
    Estimate e;
    e.ok = true;
    e.engine_version = "test engine";
    e.params = 7.6e9;
    e.active_params = 7.6e9;
    e.kv_bytes_per_token = 57344;  // 28 layers x 4 KV heads x 128 x 2 (K,V) x 2 B = 57344 B = 56.0 KiB
    e.gpu_memory_bytes = 80 * GiB;
    e.per_gpu.weights = {15 * GiB, "w how"};
    e.per_gpu.kv_cache = {2 * GiB, "kv how"};
    e.per_gpu.activation = {GiB / 2, "act how"};
    e.per_gpu.overhead = {3 * GiB / 2, "oh how"};
    e.per_gpu.total_bytes = 19 * GiB;
    e.per_gpu.role = "TP rank 0";
    e.total = e.per_gpu;
    e.gpus = {e.per_gpu};
    e.fits = true;
    e.headroom_bytes = static_cast<std::int64_t>(61 * GiB);
    e.startup_peak = {20 * GiB, "peak how"};
    e.warnings = {"context 8,192 \"exceeds\" | the max"};
    return e;
}

}  // namespace

TEST_CASE("CSV fields are quoted when they hold commas, quotes or line breaks") {
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("line\nbreak") == "\"line\nbreak\"");
    CHECK(csv_field("") == "");
    // Formula guard: a shared model name must not run in a spreadsheet; negative sizes stay numbers.
    CHECK(csv_field("=1+2") == "'=1+2");
    CHECK(csv_field("@SUM(A1)") == "'@SUM(A1)");
    CHECK(csv_field("-2.1 GiB") == "-2.1 GiB");
    CHECK(csv_field("-x") == "'-x");
    CHECK(csv_field("=a,b") == "\"'=a,b\"");
}

TEST_CASE("Markdown cells escape pipes, angle brackets and line breaks") {
    CHECK(markdown_cell("a|b<c>\nd\\e") == "a\\|b&lt;c&gt; d\\\\e");
}

TEST_CASE("a fit is tight below 10 percent of GPU memory to spare") {
    Estimate e = sample_estimate();
    CHECK(fit_level(e) == FitLevel::Fits);
    e.headroom_bytes = static_cast<std::int64_t>(8 * GiB);  // exactly 10% of 80 GiB: not under it
    CHECK(fit_level(e) == FitLevel::Fits);
    e.headroom_bytes -= 1;
    CHECK(fit_level(e) == FitLevel::Tight);
    e.fits = false;
    CHECK(fit_level(e) == FitLevel::NoFit);
    e.ok = false;
    CHECK(fit_level(e) == FitLevel::Error);
    CHECK(std::string(fit_level_id(FitLevel::NoFit)) == "no-fit");
}

TEST_CASE("the Markdown result has a breakdown table with units, a verdict and the link") {
    Scenario s;
    const Estimate e = sample_estimate();
    const std::string md = result_markdown(s, e);
    CHECK(md.rfind("## VRAM estimate: ", 0) == 0);
    if (const ModelInfo* m = find_model(s.model)) CHECK(has(md, m->name));
    CHECK(has(md, "**Fits**: 61.0 GiB to spare per GPU (76%)."));  // 61 / 80 = 76.25%
    CHECK(has(md, "| | per GPU | all GPUs | how (per GPU) |\n| --- | ---: | ---: | --- |\n"));
    CHECK(has(md, "| Weights | 15.0 GiB | 15.0 GiB | w how |\n"));
    CHECK(has(md, "| Activations | 512 MiB | 512 MiB | act how |\n"));
    CHECK(has(md, "| **Total** | **19.0 GiB** | **19.0 GiB** | |\n"));
    CHECK(has(md, "| GPU memory | 80.0 GiB | 80.0 GiB | |\n"));
    CHECK(has(md, "| Headroom | +61.0 GiB | | most loaded GPU |\n"));
    CHECK(has(md, "- KV cache per token (all layers): 56.0 KiB\n"));
    CHECK(has(md, "- Warning: context 8,192 \"exceeds\" \\| the max\n"));
    CHECK(has(md, "- Share link: `#v=1`\n"));

    Estimate tight = e;
    tight.headroom_bytes = static_cast<std::int64_t>(4 * GiB);
    CHECK(has(result_markdown(s, tight), "**Fits, tight**: only 4.0 GiB to spare per GPU (5%, under 10%)."));
    Estimate no = e;
    no.fits = false;
    no.headroom_bytes = -static_cast<std::int64_t>(3 * GiB);
    CHECK(has(result_markdown(s, no), "**Does not fit**: 3.0 GiB short per GPU."));
    Estimate bad;
    bad.error = "tp: 3 | does not divide";
    const std::string md_bad = result_markdown(s, bad);
    CHECK(has(md_bad, "**Error**: tp: 3 \\| does not divide"));
    CHECK(!has(md_bad, "| Weights"));
}

TEST_CASE("the CSV result has one figure a line with raw bytes beside the units") {
    Scenario s;
    s.custom_params = 7e9;
    s.custom_name = "=cmd|' /C calc'!A0, \"x\"";
    const std::string csv = result_csv(s, sample_estimate());
    // header 1 + scenario 13 + result 10 (fits, fit_level, headroom, gpu_memory, startup peak, params,
    // active params, KV per token, host RAM, rule of thumb) + per_gpu 5 + all_gpus 5 + gpu_0 1 +
    // warning 1 + link 1 = 37
    CHECK(count_lines(csv) == 37);
    CHECK(csv.rfind("section,item,value,raw,how\r\n", 0) == 0);
    CHECK(has(csv, "\r\nscenario,model,custom,,\r\n"));
    CHECK(has(csv, "\r\nscenario,model_name,\"'=cmd|' /C calc'!A0, \"\"x\"\"\",,\r\n"));
    CHECK(has(csv, "\r\nscenario,context,8192 tokens,8192,\r\n"));
    CHECK(has(csv, "\r\nper_gpu,weights,15.0 GiB,16106127360,w how\r\n"));  // 15 x 2^30
    CHECK(has(csv, "\r\nall_gpus,total,19.0 GiB,20401094656,TP rank 0\r\n"));  // 19 x 2^30
    CHECK(has(csv, "\r\nresult,headroom_per_gpu,+61.0 GiB,65498251264,\r\n"));  // 61 x 2^30
    CHECK(has(csv, "\r\nresult,kv_cache_per_token,56.0 KiB,57344,\"all layers, unsharded\"\r\n"));
    CHECK(has(csv, "\r\nresult,params,7.6 B,7600000000,\r\n"));
    CHECK(has(csv, "\r\nwarning,1,\"context 8,192 \"\"exceeds\"\" | the max\",,\r\n"));
    CHECK(has(csv, "\r\nlink,fragment,#v=1&name="));

    Estimate bad;
    bad.error = "gpu: unknown GPU 'x'";
    const std::string csv_bad = result_csv(Scenario{}, bad);
    CHECK(count_lines(csv_bad) == 1 + 13 + 1 + 1);
    CHECK(has(csv_bad, "\r\nresult,error,gpu: unknown GPU 'x',,\r\n"));
}

TEST_CASE("the JSON result is the estimate plus the scenario and its link") {
    Scenario s;
    s.tp = 2;
    s.gpus = 2;
    const json j = result_json(s, sample_estimate());
    CHECK(j["per_gpu"]["weights_bytes"] == 15 * GiB);
    CHECK(j["per_gpu"]["weights_bytes_how"] == "w how");
    CHECK(j["fit_level"] == "fits");
    CHECK(j["scenario"]["tp"] == 2);
    CHECK(j["link"] == "#v=1&n=2&tp=2");
    Estimate bad;
    bad.error = "boom";
    const json jb = result_json(s, bad);
    CHECK(jb["error"] == "boom");
    CHECK(jb["scenario"]["gpus"] == 2);
    CHECK(!jb.contains("fit_level"));
}

TEST_CASE("the fit matrix exports as a Markdown table with marks and as one CSV line per cell") {
    FitMatrix m;
    m.rows = {"qwen2.5-7b-instruct", "my|model"};
    m.cols = {"bf16", "awq"};
    // required = GPU memory - headroom: 80 - 65 = 15 GiB, 80 - 1 = 79 GiB, 80 + 0.5 = 80.5 GiB
    FitCell fits{.level = FitLevel::Fits, .fits = true, .headroom_bytes = static_cast<std::int64_t>(65 * GiB),
                 .per_gpu_total_bytes = 72 * GiB, .required_bytes = 15 * GiB, .gpu_memory_bytes = 80 * GiB, .params = 7.6e9, .error = ""};
    FitCell tight{.level = FitLevel::Tight, .fits = true, .headroom_bytes = static_cast<std::int64_t>(GiB),
                  .per_gpu_total_bytes = 79 * GiB, .required_bytes = 79 * GiB, .gpu_memory_bytes = 80 * GiB, .params = 7.6e9, .error = ""};
    FitCell no{.level = FitLevel::NoFit, .fits = false, .headroom_bytes = -static_cast<std::int64_t>(GiB / 2),
               .per_gpu_total_bytes = 80 * GiB + GiB / 2, .required_bytes = 80 * GiB + GiB / 2,
               .gpu_memory_bytes = 80 * GiB, .params = 40e9, .error = ""};
    FitCell err{.level = FitLevel::Error, .error = "weights: unknown format, see list"};
    m.cells = {{fits, tight}, {no, err}};

    const std::string md = fit_matrix_markdown(m);
    // title, blank, caption, blank, header, rule, 2 rows, blank, legend, blank, "Notes:", 1 note = 13 lines
    CHECK(count_lines(md) == 13);
    CHECK(has(md, "| **qwen2.5-7b-instruct** | 7.6 B | \xF0\x9F\x9F\xA2 15.0 GiB | \xF0\x9F\x9F\xA1 79.0 GiB |"));
    CHECK(has(md, "| **my\\|model** | 40.0 B | \xF0\x9F\x94\xB4 80.5 GiB | \xE2\x9A\xAA n/a (1) |"));
    CHECK(has(md, "(1) weights: unknown format, see list\n"));
    CHECK(has(md, " (80.0 GiB each)"));

    const std::string csv = fit_matrix_csv(m);
    CHECK(count_lines(csv) == 1 + 2 * 2);
    CHECK(csv.rfind("model,format,fit,required,required_bytes,per_gpu_total,per_gpu_total_bytes,headroom,"
                    "headroom_bytes,gpu_memory_bytes,error\r\n", 0) == 0);
    // 15 x 2^30 = 16106127360, 72 x 2^30 = 77309411328, 65 x 2^30 = 69793218560, 80 x 2^30 = 85899345920
    CHECK(has(csv, "\r\nqwen2.5-7b-instruct,bf16,fits,15.0 GiB,16106127360,72.0 GiB,77309411328,+65.0 GiB,"
                   "69793218560,85899345920,\r\n"));
    // 80.5 x 2^30 = 86436216832; -0.5 x 2^30 = -536870912: a negative headroom stays a plain number
    CHECK(has(csv, "\r\nmy|model,bf16,no-fit,80.5 GiB,86436216832,80.5 GiB,86436216832,-512 MiB,-536870912,"
                   "85899345920,\r\n"));
    CHECK(has(csv, "\r\nmy|model,awq,error,,,,,,,,\"weights: unknown format, see list\"\r\n"));

    const json j = fit_matrix_json(m);
    CHECK(j["cells"].size() == 2);
    CHECK(j["cells"][1][1]["fit"] == "error");
    CHECK(j["cells"][0][0]["required_bytes"] == 15 * GiB);
    CHECK(j["cells"][0][0]["per_gpu_total_bytes"] == 72 * GiB);
}

TEST_CASE("the fit matrix runs one estimate per cell and names refused cells") {
    const FitMatrix m = fit_matrix(Scenario{}, {"qwen2.5-7b-instruct", "no-such-model"}, {"bf16", "int3"});
    REQUIRE(m.cells.size() == 2);
    REQUIRE(m.cells[0].size() == 2);
    CHECK(m.cells[0][1].level == FitLevel::Error);
    CHECK(has(m.cells[0][1].error, "int3"));
    CHECK(m.cells[1][0].level == FitLevel::Error);
    CHECK(has(m.cells[1][0].error, "no-such-model"));
    // 7.6 B parameters x 2 bytes = 15.2 GB of BF16 weights: far below an 80 GB H100's memory.
    CHECK(m.cells[0][0].fits);
    CHECK(m.cells[0][0].level != FitLevel::Error);
    CHECK(m.cells[0][0].required_bytes > 15 * GiB);
    CHECK(m.cells[0][0].required_bytes + static_cast<Bytes>(m.cells[0][0].headroom_bytes) == m.cells[0][0].gpu_memory_bytes);

    // A "custom" row keeps the base's custom model: 7e9 parameters x 2 bytes = 14e9 bytes of weights.
    Scenario base;
    base.custom_params = 7e9;
    const FitMatrix c = fit_matrix(base, {"custom"}, {"bf16"});
    REQUIRE(c.cells.size() == 1);
    CHECK(c.cells[0][0].level != FitLevel::Error);
    CHECK(c.cells[0][0].required_bytes >= 14'000'000'000ull);
}
