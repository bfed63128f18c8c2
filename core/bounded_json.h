// The one way JSON gets in and out of vramcalc. Every text a user can hand us (config.json, a scenario
// file, a share link's cfg, the page's saved state) and the embedded catalogs are parsed here, with a
// size and a nesting limit, and every JSON we print is dumped here, so that:
// - nothing recurses deeper than the limit: nlohmann's parser is iterative, but dump(), copies and ==
//   recurse, and a million nested arrays overflow the stack (issue 12);
// - nothing throws on invalid UTF-8: dump() throws type_error 316 on it by default, which aborted the
//   CLI whenever an argv value or a config string carrying a 0xFF byte reached a JSON output;
// - every error message is valid UTF-8 of bounded length, cut at a character boundary.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace vramcalc {

struct JsonLimits {
    std::size_t max_bytes;
    int max_depth;  // arrays/objects inside one another; the top-level value is depth 1
};

// A Hugging Face config.json: real ones are 1-100 KB and nest at most 5 deep
// (quantization_config.config_groups.group_0.weights).
inline constexpr JsonLimits kConfigJsonLimits{1u << 20, 32};
// A scenario (CLI --scenario, the page's state): a config.json object sits one level inside it, and
// JSON escapes can make a 1 MiB config several times longer.
inline constexpr JsonLimits kScenarioJsonLimits{8u << 20, 64};
// The catalogs embedded at build time (core/data/*.json, 1-200 KB today).
inline constexpr JsonLimits kCatalogJsonLimits{16u << 20, 64};

enum class JsonError { None, TooLarge, TooDeep, Syntax };

struct JsonParse {
    nlohmann::json value;  // discarded (null) unless ok()
    JsonError error = JsonError::None;
    // "" when ok; otherwise one line of valid UTF-8 (~250 bytes at most) that reads after "<what> is ":
    // "not valid JSON: line 1, column 9: syntax error ...", "nested deeper than 32 levels",
    // "larger than the 1.0 MiB allowed (50.0 MiB)".
    std::string message;
    bool ok() const { return error == JsonError::None; }
};

// Parses `text` (comments allowed, as config.json files sometimes carry them). Never throws.
JsonParse parse_json(std::string_view text, const JsonLimits& limits);

// nlohmann's dump() that never throws: invalid UTF-8 in strings becomes U+FFFD. Only call it on
// values that came from parse_json or were built by our code (both nest within the limits above).
std::string dump_json(const nlohmann::json& value, int indent = -1);

bool is_valid_utf8(std::string_view text);
// `text` as valid UTF-8: each invalid byte becomes U+FFFD, and text longer than max_bytes is cut at a
// character boundary with "..." appended. For messages that quote what a user typed.
std::string clean_utf8(std::string_view text, std::size_t max_bytes = std::string::npos);

}  // namespace vramcalc
