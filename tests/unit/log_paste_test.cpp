// The page's "Your log" tab without ImGui (web/log_paste.h): a pasted log read and reconciled, its
// rows showing the log's own numbers, errors that keep the text, Use this setup, Calibrate (and the
// what-if after it), and the calibrations kept in localStorage. Expected figures are the numbers the
// logs in tests/data/logs/ print (quoted beside each check).
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "core/logs/log_text.h"
#include "core/units.h"
#include "web/compute.h"
#include "web/log_paste.h"
#include "test_data.h"

using namespace vramcalc;
using namespace vramcalc::web;

namespace {

std::string log_text(const std::string& name) {
    std::ifstream in(test_data::path("logs/" + name), std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << test_data::path("logs/" + name));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const char* kVllm = "vllm/codellama-codellama-7b-h--h100-80gb--tp1pp1dp1--8192.log";
const char* kLlama = "llamacpp/llamacpp-ghghang2-gptoss20b-f16gguf-t4-c16384-ub512.log";
const char* kSglang = "sglang/sglang-docs-llama31-8b-instruct-mf0874-cap20480.log";

const LogRow* row(const std::vector<LogRow>& rows, const std::string& name, const std::string& device = "GPU0") {
    for (const LogRow& r : rows)
        if (r.name == name && r.device == device) return &r;
    return nullptr;
}

AppState pasted(const char* name) {
    AppState st;
    set_log_text(st, log_text(name));
    refresh_log(st);
    return st;
}

}  // namespace

TEST_CASE("a pasted vLLM log: the table shows the log's own numbers beside ours") {
    AppState st = pasted(kVllm);
    REQUIRE(log_has_table(st));
    CHECK(st.log.error.empty());
    CHECK(st.log.reading.engine == "vllm");
    CHECK(st.log.reading.engine_version == "0.19.0");
    CHECK(st.log.reading.model == "codellama/CodeLlama-7b-hf");
    const auto rows = log_rows(st.log);
    // "Model loading took 12.56 GiB memory", "Available KV cache memory: 61.66 GiB",
    // "GPU KV cache size: 126,256 tokens", "torch peak memory increase: 0.77GiB"
    const LogRow* w = row(rows, "weights");
    REQUIRE(w);
    CHECK(w->measured_text == "12.56 GiB");
    CHECK(w->estimated);
    CHECK(!w->band_text.empty());
    REQUIRE(row(rows, "kv_cache"));
    CHECK(row(rows, "kv_cache")->measured_text == "61.66 GiB");
    REQUIRE(row(rows, "kv_tokens"));
    CHECK(row(rows, "kv_tokens")->measured_text == "126,256");
    REQUIRE(row(rows, "activation"));
    CHECK(row(rows, "activation")->measured_text == "0.77 GiB");
    // "non-torch forward increase memory: 0.25GiB": printed, not estimated on its own (no "ours")
    REQUIRE(row(rows, "non_torch"));
    CHECK(row(rows, "non_torch")->measured_text == "0.25 GiB");
    CHECK(log_summary(st.log.reading).find("codellama/CodeLlama-7b-hf") != std::string::npos);
}

TEST_CASE("a pasted llama.cpp and SGLang log: figures in the units the engine prints") {
    AppState ll = pasted(kLlama);
    REQUIRE(log_has_table(ll));
    const auto rows = log_rows(ll.log);
    // "CUDA0 model buffer size = 12036.68 MiB", "CUDA0 compute buffer size = 398.38 MiB"
    REQUIRE(row(rows, "model_buffer", "CUDA0"));
    CHECK(row(rows, "model_buffer", "CUDA0")->measured_text == "12036.68 MiB");
    REQUIRE(row(rows, "compute_buffer", "CUDA0"));
    CHECK(row(rows, "compute_buffer", "CUDA0")->measured_text == "398.38 MiB");

    // "Tesla T4" and no memory printed: the catalog's T4 (not the page's H100)
    CHECK(ll.log.rc.scenario.gpu == "t4");
    CHECK(ll.log.rc.scenario.gpu_memory_gib == 0);

    AppState sg = pasted(kSglang);
    REQUIRE(log_has_table(sg));
    // "Load weight end. ... mem usage=15.11 GB" (SGLang's GB are GiB)
    const auto srows = log_rows(sg.log);
    REQUIRE(row(srows, "weights"));
    CHECK(row(srows, "weights")->measured_text == "15.11 GiB");
}

TEST_CASE("a paste that is not a log, or too large, says so and keeps the text") {
    AppState st;
    const std::string prose = "Hello, I tried to run my model and it said out of memory. Any idea?\n";
    set_log_text(st, prose);
    refresh_log(st);
    CHECK(!log_has_table(st));
    CHECK(st.log.error.rfind("Not a log this page can read: none of its", 0) == 0);
    CHECK(st.log.text == prose);

    const std::string huge(logtext::kMaxLogBytes + 1, 'x');
    set_log_text(st, huge);
    refresh_log(st);
    CHECK(st.log.error.find("the reader takes up to 16 MiB") != std::string::npos);
    CHECK(st.log.text.size() == huge.size());

    set_log_text(st, "  \n ");
    refresh_log(st);
    CHECK(st.log.error.empty());  // an empty box is no error
    CHECK(!log_has_table(st));

    const nlohmann::json j = read_log_json(Scenario{}, prose);
    CHECK(j["ok"] == false);
    CHECK(j["error"].get<std::string>().rfind("Not a log", 0) == 0);
}

TEST_CASE("readLog's JSON is the reconcile JSON") {
    const nlohmann::json j = read_log_json(Scenario{}, log_text(kVllm));
    CHECK(j["ok"] == true);
    CHECK(j["engine"] == "vllm");
    CHECK(j["engine_version"] == "0.19.0");
    CHECK(j["model"] == "codellama/CodeLlama-7b-hf");
    for (const char* k : {"scenario", "measured", "estimate", "differences", "calibration"}) CHECK_MESSAGE(j.contains(k), k);
    // "Model loading took 12.56 GiB memory" read as GiB: 12.56 x 2^30 bytes
    bool weights = false;
    for (const auto& m : j["measured"])
        if (m["name"] == "weights") weights = m["bytes"].get<double>() == doctest::Approx(12.56 * kGiB).epsilon(1e-9);
    CHECK(weights);
}

TEST_CASE("Use this setup loads the log's scenario") {
    AppState st = pasted(kVllm);
    use_log_setup(st);
    // max_model_len 8192, gpu_memory_utilization 0.95, total_memory 79.19 GiB
    CHECK(st.scenario.engine == "vllm");
    CHECK(st.scenario.engine_version == "0.19.0");
    CHECK(st.scenario.context == 8192);
    CHECK(st.scenario.gpu_mem_util == doctest::Approx(0.95));
    CHECK(st.scenario.gpu_memory_gib == doctest::Approx(79.19));
    CHECK(!is_calibrated(st.scenario));
}

TEST_CASE("Calibrate on vLLM: later what-ifs use the log's non-torch memory and activation peak") {
    AppState st = pasted(kVllm);
    use_log_setup(st);
    const std::string said = calibrate_from_log(st);
    CHECK(said.rfind("Calibrated", 0) == 0);
    // "torch peak memory increase: 0.77GiB; non-torch forward increase memory: 0.25GiB"
    CHECK(st.scenario.cal_activation_gib == 0.77);  // the log's two decimals, not 0.76999999955 (the byte count)
    CHECK(st.scenario.cal_non_torch_gib == 0.25);
    REQUIRE(st.log.stored.size() == 1);
    CHECK(st.log.stored[0].cal_activation_gib == 0.77);
    CHECK(st.log.stored[0].engine == "vllm");
    CHECK(st.log.stored[0].gpu == "79.19 GiB");
    CHECK(st.log.stored_revision == 1);
    // What-if: four times the context; the activation peak stays the measured 0.77 GiB.
    st.scenario.context = 32768;
    refresh(st);
    REQUIRE(st.result.ok);
    CHECK(static_cast<double>(st.result.per_gpu.activation.bytes) == doctest::Approx(0.77 * kGiB).epsilon(1e-6));
}

TEST_CASE("Calibrate keeps the log's GPU memory: what-ifs run on the measured machine") {
    AppState st = pasted(kVllm);
    st.scenario.gpu = "rtx-4090";  // the page shows another GPU; the log ran on an H100
    st.scenario.gpu_memory_gib = 0;
    const std::string said = calibrate_from_log(st);
    CHECK(said.rfind("Calibrated", 0) == 0);
    // the log: "total_memory=79.19GiB" (its worker init snapshot); the calibration is kept for that memory
    CHECK(st.scenario.gpu_memory_gib == 79.19);
    REQUIRE(st.log.stored.size() == 1);
    CHECK(st.log.stored[0].gpu == "79.19 GiB");
    CHECK(st.scenario.cal_activation_gib == 0.77);
}

TEST_CASE("Calibrate on llama.cpp from a page on vLLM loads the log's setup first") {
    AppState st = pasted(kLlama);
    REQUIRE(st.scenario.engine == "vllm");
    const std::string said = calibrate_from_log(st);
    CHECK(said.rfind("Loaded the log's setup and calibrated it", 0) == 0);
    CHECK(st.scenario.engine == "llamacpp");
    // "CUDA0 compute buffer size = 398.38 MiB"
    CHECK(st.scenario.cal_compute_mib == 398.38);
    st.scenario.context = 4096;
    refresh(st);
    REQUIRE(st.result.ok);
    REQUIRE(st.result.compute_buffer);
    CHECK(static_cast<double>(st.result.compute_buffer->bytes) == doctest::Approx(398.38 * kMiB).epsilon(1e-6));
}

TEST_CASE("an SGLang log gives no calibration and says why") {
    AppState st = pasted(kSglang);
    const std::string said = calibrate_from_log(st);
    CHECK(said.rfind("No machine figure", 0) == 0);
    CHECK(!is_calibrated(st.scenario));
    CHECK(st.log.stored.empty());
}

TEST_CASE("a kept calibration is offered for the same engine and GPU, never applied by itself") {
    AppState st;
    StoredCalibration c;
    c.engine = "vllm";
    c.gpu = "h100-sxm";
    c.cal_activation_gib = 0.77;
    st.log.stored.push_back(c);
    REQUIRE(calibration_offer(st));  // the default scenario: vLLM on an H100 SXM
    CHECK(!is_calibrated(st.scenario));
    apply_stored_calibration(st, *calibration_offer(st));
    CHECK(st.scenario.cal_activation_gib == doctest::Approx(0.77));
    CHECK(!calibration_offer(st));  // calibrated: nothing to offer
    remove_calibration(st);
    CHECK(!is_calibrated(st.scenario));
    CHECK(!calibration_offer(st));  // put aside for this visit
    AppState other;
    other.log.stored.push_back(c);
    other.scenario.gpu = "a100-80gb";
    CHECK(!calibration_offer(other));
    other.scenario.gpu = "h100-sxm";
    other.scenario.engine = "sglang";
    CHECK(!calibration_offer(other));
    CHECK(calibration_gpu_label("h100-sxm") == "NVIDIA H100 SXM");
    CHECK(calibration_gpu_label("79.19 GiB") == "a 79.19 GiB GPU");
    forget_stored_calibration(st, 0);
    CHECK(st.log.stored.empty());
}

TEST_CASE("localStorage's calibrations: figures only, bad entries skipped") {
    const nlohmann::json j = nlohmann::json::parse(R"([
        {"engine": "vllm", "gpu": "h100-sxm", "from": "vLLM 0.19.0", "cal_non_torch_gib": 0.25, "cal_activation_gib": 0.77},
        {"engine": "llamacpp", "gpu": "rtx-3090", "cal_compute_mib": 398.38},
        {"engine": "vllm", "gpu": "a100-80gb", "cal_activation_gib": -1},
        {"engine": "vllm", "gpu": "a100-80gb", "cal_activation_gib": "0.7"},
        {"engine": "vllm", "gpu": "a100-80gb", "cal_non_torch_gib": 20000},
        {"engine": "vllm", "gpu": "a100-80gb"},
        {"gpu": "a100-80gb", "cal_activation_gib": 1},
        "text", 5, null])");
    const auto v = calibrations_from_json(j);
    REQUIRE(v.size() == 2);
    CHECK(v[0].cal_non_torch_gib == doctest::Approx(0.25));
    CHECK(v[1].cal_compute_mib == doctest::Approx(398.38));
    const nlohmann::json back = calibrations_to_json(v);
    CHECK(calibrations_from_json(back).size() == 2);
    CHECK(!back[1].contains("cal_activation_gib"));  // zero figures are not written
    CHECK(calibrations_from_json(nlohmann::json::object()).empty());
    nlohmann::json many = nlohmann::json::array();
    for (int i = 0; i < 40; ++i) many.push_back({{"engine", "vllm"}, {"gpu", "g" + std::to_string(i)}, {"cal_activation_gib", 1}});
    const auto kept = calibrations_from_json(many);
    REQUIRE(kept.size() == kMaxStoredCalibrations);
    CHECK(kept.back().gpu == "g39");  // the newest are kept
}

