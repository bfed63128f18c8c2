// One entry of a catalog's JSON text, found without parsing the rest: the page's first frame needs
// one model and one GPU, and parsing the whole catalog first took most of its start-up.
#pragma once
#include <string_view>

namespace vramcalc {

// The text of the first top-level object of a JSON array whose own "id" member is the string `id`
// (compared as written, no escapes), or "" when there is none or the text is not a closed array.
// Strings are skipped whole, so braces and "id" inside them, or deeper objects' "id"s, never match.
std::string_view catalog_entry_text(std::string_view array_text, std::string_view id);

}  // namespace vramcalc
