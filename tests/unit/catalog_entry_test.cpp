// One catalog entry found in the JSON text without parsing the rest (core/catalog_entry.h), and the
// lookups that use it before the whole catalog is parsed: they must give exactly the entry the whole
// catalog gives.
#include <doctest/doctest.h>

#include <string>

#include "core/catalog.h"
#include "core/catalog_entry.h"
#include "core/data/embedded.h"

using namespace vramcalc;

TEST_CASE("catalog_entry_text: the entry's own id, whole, strings skipped") {
    const std::string text = R"([ {"id": "a", "x": {"id": "b"}},
        {"name": "has } and { and \"id\": \"c\" inside", "id": "b", "list": [{"id": "a"}]},
        ["id", "c"], {"id":"c"} ])";
    CHECK(catalog_entry_text(text, "a") == R"({"id": "a", "x": {"id": "b"}})");
    // "b" as a deeper object's id (the first entry) does not count; the second entry's own id does.
    CHECK(catalog_entry_text(text, "b") ==
          R"({"name": "has } and { and \"id\": \"c\" inside", "id": "b", "list": [{"id": "a"}]})");
    CHECK(catalog_entry_text(text, "c") == R"({"id":"c"})");  // not the string "c" in a bare array
    CHECK(catalog_entry_text(text, "d").empty());
    CHECK(catalog_entry_text(text, "").empty());
}

TEST_CASE("catalog_entry_text: broken or odd text finds nothing") {
    CHECK(catalog_entry_text("", "a").empty());
    CHECK(catalog_entry_text(R"({"id": "a"})", "a").empty());          // an object, not an array
    CHECK(catalog_entry_text(R"([{"id": "a")", "a").empty());          // never closes
    CHECK(catalog_entry_text(R"([{"id": "a\"}])", "a").empty());       // the string never closes
    CHECK(catalog_entry_text(R"([{"id": 7}, {"id": "7"}])", "7") == R"({"id": "7"})");
    CHECK(catalog_entry_text(R"([{"id" : "a" , "n": 1}])", "a") == R"({"id" : "a" , "n": 1})");
    CHECK(catalog_entry_text(R"([{"id": "a"}] trailing)", "a") == R"({"id": "a"})");
    CHECK(catalog_entry_text("[{\"id\": \"a\\\\\"}]", "a\\\\") == "{\"id\": \"a\\\\\"}");  // id a\ (escaped)
}

TEST_CASE("every catalog model and GPU parsed alone equals the whole catalog's") {
    for (const ModelInfo& m : model_catalog()) {
        CAPTURE(m.id);
        const std::string_view entry = catalog_entry_text(embedded_models_json(), m.id);
        REQUIRE(!entry.empty());
        const std::vector<ModelInfo> one = parse_model_catalog("[" + std::string(entry) + "]", nullptr);
        REQUIRE(one.size() == 1);
        CHECK(one.front() == m);
    }
    for (const Gpu& g : gpu_catalog()) {
        CAPTURE(g.id);
        const std::string_view entry = catalog_entry_text(embedded_gpus_json(), g.id);
        REQUIRE(!entry.empty());
        const std::vector<Gpu> one = parse_gpu_catalog("[" + std::string(entry) + "]", nullptr);
        REQUIRE(one.size() == 1);
        CHECK(one.front() == g);
    }
}
