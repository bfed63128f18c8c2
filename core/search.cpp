#include "search.h"

#include <algorithm>
#include <cctype>

#include "text.h"

namespace vramcalc {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool all_digits(const std::string& w) { return !w.empty() && std::all_of(w.begin(), w.end(), is_digit); }

// The number a word starts with ("4b" -> "4", "3090" -> "3090", "gemma" -> "").
std::string leading_number(const std::string& w) {
    std::size_t n = 0;
    while (n < w.size() && is_digit(w[n])) ++n;
    return w.substr(0, n);
}

enum class Match { None, Partial, Whole };

Match word_match(const std::string& query_word, const std::string& word, bool numbers, bool typing) {
    if (all_digits(query_word)) {
        if (!numbers) return Match::None;
        const std::string lead = leading_number(word);
        if (lead == query_word) return word == query_word ? Match::Whole : Match::Partial;
        return typing && lead.rfind(query_word, 0) == 0 ? Match::Partial : Match::None;
    }
    if (word == query_word) return Match::Whole;
    if (word.rfind(query_word, 0) == 0) return Match::Partial;
    // "llama" inside "tinyllama": a longer typed word may sit inside a word
    return query_word.size() >= 4 && word.find(query_word) != std::string::npos ? Match::Partial : Match::None;
}

// The best match of one query word over a list of texts.
Match best_match(const std::string& query_word, const std::vector<std::vector<std::string>>& texts, bool numbers, bool typing) {
    Match best = Match::None;
    for (const auto& words : texts)
        for (const auto& w : words) best = std::max(best, word_match(query_word, w, numbers, typing));
    return best;
}

std::vector<std::vector<std::string>> split_all(const std::vector<std::string>& texts) {
    std::vector<std::vector<std::string>> out;
    for (const auto& t : texts) out.push_back(search_words(t));
    return out;
}

}  // namespace

std::vector<std::string> search_words(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] { if (!cur.empty()) out.push_back(cur); cur.clear(); };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (!is_alnum(c)) { flush(); continue; }
        // letters then digits start a new word ("qwen2" -> qwen 2); digits then letters stay ("7b")
        if (!cur.empty() && is_digit(c) && !is_digit(cur.back())) flush();
        cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    flush();
    return out;
}

int search_score(const SearchText& entry, std::string_view query) {
    const std::vector<std::string> words = search_words(query);
    if (words.empty()) return 0;
    const bool typing = !query.empty() && is_alnum(query.back());  // the last word may be unfinished
    const auto primary = split_all(entry.primary);
    const auto secondary = split_all(entry.secondary);
    int whole = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const bool last = typing && i + 1 == words.size();
        Match m = best_match(words[i], primary, true, last);
        if (m == Match::None) m = best_match(words[i], secondary, false, last);
        if (m == Match::None) return -1;
        whole += m == Match::Whole ? 1 : 0;
    }
    // How much of the shown name the query leaves unexplained: "3090" leaves {nvidia, geforce, rtx}
    // of the RTX 3090 and one more word ("ti") of the RTX 3090 Ti.
    int unmatched = 0;
    for (const auto& w : search_words(entry.name)) {
        bool hit = false;
        for (const auto& q : words) hit = hit || word_match(q, w, true, true) != Match::None;
        unmatched += hit ? 0 : 1;
    }
    // The query is the whole name, an alias or an id: first of all.
    std::string joined;
    for (const auto& q : words) joined += (joined.empty() ? "" : " ") + q;
    bool exact = false;
    for (const auto& words_of : primary) {
        std::string t;
        for (const auto& w : words_of) t += (t.empty() ? "" : " ") + w;
        exact = exact || t == joined;
    }
    return (exact ? 10000 : 0) + whole * 100 + std::max(0, 99 - unmatched);
}

SearchText model_search_text(const ModelInfo& m) {
    SearchText t;
    t.name = m.name;
    t.primary = {m.name, m.id, m.hf_id, m.family};
    for (const auto& a : m.aliases) t.primary.push_back(a);
    t.secondary = {m.license, m.modality};
    const Architecture& a = m.arch;
    if (a.is_mla()) t.secondary.push_back("MLA");
    else if (a.num_kv_heads == a.num_heads) t.secondary.push_back("MHA");
    else if (a.num_kv_heads == 1) t.secondary.push_back("MQA");
    else t.secondary.push_back("GQA");
    if (a.is_moe()) t.secondary.push_back("MoE mixture of experts");
    return t;
}

SearchText gpu_search_text(const Gpu& g) {
    SearchText t;
    t.name = g.name;
    // "80GB": a memory size is searched by its number ("48" finds the 48 GB cards)
    t.primary = {g.name, g.id, format_fixed(g.memory_marketed, 0) + " " + g.memory_unit};
    t.secondary = {g.vendor, g.segment};
    return t;
}

SearchText weight_format_search_text(const WeightFormat& f) {
    SearchText t;
    t.name = f.name;
    t.primary = {f.name, f.id, format_fixed(f.bits_per_weight, 0) + " bit"};
    t.secondary = {f.kind};
    if (f.kind == "bnb") t.secondary.push_back("bitsandbytes");
    if (f.kind == "float") t.secondary.push_back("float unquantized");
    if (f.kind == "int") t.secondary.push_back("integer");
    return t;
}

}  // namespace vramcalc
