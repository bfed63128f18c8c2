#include "engine_profile_json.h"

#include <string>

#include "knobs.h"

namespace vramcalc {

using nlohmann::json;

json engine_profile_json(const EngineProfile& p) {
    json releases = json::array();
    for (const EngineRelease& r : p.releases)
        releases.push_back({{"id", r.id}, {"date", r.date}, {"label", r.label}, {"changed", r.changed},
                            {"source", r.source}, {"variant", r.variant}});
    json knobs = json::array();
    for (const KnobUse& k : p.knobs) {
        const Knob* knob = find_knob(k.knob);
        knobs.push_back({{"id", k.knob}, {"label", k.label}, {"help", k.help},
                         {"link_key", knob ? knob->link_key : ""}, {"range", knob ? knob->expected : ""}});
    }
    json aliases = json::array();
    for (const char* a : p.aliases) aliases.push_back(a);
    return {{"id", p.id},
            {"name", p.name},
            {"blurb", p.blurb},
            {"aliases", aliases},
            {"newest_release", newest_release(p).id},
            {"version_forms", p.version_forms},
            {"releases", releases},
            {"knobs", knobs},
            {"formats", p.formats_by_quality},
            {"tensor_parallel", p.parallel.tensor_parallel},
            {"pipeline_parallel", p.parallel.pipeline_parallel},
            {"split", p.parallel.split},
            {"context_help", p.workload.context_help},
            {"concurrency_help", p.workload.concurrency_help}};
}

json engine_profiles_json() {
    json out = json::array();
    for (const EngineProfile* p : engine_profiles()) out.push_back(engine_profile_json(*p));
    return out;
}

}  // namespace vramcalc
