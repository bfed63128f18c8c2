// Which architectures each engine's accounting can size today. One place the estimate asks before
// answering, so a model whose cache an engine does not model gets a clear refusal naming what is
// missing instead of a number computed as if it were a plain transformer.
#pragma once
#include <string>

#include "architecture.h"
#include "engine_profile.h"

namespace vramcalc {

// "" when the engine can answer for this architecture; otherwise the reason, naming the feature.
// With a release, the profile's release_refusal is asked first (an architecture that release cannot load).
std::string unsupported_cache_reason(const Architecture& arch, const EngineProfile& engine, const EngineRelease* release = nullptr);

// The other engines (newest release, KV-counting ones) that answer this architecture: "vLLM, SGLang or
// llama.cpp"; "" when none does. For refusals that say where to go instead; a refusal asked from inside
// this list gets "" (no recursion).
std::string engines_answering(const Architecture& arch, const EngineProfile& except);
// `why` + "; vLLM, SGLang or llama.cpp answer it" (the engines_answering list), or `why` alone.
std::string refusal_with_alternatives(std::string why, const Architecture& arch, const EngineProfile& except);

}  // namespace vramcalc
