// Type-ahead search for the pickers (models, GPUs, weight formats): which entries a typed filter
// matches and in what order, the way a search box on the web behaves. Plain text logic, no UI.
//   - Every word of the query must match a word of the entry (as a prefix: "mistr" finds Mistral).
//   - A number matches a whole number ("4" finds "Gemma 4" and "4B", never "GQA 8/4" or "4090"),
//     except the last word while it is being typed, which may be a digit prefix ("309" -> 3090).
//   - Among matches, the entry whose name the query covers best ranks first: "3090" and "rtx 3090"
//     put the RTX 3090 above the RTX 3090 Ti (fewer name words left unmatched).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "architecture.h"
#include "format_types.h"
#include "gpu.h"

namespace vramcalc {

struct SearchText {
    std::string name;                    // what the picker shows; ranking measures how much of it the query covers
    std::vector<std::string> primary;    // name, ids, family, aliases: numbers match here
    std::vector<std::string> secondary;  // licence, architecture kind, vendor words: words only, no numbers
};

SearchText model_search_text(const ModelInfo& m);
SearchText gpu_search_text(const Gpu& g);
SearchText weight_format_search_text(const WeightFormat& f);

// -1 when the query does not match; otherwise a score, higher is better. An empty query matches
// everything with score 0.
int search_score(const SearchText& entry, std::string_view query);

// Lower-case words of text: letters and digits, split at other characters and where letters turn
// into digits ("qwen2.5-7b" -> qwen, 2, 5, 7b).
std::vector<std::string> search_words(std::string_view text);

}  // namespace vramcalc
