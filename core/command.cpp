#include "command.h"

namespace vramcalc {

std::string launch_command(const ResolvedScenario& r) {
    if (r.engine && r.engine->command) return r.engine->command(r);
    return std::string("# ") + (r.engine ? r.engine->name : "this engine") +
           " names no engine to launch: choose one of the engines for a command";
}

std::string launch_command(const Scenario& s) {
    std::string err;
    auto r = resolve(s, err);
    return r ? launch_command(*r) : std::string();
}

}  // namespace vramcalc
