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

namespace {

// Each entry of `catalog`, found in `text` and parsed alone by `parse`, equals the whole catalog's.
template <class T, class Parse>
void check_each_entry_alone(const std::vector<T>& catalog, std::string_view text, Parse parse) {
    for (const T& whole : catalog) {
        CAPTURE(whole.id);
        const std::string_view entry = catalog_entry_text(text, whole.id);
        REQUIRE(!entry.empty());
        const std::vector<T> one = parse("[" + std::string(entry) + "]", nullptr);
        REQUIRE(one.size() == 1);
        CHECK(one.front() == whole);
    }
}

}  // namespace

TEST_CASE("every catalog model and GPU parsed alone equals the whole catalog's") {
    check_each_entry_alone(model_catalog(), embedded_models_json(), parse_model_catalog);
    check_each_entry_alone(gpu_catalog(), embedded_gpus_json(), parse_gpu_catalog);
}
