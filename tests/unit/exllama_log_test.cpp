// The ExLlama / TabbyAPI log reader over the real logs in tests/data/logs/exllama (index.json names each
// source). Expected values are the numbers the logs print (quoted beside the checks); TabbyAPI prints
// no memory figure of a load that succeeds, so most checks are settings, and the memory figures are
// PyTorch's out-of-memory message at the moment a load failed.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/logs/log_reader.h"
#include "core/logs/reconcile.h"
#include "core/scenario.h"
#include "test_data.h"

using namespace vramcalc;

namespace {

LogReading read(const std::string& file) {
    const LogReading r = read_log(test_data::text("logs/exllama/" + file));
    REQUIRE_MESSAGE(r.ok, r.error);
    return r;
}

double bytes_of(const LogReading& r, const char* name, int device, double unit) {
    const LogFigure* f = find_figure(r, name, device);
    REQUIRE_MESSAGE(f, "no " << name << " on device " << device);
    REQUIRE(f->bytes);
    return static_cast<double>(*f->bytes) / unit;
}

void check_oom(const LogReading& r, const nlohmann::json& x) {
    const int d = x["oom_device"].get<int>();
    CHECK(bytes_of(r, "oom_request", d, kMiB) == doctest::Approx(x["oom_request_mib"].get<double>()));
    CHECK(bytes_of(r, "oom_gpu_total", d, kGiB) == doctest::Approx(x["oom_gpu_total_gib"].get<double>()));
    CHECK(bytes_of(r, "oom_free", d, kMiB) == doctest::Approx(x["oom_free_mib"].get<double>()));
    CHECK(bytes_of(r, "oom_process_used", d, kGiB) == doctest::Approx(x["oom_process_used_gib"].get<double>()));
    CHECK(bytes_of(r, "oom_torch_allocated", d, kGiB) == doctest::Approx(x["oom_torch_allocated_gib"].get<double>()));
    if (x.contains("oom_torch_reserved_mib"))
        CHECK(bytes_of(r, "oom_torch_reserved", d, kMiB) == doctest::Approx(x["oom_torch_reserved_mib"].get<double>()));
}

}  // namespace

TEST_CASE("every ExLlama / TabbyAPI log of the corpus: engine, release, model and what it printed") {
    const nlohmann::json index = test_data::load("logs/index.json");
    int logs = 0;
    for (const nlohmann::json& e : index) {
        const std::string file = e["file"].get<std::string>();
        if (file.rfind("exllama/", 0) != 0) continue;
        CAPTURE(file);
        const LogReading r = read(file.substr(8));
        CHECK(r.engine == e["engine"].get<std::string>());
        if (e.contains("engine_version")) CHECK(r.engine_version == e["engine_version"].get<std::string>());
        if (e.contains("model")) CHECK(r.model == e["model"].get<std::string>());
        const nlohmann::json& x = e["expected"];
        if (x.contains("max_seq_len")) CHECK(r.context == x["max_seq_len"].get<std::int64_t>());
        if (x.contains("bits_per_weight")) CHECK(r.bits_per_weight == doctest::Approx(x["bits_per_weight"].get<double>()));
        if (x.contains("head_bits")) CHECK(r.head_bits == doctest::Approx(x["head_bits"].get<double>()));
        if (x.contains("oom_device")) check_oom(r, x);
        if (x.contains("cpu_expert_layers")) {
            const LogFigure* f = find_figure(r, "cpu_expert_layers", -1);
            REQUIRE(f);
            CHECK(f->value.value_or(0) == doctest::Approx(x["cpu_expert_layers"].get<double>()));
            CHECK(r.partial_offload);
        }
        ++logs;
    }
    CHECK(logs >= 5);
}

TEST_CASE("TabbyAPI on ExLlamaV3 1.4.5: the settings, and the note that it prints no memory figure") {
    const LogReading r = read("exl3-issue313-tabby-1.4.5-qwen38-27b-6bpw-h8.log");
    CHECK(r.engine == "exllamav3");          // "exllamav3 version: 1.4.5"
    CHECK(r.engine_version == "1.4.5");
    CHECK(r.gpus == 1);                      // "Disabling GPU split because one GPU is in use."
    CHECK(r.gpu_split == "one GPU");
    CHECK(r.context == 145408);              // "Using configured max_seq_len: 145408 tokens."
    const LogFigure* cache = find_figure(r, "kv_tokens");  // "Using configured cache_size: 145408 tokens."
    REQUIRE(cache);
    CHECK(cache->tokens.value_or(0) == 145408);
    CHECK(r.weights == "exl3-6");            // "...-SC-6.0bpw-H8"
    CHECK(r.head_bits == 8);
    CHECK(r.model_file == "F:\\llama-cpp\\models\\qwen3.8-27B-EXL3-official-SC-6.0bpw-H8");
    bool said = false;
    for (const std::string& n : r.notes) said = said || n.find("no memory figure") != std::string::npos;
    CHECK(said);
}