TEST_CASE("a dropped file goes to the log box when it is a log") {
    CHECK(is_log_file("server.log", "anything"));
    CHECK(is_log_file("out.TXT", ""));
    CHECK(!is_log_file("config.json", log_text(kVllm)));
    CHECK(is_log_file("paste", log_text(kVllm)));
    CHECK(!is_log_file("my-model", R"({"hidden_size": 4096})"));
    AppState st;
    load_text_file(st, "vllm.log", log_text(kVllm));
    CHECK(st.log.file_name == "vllm.log");
    CHECK(st.log.box_generation == 1);  // a box being edited shows the dropped text
    CHECK(st.tab_request);
    CHECK(st.requested_tab == Tab::Log);
    CHECK(!st.custom.active);  // not taken for a config.json
}

TEST_CASE("what the log lacks follows the page's model") {
    // The SGLang issue log names no model: the page's is used, and the table follows a change of it.
    AppState st = pasted("sglang/club3090-issue1261-2x5090-tp2-fp8kv.log");
    REQUIRE(st.log.reading.ok);
    st.scenario.model = "qwen2.5-7b-instruct";
    refresh_log(st);
    CHECK(st.log.rc.scenario.model == "qwen2.5-7b-instruct");
    st.scenario.model = "llama-3.1-8b-instruct";
    refresh_log(st);
    CHECK(st.log.rc.scenario.model == "llama-3.1-8b-instruct");
}

