// How deeply a JSON text nests, counted without parsing it: refuse absurd nesting (a hostile file,
// a pasted link) before handing the text to a parser.
#pragma once
#include <algorithm>
#include <string_view>

namespace vramcalc {

inline int json_depth(std::string_view t) {
    int depth = 0, max_depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            max_depth = std::max(max_depth, ++depth);
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return max_depth;
}

}  // namespace vramcalc