TEST_CASE("TabbyAPI's wrapped 2026-09 wording: context and cache size on two lines, the split after the path") {
    const LogReading r = read("exl3-0xsero-qwen38-27b-sc4bpw-h5-rtx3090-startup.log");
    CHECK(r.context == 262144);              // "Context: max_seq_len 262,144 tokens (configured),"
    const LogFigure* cache = find_figure(r, "kv_tokens");  // "cache_size 263,168 tokens"
    REQUIRE(cache);
    CHECK(cache->tokens.value_or(0) == 263168);
    CHECK(r.model_file == "/opt/models/Qwen3.8-27B-EXL3-SC4bpw-H5");
    CHECK(r.weights == "exl3-4");
    CHECK(r.gpu_split == "one GPU");         // "(manual GPU split)" after "Disabling GPU split ..."
}

TEST_CASE("ExLlamaV2: the backend from the traceback's paths, the OOM message wrapped over docker lines") {
    const LogReading r = read("exl2-tabby-issue304-oom-gpu1-docker.log");
    CHECK(r.engine == "exllamav2");          // ".../dist-packages/exllamav2/linear.py"
    CHECK(r.gpu_memory_gib == doctest::Approx(23.53));  // "GPU 1 has a total capacity of 23.53 GiB"
    const LogFigure* free_mem = find_figure(r, "oom_free", 1);  // "190.50 MiB is free." on the next line
    REQUIRE(free_mem);
    CHECK(free_mem->device == "GPU1");
}

TEST_CASE("exllamav2's chat.py: model, bits from bartowski's name, the -cq4 cache flag") {
    const LogReading r = read("exl2-issue761-chatpy-qwq32b-3.0bpw-t4-oom.log");
    CHECK(r.engine_flavour == "ExLlamaV2 chat.py");  // " -- Model: /content/exllamav2/my_model/QwQ-32B-exl2-3_0"
    CHECK(r.weights == "exl2-3");                    // "exl2-3_0" = 3.0 bpw
    CHECK(r.kv_dtype == "q4");                       // "... -ngram -cq4 -nfa"
}

TEST_CASE("reconciling a TabbyAPI log: cache_size is the cache's tokens (max_seq_len x sequences, 256-aligned)") {
    // Hand calculation: 145408 = 568 x 256, so TabbyAPI's cache_size for max_seq_len 145408 and one
    // sequence is 145408 tokens, as the log prints; 263,168 over max_seq_len 262,144 is one sequence
    // (263168 / 262144 = 1.004), for which the estimate's cache is 262144 = 1024 x 256 tokens: 1024 fewer
    // than printed, -0.389%.
    for (const auto& file_expect : {std::pair{"exl3-issue313-tabby-1.4.5-qwen38-27b-6bpw-h8.log", 145408.0},
                                    std::pair{"exl3-0xsero-qwen38-27b-sc4bpw-h5-rtx3090-startup.log", 262144.0}}) {
        const char* file = file_expect.first;
        const double ours = file_expect.second;
        CAPTURE(file);
        const LogReading r = read(file);
        Scenario base;
        base.model = "qwen3-8b";  // the catalog lacks Qwen3.8-27B: the cache's token count does not depend on it
        std::vector<std::string> lacking;
        const Scenario s = scenario_from_log(r, base, lacking);
        CHECK(s.engine == "exllamav3");
        CHECK(s.batch == 1);
        const Reconciliation rc = reconcile(r, s, lacking);
        REQUIRE_MESSAGE(rc.ok, rc.error);
        REQUIRE(rc.differences.size() == 1);
        CHECK(rc.differences[0].name == "kv_tokens");
        CHECK(rc.differences[0].estimated == doctest::Approx(ours));
    }
}
