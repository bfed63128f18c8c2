// What the log reader's fuzz target checks (fuzz/fuzz_engine_log.cpp), also replayed on the committed
// inputs by tests/unit/fuzz_regression_test.cpp: any bytes are read or refused with one clean line,
// figures stay finite and bounded, and the reconciliation and its JSON never fail without a message.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/bounded_json.h"
#include "core/logs/log_reader.h"
#include "core/logs/reconcile.h"
#include "core/logs/reconcile_json.h"
#include "fuzz/checks.h"

namespace vramcalc::fuzz {

inline std::string check_engine_log(std::string_view text) {
    const LogReading r = read_log(text);
    if (!r.ok) return r.error.empty() ? "refused without a message" : message_problem("the error", r.error);
    if (std::string m = messages_problem("a note", r.notes); !m.empty()) return m;
    if (r.figures.size() > 4096) return "more than 4096 figures";
    for (const LogFigure& f : r.figures) {
        if (f.bytes && *f.bytes > (Bytes{1} << 62)) return "a figure past 2^62 bytes: " + f.name;
        if (!is_valid_utf8(f.line) || !is_valid_utf8(f.device)) return "a figure's line is not valid UTF-8";
    }
    std::vector<std::string> lacking;
    const Scenario s = scenario_from_log(r, Scenario{}, lacking);
    const Reconciliation rc = reconcile(r, s, lacking);
    if (!rc.ok && rc.error.empty()) return "reconciliation failed without a message";
    if (!rc.ok) return message_problem("the reconciliation error", rc.error);
    const JsonParse back = parse_json(dump_json(reconciliation_to_json(r, rc)), JsonLimits{64u << 20, 64});
    if (!back.ok()) return "the reconciliation's JSON does not parse back: " + back.message;
    return "";
}

}  // namespace vramcalc::fuzz
