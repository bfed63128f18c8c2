// The pickers' search (core/search.h). Expected orders follow the rules in search.h, worked out by
// hand for the catalog entries named (core/data/models.json, gpus.json).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/catalog.h"
#include "core/formats.h"
#include "core/search.h"

using namespace vramcalc;

namespace {

// Catalog GPU ids matching `query`, best first (ties keep catalog order, as the picker does).
std::vector<std::string> ranked_gpus(const std::string& query) {
    std::vector<std::pair<int, std::string>> hits;
    for (const Gpu& g : gpu_catalog())
        if (const int s = search_score(gpu_search_text(g), query); s >= 0) hits.emplace_back(s, g.id);
    std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> ids;
    for (const auto& h : hits) ids.push_back(h.second);
    return ids;
}

int model_score(const std::string& id, const std::string& query) {
    const ModelInfo* m = find_model(id);
    REQUIRE(m != nullptr);
    return search_score(model_search_text(*m), query);
}

}  // namespace

TEST_CASE("search words split where letters turn into digits and at punctuation") {
    CHECK(search_words("Qwen2.5-7B-Instruct") == std::vector<std::string>{"qwen", "2", "5", "7b", "instruct"});
    CHECK(search_words("  RTX 3090 Ti ") == std::vector<std::string>{"rtx", "3090", "ti"});
    CHECK(search_words("gemma-3n-e4b") == std::vector<std::string>{"gemma", "3n", "e", "4b"});
}

TEST_CASE("an exact GPU name outranks a longer one") {
    // "3090": the RTX 3090 leaves {nvidia, geforce, rtx} of its name unmatched, the 3090 Ti one more
    for (const char* q : {"3090", "rtx 3090", "RTX 3090", "rtx-3090"}) {
        const auto ids = ranked_gpus(q);
        REQUIRE(ids.size() >= 2);
        CHECK_MESSAGE(ids[0] == "rtx-3090", q);
        CHECK_MESSAGE(ids[1] == "rtx-3090-ti", q);
    }
    CHECK(ranked_gpus("3090 ti").front() == "rtx-3090-ti");
    CHECK(ranked_gpus("h100").size() == 3);  // PCIe, SXM, NVL
}

TEST_CASE("a half-typed number finds what it starts") {
    const auto ids = ranked_gpus("309");  // typing on the way to 3090
    CHECK(std::find(ids.begin(), ids.end(), "rtx-3090") != ids.end());
    CHECK(std::find(ids.begin(), ids.end(), "rtx-3090-ti") != ids.end());
    // a finished word (a space after it) is a whole number: 309 is no GPU
    CHECK(ranked_gpus("309 ").empty());
}

TEST_CASE("gemma 4 finds the Gemma 4 family, not Gemma 2") {
    CHECK(model_score("gemma-2-2b-it", "gemma 4") < 0);  // its "GQA 8/4" is no name word
    CHECK(model_score("gemma-2-9b-it", "gemma 4") < 0);
    const int gemma4 = model_score("gemma-4-31b-it", "gemma 4");
    CHECK(gemma4 >= 0);
    // Gemma 3 4B matches ("4b") but ranks below the family whose name is the query
    CHECK(model_score("gemma-3-4b-it", "gemma 4") < gemma4);
}

TEST_CASE("models are found by Hugging Face id and family") {
    CHECK(model_score("mistral-small-24b-instruct-2501", "mistralai/Mistral-Small-24B") >= 0);
    CHECK(model_score("mistral-small-24b-instruct-2501", "mistr sma") >= 0);
    CHECK(model_score("mistral-small-24b-instruct-2501", "llama") < 0);
    CHECK(model_score("mistral-small-24b-instruct-2501", "") == 0);
}

TEST_CASE("weight formats are found by name, id and group") {
    const auto awq = find_weight_format("awq");
    const auto q4 = find_weight_format("gguf-q4_k_m");
    REQUIRE(awq);
    REQUIRE(q4);
    CHECK(search_score(weight_format_search_text(*awq), "awq") >= 0);
    CHECK(search_score(weight_format_search_text(*q4), "q4_k") >= 0);
    CHECK(search_score(weight_format_search_text(*q4), "gguf") >= 0);
    CHECK(search_score(weight_format_search_text(*awq), "gguf") < 0);
}
