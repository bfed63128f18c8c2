// Every input committed for the fuzzers, replayed through the same checks (fuzz/checks.h) in the
// normal suite, natively and in wasm: the seed corpora (fuzz/corpus/<target>/) and each input a fuzzer
// once crashed on (tests/data/fuzz-regressions/<target>/, named for what it found).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/checks.h"
#include "fuzz/log_checks.h"

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_in(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file()) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Replays fuzz/corpus/<target> (must hold seeds) and tests/data/fuzz-regressions/<target> (may be empty).
template <class Check>
void replay(const std::string& target, Check check) {
    const fs::path root = VRAMCALC_SOURCE_DIR;
    const auto seeds = inputs_in(root / "fuzz" / "corpus" / target);
    REQUIRE_MESSAGE(!seeds.empty(), "no seed inputs in fuzz/corpus/" << target);
    auto all = seeds;
    for (const auto& p : inputs_in(root / "tests" / "data" / "fuzz-regressions" / target)) all.push_back(p);
    for (const auto& p : all) {
        CAPTURE(p.string());
        CHECK(check(read_bytes(p)) == "");
    }
    MESSAGE(target << ": " << all.size() << " inputs replayed");
}

}  // namespace

TEST_CASE("every committed config.json fuzz input is parsed or refused in one clean line") {
    replay("config_json", vramcalc::fuzz::check_config_json);
}

TEST_CASE("every committed share-link fuzz input decodes, and what it decodes to round-trips") {
    replay("share_link", vramcalc::fuzz::check_share_link);
}

TEST_CASE("every committed scenario-JSON fuzz input applies, round-trips and resolves or says why") {
    replay("scenario_json", vramcalc::fuzz::check_scenario_json);
}

TEST_CASE("every committed engine-log fuzz input is read or refused in one clean line, and reconciles or says why") {
    replay("engine_log", vramcalc::fuzz::check_engine_log);
}