TEST_CASE("what the log lacks is worded for the page") {
    CHECK(page_wording("model: the log names \"x\", which the catalog lacks: qwen assumed (give --model or --config)") ==
          "model: the log names \"x\", which the catalog lacks: qwen assumed (pick the model on the left, or paste its config.json there)");
    CHECK(page_wording("context (not printed): 8192 assumed") == "context (not printed): 8192 assumed");
}

TEST_CASE("a chosen log file's name says when only its start was read") {
    // The reader's limit is 16 MiB = 16 x 1,048,576 = 16,777,216 bytes.
    CHECK(log_limit_text() == "16 MiB");
    CHECK(chosen_log_name("server.log", 16777216.0) == "server.log");  // exactly the limit: read whole
    CHECK(chosen_log_name("server.log", 1234.0) == "server.log");
    // 17 MiB = 17,825,792 bytes; 40 GiB = 40,960 MiB (a 32-bit size_t would wrap at 4 GiB).
    CHECK(chosen_log_name("server.log", 17825792.0) == "server.log (its first 16 MiB of 17.0 MiB)");
    CHECK(chosen_log_name("huge.log", 42949672960.0) == "huge.log (its first 16 MiB of 40960.0 MiB)");
    CHECK(chosen_log_name("odd.log", std::nan("")) == "odd.log");  // a size the browser cannot give: no NaN
}
