// Share links: a whole Scenario <-> a URL fragment such as
//   v=1&m=qwen2.5-32b-instruct&w=awq&gpu=rtx-4090&n=4&tp=4
// Only fields that differ from a fresh Scenario{} are written, under short keys (the engine as e=, its
// release as ev=, the engine knobs under the link keys of core/knobs.cpp), so a catalog model's link
// stays short and readable. A custom config.json travels under cfg= as base64url of its
// minified JSON with only the keys the config parser reads (no compression: the browser build has no
// zlib, and a reduced config is ~0.5-1.5 KB, well within what browsers keep in a URL).
//
// Versioned: v=1 today. Decoding accepts a missing v (read as 1) and reads a higher v best-effort with
// a warning. Decoding never throws: each bad part is skipped and named, and the rest still applies.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "architecture.h"
#include "scenario.h"

namespace vramcalc {

inline constexpr int kShareLinkVersion = 1;

// The fragment without its leading '#'. Always starts with "v=1".
std::string encode_share_fragment(const Scenario& s);

struct DecodedLink {
    Scenario scenario;
    std::vector<std::string> ignored;   // one line per skipped part: "ctx=abc: not a number"
    std::vector<std::string> warnings;  // read, with a caveat: "made by a newer vramcalc (v=2) ..."
    // m= named no catalog model: the name as a message shows it and the nearest catalog ids. The
    // page shows the model as missing instead of answering for the default one.
    std::string missing_model;
    std::vector<std::string> missing_model_near;
};

// Starts from `base` and applies every valid part. Fields the link does not name keep base's value,
// so pass Scenario{} (the default) to open a link exactly as it was made. Accepts a leading '#' or
// '?', or a whole URL (everything after its first '#').
DecodedLink decode_share_fragment(std::string_view fragment, const Scenario& base = Scenario{});

// A config.json reduced to what parse_hf_config reads, minified. Falls back to the whole config,
// minified, when the reduced one would not parse to the same model (a key the parser learned later),
// and to the text unchanged when it is not valid JSON.
std::string reduce_config_for_link(std::string_view config_json);

// Field-by-field equality of two parsed models (architecture included): what a config round trip
// through a link must preserve.
bool same_model_info(const ModelInfo& a, const ModelInfo& b);

// The encodings the fragment uses, exposed for tests and the browser glue.
std::string percent_encode(std::string_view text);                      // all but A-Z a-z 0-9 - . _ ~
std::optional<std::string> percent_decode(std::string_view text);      // '+' is a space; nullopt on a bad escape
std::string base64url_encode(std::string_view bytes);                   // RFC 4648 section 5, no padding
std::optional<std::string> base64url_decode(std::string_view text);    // also accepts + / and = padding

}  // namespace vramcalc
