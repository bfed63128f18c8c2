// What each fuzz target checks, as plain functions: the libFuzzer entry points (fuzz/fuzz_*.cpp) call
// them on every generated input, and the doctest suite (tests/unit/fuzz_regression_test.cpp) calls
// them on every committed input (the seed corpora and the crashes the fuzzers found), natively and in
// wasm. Each returns "" when the input was handled, else what went wrong; a crash, a sanitizer report
// or a hang is the other way to fail.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/bounded_json.h"
#include "core/config_parser.h"
#include "core/estimate.h"
#include "core/scenario_json.h"
#include "core/share_link.h"

namespace vramcalc::fuzz {

// Messages users read are one line of valid UTF-8.
inline std::string message_problem(const std::string& where, const std::string& text) {
    if (!is_valid_utf8(text)) return where + " is not valid UTF-8";
    if (text.find('\n') != std::string::npos) return where + " spans lines";
    return "";
}
inline std::string messages_problem(const std::string& where, const std::vector<std::string>& texts) {
    for (const auto& t : texts)
        if (std::string p = message_problem(where, t); !p.empty()) return p;
    return "";
}

// config.json -> parse_hf_config; the share link's reduction of it parses to the same model; a
// scenario holding it dumps to JSON that parses back.
inline std::string check_config_json(std::string_view text) {
    const ParsedConfig p = parse_hf_config(text);
    if (!p.ok && p.error.empty()) return "refused without a message";
    if (std::string m = message_problem("the error", p.error); !m.empty()) return m;
    if (std::string m = messages_problem("a warning", p.warnings); !m.empty()) return m;
    if (p.ok) {
        const ParsedConfig q = parse_hf_config(reduce_config_for_link(text));
        if (!q.ok || !same_model_info(p.model, q.model)) return "the link's reduced config reads as another model";
    }
    Scenario s;
    s.custom_config = std::string(text);
    const JsonParse back = parse_json(dump_json(scenario_to_json(s)), kScenarioJsonLimits);
    if (!back.ok()) return "a scenario holding this config does not parse back: " + back.message;
    return "";
}

// Scenario fields compared through their JSON, with the custom config compared as the model it parses
// to (a link carries the config reduced, so its text may differ).
inline std::string scenario_difference(const Scenario& a, const Scenario& b) {
    nlohmann::json ja = scenario_to_json(a), jb = scenario_to_json(b);
    ja.erase("custom_config");
    jb.erase("custom_config");
    if (ja != jb) return dump_json(ja) + " vs " + dump_json(jb);
    if (a.custom_config.empty() != b.custom_config.empty()) return "custom_config dropped or added";
    if (a.custom_config != b.custom_config) {
        const ParsedConfig pa = parse_hf_config(a.custom_config), pb = parse_hf_config(b.custom_config);
        if (pa.ok != pb.ok || (pa.ok && !same_model_info(pa.model, pb.model))) return "custom_config reads differently";
    }
    return "";
}

// A link fragment -> decode; what we encode from the result decodes to the same scenario, cleanly.
inline std::string check_share_link(std::string_view fragment) {
    const DecodedLink d = decode_share_fragment(fragment);
    if (std::string m = messages_problem("an ignored part", d.ignored); !m.empty()) return m;
    if (std::string m = messages_problem("a warning", d.warnings); !m.empty()) return m;
    const std::string again = encode_share_fragment(d.scenario);
    const DecodedLink e = decode_share_fragment(again);
    if (!e.ignored.empty()) return "a link we wrote is refused: " + e.ignored.front();
    if (std::string diff = scenario_difference(d.scenario, e.scenario); !diff.empty())
        return "the re-encoded link reads differently: " + diff;
    return "";
}

// Scenario JSON (--scenario, the page's setState) -> apply; the scenario written back applies without
// a problem and unchanged; resolving it either works or says why in one line.
inline std::string check_scenario_json(std::string_view text) {
    const JsonParse parsed = parse_json(text, kScenarioJsonLimits);
    if (!parsed.ok()) return message_problem("the parse error", parsed.message);
    Scenario s;
    std::vector<std::string> problems;
    apply_scenario_json(parsed.value, s, problems);
    if (std::string m = messages_problem("a problem", problems); !m.empty()) return m;
    Scenario t;
    std::vector<std::string> again;
    apply_scenario_json(scenario_to_json(s), t, again);
    if (!again.empty()) return "a scenario we wrote is refused: " + again.front();
    if (std::string diff = scenario_difference(s, t); !diff.empty()) return "the scenario written back differs: " + diff;
    std::string error;
    if (!resolve(s, error)) {
        if (error.empty()) return "resolve refused without a message";
        return message_problem("the resolve error", error);
    }
    return "";
}

// The body of each LLVMFuzzerTestOneInput: a failed check aborts, which libFuzzer reports as a finding.
template <class Check>
int run(const char* target, Check check, const std::uint8_t* data, std::size_t size) {
    const std::string problem = check(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!problem.empty()) {
        std::fprintf(stderr, "%s: %s\n", target, problem.c_str());
        std::abort();
    }
    return 0;
}

}  // namespace vramcalc::fuzz
