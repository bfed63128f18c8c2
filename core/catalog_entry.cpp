#include "catalog_entry.h"

namespace vramcalc {

namespace {

constexpr std::size_t kNone = std::string_view::npos;

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::size_t skip_space(std::string_view t, std::size_t i) {
    while (i < t.size() && is_space(t[i])) ++i;
    return i;
}

// The index just past the closing quote of the string opening at t[i], or kNone when it never closes.
std::size_t string_end(std::string_view t, std::size_t i) {
    for (std::size_t j = i + 1; j < t.size(); ++j) {
        if (t[j] == '\\') ++j;
        else if (t[j] == '"') return j + 1;
    }
    return kNone;
}

}  // namespace

std::string_view catalog_entry_text(std::string_view t, std::string_view id) {
    int depth = 0;                    // 1 inside the array, 2 inside one of its objects
    std::size_t entry = kNone;        // where the current top-level object opened
    bool matches = false;
    std::size_t i = skip_space(t, 0);
    if (i >= t.size() || t[i] != '[') return {};
    while (i < t.size()) {
        const char c = t[i];
        if (c == '"') {
            const std::size_t end = string_end(t, i);
            if (end == kNone) return {};
            // A member name of the entry itself: "id", then ':' and a string value.
            if (depth == 2 && t.substr(i, end - i) == "\"id\"") {
                const std::size_t colon = skip_space(t, end);
                if (colon < t.size() && t[colon] == ':') {
                    const std::size_t v = skip_space(t, colon + 1);
                    if (v < t.size() && t[v] == '"') {
                        const std::size_t v_end = string_end(t, v);
                        if (v_end == kNone) return {};
                        if (t.substr(v + 1, v_end - v - 2) == id) matches = true;
                    }
                }
            }
            i = end;
            continue;
        }
        if (c == '{' || c == '[') {
            ++depth;
            if (depth == 2) {
                entry = c == '{' ? i : kNone;
                matches = false;
            }
        } else if (c == '}' || c == ']') {
            if (depth == 2 && matches && entry != kNone) return t.substr(entry, i + 1 - entry);
            if (--depth <= 0) return {};
        }
        ++i;
    }
    return {};
}

}  // namespace vramcalc
