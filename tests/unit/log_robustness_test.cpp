// The log reader on what pastes look like in practice (issue 16, point 5): colour codes, Windows line
// ends, Docker and systemd prefixes, interleaved ranks and progress bars, cut logs, several start-ups,
// and text that is no log at all. Each variant must read the same figures as the clean log.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/logs/log_reader.h"
#include "test_data.h"

using namespace vramcalc;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(test_data::path("logs/" + name), std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Applies `edit` to every line of `text`.
template <class Edit>
std::string each_line(const std::string& text, Edit edit) {
    std::istringstream in(text);
    std::string line, out;
    while (std::getline(in, line)) out += edit(line);
    return out;
}

const char* kVllm = "vllm/codellama-codellama-7b-h--h100-80gb--tp1pp1dp1--8192.log";
const char* kLlama = "llamacpp/llamacpp-mcgyvr-gptoss20b-mxfp4-rtx3060-c2048-np8.log";

double gib(const LogReading& r, const char* name, int device = 0) {
    const LogFigure* f = find_figure(r, name, device);
    return f && f->bytes ? static_cast<double>(*f->bytes) / kGiB : -1;
}

}  // namespace

TEST_CASE("log pastes with colour codes, CRLF and container or journal prefixes read the same figures") {
    const std::string clean = fixture(kVllm);
    const LogReading base = read_log(clean);
    REQUIRE(base.ok);
    // the figures the log prints: "Model loading took 12.56 GiB", "Available KV cache memory: 61.66 GiB"
    REQUIRE(gib(base, "weights") == doctest::Approx(12.56));
    REQUIRE(gib(base, "kv_cache") == doctest::Approx(61.66));
    const std::string variants[] = {
        each_line(clean, [](const std::string& l) { return l + "\r\n"; }),
        each_line(clean, [](const std::string& l) { return "\x1b[32mINFO\x1b[0m " + l + "\x1b[0m\n"; }),
        each_line(clean, [](const std::string& l) { return "[32m" + l + "[0m\n"; }),  // ESC lost in a paste
        each_line(clean, [](const std::string& l) { return "vllm-server-1  | " + l + "\n"; }),
        each_line(clean, [](const std::string& l) { return "Dec 02 10:00:01 gpu-box vllm[1234]: " + l + "\n"; }),
        each_line(clean, [](const std::string& l) { return "2026-12-02T10:00:01.123456789Z " + l + "\n"; }),
        each_line(clean, [](const std::string& l) {
            return "Capturing CUDA graphs:  40%|####      | 20/51\r" + l + "\nunrelated output from another program\n";
        }),
    };
    for (const std::string& v : variants) {
        const LogReading r = read_log(v);
        REQUIRE_MESSAGE(r.ok, r.error);
        CHECK(r.engine == "vllm");
        CHECK(r.engine_version == "0.19.0");
        CHECK(r.model == "codellama/CodeLlama-7b-hf");
        CHECK(gib(r, "weights") == doctest::Approx(12.56));
        CHECK(gib(r, "kv_cache") == doctest::Approx(61.66));
        CHECK(find_figure(r, "kv_tokens")->tokens.value_or(0) == 126256);
    }
}

TEST_CASE("several start-ups in one paste: the last one is read and the paste says so") {
    const std::string two = fixture(kLlama) + fixture("llamacpp/llamacpp-mcgyvr-gptoss20b-mxfp4-rtx3060-c16384-np8.log");
    const LogReading r = read_log(two);
    REQUIRE(r.ok);
    // The second log's "llama_context: n_ctx = 16384" and KV "384.00 MiB" + "96.00 MiB" (SWA).
    CHECK(r.runs == 2);
    CHECK(r.context == 16384);
    CHECK(gib(r, "kv_buffer") * 1024 == doctest::Approx(480.0));
}

TEST_CASE("a cut log reads what it has; text that is no log gets a clear message") {
    const std::string clean = fixture(kVllm);
    const LogReading cut = read_log(clean.substr(0, clean.find("Available KV cache memory") + 10));
    REQUIRE(cut.ok);
    CHECK(gib(cut, "weights") == doctest::Approx(12.56));
    CHECK(find_figure(cut, "kv_cache") == nullptr);

    for (const std::string& junk : {std::string(""), std::string("\r\n\r\n"), std::string("{\"model\": \"x\"}"),
                                   std::string("total 0\ndrwxr-xr-x 2 root root 4096 .\n"), std::string(3000, '\0'),
                                   std::string(5000, '\x1b')}) {
        const LogReading r = read_log(junk);
        CHECK_FALSE(r.ok);
        CHECK_FALSE(r.error.empty());
    }
    const LogReading none = read_log("hello\nworld\n");
    CHECK(none.error.find("not a log I can read") != std::string::npos);
}

TEST_CASE("hostile log lines: huge numbers, endless lines, many figures stay bounded and finite") {
    std::string hostile = "Model loading took 1e400 GiB memory\nAvailable KV cache memory: 99999999999999999999 GiB\n";
    hostile += "GPU KV cache size: -5 tokens\n" + std::string(100000, 'x') + "Model loading took 1.0 GiB\n";
    for (int i = 0; i < 20000; ++i) hostile += "(Worker_TP" + std::to_string(i) + " pid=1) Model loading took 1.5 GiB memory\n";
    const LogReading r = read_log(hostile);
    REQUIRE(r.ok);
    CHECK(r.figures.size() <= 4096);
    for (const LogFigure& f : r.figures)
        if (f.bytes) CHECK(*f.bytes < (Bytes{1} << 62));
}

TEST_CASE("summed buffer lines saturate: thirty KV buffers of 9e11 MiB do not wrap past 2^64") {
    // 9e11 MiB = 9.437e17 B each; thirty of them, 2.83e19 B, are past the 1.845e19 that 64 bits hold:
    // the sum stays at the cap instead of wrapping to a small figure.
    std::string log = "build: 8054 (01d8eaa28) with cc\n";
    for (int i = 0; i < 30; ++i) log += "llama_kv_cache:      CUDA0 KV buffer size = 900000000000.00 MiB\n";
    const LogReading r = read_log(log);
    REQUIRE(r.ok);
    const LogFigure* kv = find_figure(r, "kv_buffer", 0);
    REQUIRE(kv);
    CHECK(*kv->bytes >= UINT64_MAX / 2);
}

TEST_CASE("llama.cpp's recurrent-state buffer joins the KV buffer, as the estimate counts both") {
    // A hybrid model's lines as llama.cpp prints them (src/llama-kv-cache.cpp, src/llama-memory-recurrent.cpp):
    // 24.00 MiB of attention KV + 77.06 MiB of conv/SSM state = 101.06 MiB on CUDA0.
    const std::string log = "build: 8054 (01d8eaa28) with cc\n"
                            "llama_kv_cache:      CUDA0 KV buffer size =    24.00 MiB\n"
                            "llama_memory_recurrent:      CUDA0 RS buffer size =    77.06 MiB\n"
                            "sched_reserve:      CUDA0 compute buffer size =    42.58 MiB\n";
    const LogReading r = read_log(log);
    REQUIRE(r.ok);
    CHECK(r.engine == "llamacpp");
    const LogFigure* kv = find_figure(r, "kv_buffer", 0);
    REQUIRE(kv);
    CHECK(static_cast<double>(*kv->bytes) == doctest::Approx((24.00 + 77.06) * 1024 * 1024).epsilon(1e-7));
}
