// The engine knobs a Scenario carries (the flags users pass an engine: --gpu-memory-utilization,
// -ngl, -ub, ...): one table says each knob's scenario-JSON key (and CLI flag), share-link key, kind,
// valid range and where it lives in Scenario. The scenario JSON reader, the share link and the CLI
// read this table, so a new knob is a Scenario field, one row here, and the profiles that use it
// (EngineProfile::knobs, which also holds the page's label and help).
#pragma once
#include <string_view>
#include <vector>

#include "scenario.h"

namespace vramcalc {

enum class KnobKind { Integer, Real, Flag };

struct Knob {
    const char* id = "";        // scenario JSON key; the CLI flag is "--" + id with '-' for '_'
    const char* link_key = "";  // share-link key ("util")
    KnobKind kind = KnobKind::Integer;
    double min = 0, max = 0;    // accepted values (Flag: 0 or 1)
    const char* expected = "";  // the range in words, for messages: "a fraction between 0 and 1"
    double (*get)(const Scenario&) = nullptr;
    void (*set)(Scenario&, double) = nullptr;
};

const std::vector<Knob>& engine_knobs();      // in link-writing order
const Knob* find_knob(std::string_view id);
// "gpu_mem_util: a fraction between 0 and 1" when the scenario's value is out of range, else "".
std::string knob_range_error(const Scenario& s);

}  // namespace vramcalc
