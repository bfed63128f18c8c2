// The measurements and configs the tests read (tests/data/, see its README). The build passes the
// folder's absolute path; the wasm build reads it from the host through NODERAWFS. A missing or
// unreadable file FAILS the test that asked for it.
#pragma once
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#ifndef VRAMCALC_TEST_DATA_DIR
#error "VRAMCALC_TEST_DATA_DIR must name tests/data (CMakeLists.txt sets it)"
#endif

namespace vramcalc::test_data {

inline std::string path(const std::string& name) { return std::string(VRAMCALC_TEST_DATA_DIR) + "/" + name; }

// The bytes of tests/data/NAME; REQUIREs that it exists.
inline std::string text(const std::string& name) {
    std::ifstream in(path(name), std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path(name));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The parsed JSON of tests/data/NAME; REQUIREs that it exists and parses.
inline nlohmann::json load(const std::string& name) {
    std::ifstream in(path(name), std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path(name));
    std::stringstream ss;
    ss << in.rdbuf();
    nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
    REQUIRE_MESSAGE(!j.is_discarded(), path(name) << " is not valid JSON");
    return j;
}

}  // namespace vramcalc::test_data
