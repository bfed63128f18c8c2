// Shared by the config.json section readers (core/config/read_*.cpp): field access over the language
// model's config with the top-level config as fallback, and the documented range of every field
// (docs/config-fields.md) checked before a value is used. Internal to the parser.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "../architecture.h"

namespace vramcalc::config {

using nlohmann::json;

// The accepted range of an integer config field. A value outside it is an error naming the field
// and the range, so a hostile config never reaches arithmetic that could overflow.
struct FieldRange {
    const char* name;
    std::int64_t min;
    std::int64_t max;
};

// nullptr when the field has no entry (then only "fits in 2^53" is checked).
const FieldRange* field_range(std::string_view name);
const std::vector<FieldRange>& field_ranges();

std::string lower(std::string s);
std::string fmt_num(double v);
bool one_of(const std::string& s, std::initializer_list<const char*> list);

struct Reader {
    const json& top;
    const json& text;
    std::string error;
    std::vector<std::string>& warnings;

    const json* find(std::initializer_list<const char*> names, bool top_fallback = true) const;
    // The name under which find() found the value (the first name when absent).
    const char* found_name(std::initializer_list<const char*> names, bool top_fallback = true) const;
    void fail(const std::string& msg) {
        if (error.empty()) error = msg;
    }
    bool ok() const { return error.empty(); }
    void warn(std::string msg) { warnings.push_back(std::move(msg)); }

    // An integer field; absent -> nullopt. Present but not a whole number, or outside its documented
    // range (field_range of the name found) -> error naming the field, and nullopt.
    std::optional<std::int64_t> integer(std::initializer_list<const char*> names, bool top_fallback = true);
    // Like integer(), but a malformed value is ignored (warned about) rather than fatal: optional knobs.
    std::optional<std::int64_t> soft_integer(std::initializer_list<const char*> names, bool top_fallback = true);
    std::optional<double> number(std::initializer_list<const char*> names, bool top_fallback = true) const;
    std::optional<bool> boolean(std::initializer_list<const char*> names, bool top_fallback = true) const;
    std::string str(std::initializer_list<const char*> names, bool top_fallback = true) const;
};

// Checks a value computed or defaulted by the parser against the named field's range.
bool check_range(Reader& r, const char* name, std::int64_t v);

}  // namespace vramcalc::config
