#include <doctest/doctest.h>

#include <string>

#include "core/bounded_json.h"

using namespace vramcalc;

TEST_CASE("JSON nested past the limit is refused before anything recurses into it") {
    // A million nested arrays: nlohmann's parser is iterative, but dump(), copies and == recurse.
    const std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');
    const JsonParse p = parse_json(deep, {8u << 20, 32});
    CHECK(p.error == JsonError::TooDeep);
    CHECK(p.message == "nested deeper than 32 levels");
    CHECK(p.value.is_discarded());

    // Exactly at the limit is fine: 32 levels of arrays.
    const JsonParse at = parse_json(std::string(32, '[') + std::string(32, ']'), {1024, 32});
    CHECK(at.ok());
    CHECK(parse_json(std::string(33, '[') + std::string(33, ']'), {1024, 32}).error == JsonError::TooDeep);
    // Objects count as levels too.
    CHECK(parse_json(R"({"a":{"b":{"c":1}}})", {1024, 2}).error == JsonError::TooDeep);
    CHECK(parse_json(R"({"a":{"b":{"c":1}}})", {1024, 3}).ok());
}

TEST_CASE("brackets inside strings and comments do not count as nesting") {
    // The share-link guard before this scanned for quotes and brackets and was fooled by a comment
    // holding a quote: /*"*/ hid everything after it from the count.
    const std::string hidden = "{\"a\": 1 /*\"*/, \"b\": " + std::string(100, '[') + std::string(100, ']') + "}";
    CHECK(parse_json(hidden, kConfigJsonLimits).error == JsonError::TooDeep);
    const std::string in_strings = R"({"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "b": 1 /* [[[[[[[[[[[[ */})";
    const JsonParse p = parse_json(in_strings, {1024, 1});
    CHECK(p.ok());
    CHECK(p.value["b"] == 1);
}

TEST_CASE("JSON larger than the limit is refused by its size, unread") {
    const JsonParse p = parse_json(std::string(2u << 20, ' '), kConfigJsonLimits);
    CHECK(p.error == JsonError::TooLarge);
    CHECK(p.message == "larger than the 1.0 MiB allowed (2.0 MiB)");
}

TEST_CASE("a JSON syntax error names the place, without nlohmann's class name") {
    const JsonParse p = parse_json("{\"hidden_size\": 4096,", kConfigJsonLimits);
    CHECK(p.error == JsonError::Syntax);
    CHECK(p.message.rfind("not valid JSON: line 1, column ", 0) == 0);
    CHECK(p.message.find("unexpected end of input") != std::string::npos);
    CHECK(p.message.find("json.exception") == std::string::npos);
    // Comments are allowed (some config.json files carry them).
    CHECK(parse_json("// header\n{\"a\": 1 /* note */}", kConfigJsonLimits).ok());
}

TEST_CASE("a syntax error quoting invalid UTF-8 or a huge token stays short and valid UTF-8") {
    const JsonParse bad = parse_json("{\"name\": \"\xff\xfe\"}", kConfigJsonLimits);
    CHECK(bad.error == JsonError::Syntax);
    CHECK(is_valid_utf8(bad.message));
    // An unterminated 500 KB string: nlohmann quotes the whole token as "last read".
    const JsonParse huge = parse_json("{\"name\": \"" + std::string(500'000, 'x'), kConfigJsonLimits);
    CHECK(huge.error == JsonError::Syntax);
    CHECK(huge.message.size() <= 250);
}

TEST_CASE("dumping JSON never throws on invalid UTF-8: the bytes become U+FFFD") {
    nlohmann::json j = {{"error", std::string("model: unknown model '\xff\xfe'")}};
    std::string out;
    CHECK_NOTHROW(out = dump_json(j));
    CHECK(out == "{\"error\":\"model: unknown model '\xEF\xBF\xBD\xEF\xBF\xBD'\"}");
    CHECK(dump_json(nlohmann::json::array({1, 2}), 2) == "[\n  1,\n  2\n]");
}

TEST_CASE("UTF-8 is validated and cleaned, and cut only between characters") {
    CHECK(is_valid_utf8("plain ASCII"));
    CHECK(is_valid_utf8("Mon mod\xC3\xA8le \xE2\x80\x94 \xF0\x9F\x98\x80"));  // è, em dash, emoji
    CHECK(is_valid_utf8("\xEF\xBF\xBD"));                                     // U+FFFD itself
    CHECK_FALSE(is_valid_utf8("\xff"));
    CHECK_FALSE(is_valid_utf8("\xC3"));              // truncated two-byte sequence
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a UTF-16 surrogate
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    CHECK(clean_utf8("a\xff" "b") == "a\xEF\xBF\xBD" "b");
    CHECK(clean_utf8(std::string("a\0b", 3)) == std::string("a\0b", 3));  // control bytes are valid UTF-8
    // "ééééé" is 10 bytes; a 7-byte budget keeps 4 bytes (two é) and "...", never half an é.
    CHECK(clean_utf8("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 7) == "\xC3\xA9\xC3\xA9...");
    CHECK(clean_utf8("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 8) == "\xC3\xA9\xC3\xA9...");
    CHECK(clean_utf8("short", 7) == "short");
    // A character straddling the pre-cut of a long input does not leave a U+FFFD behind.
    const std::string long_text = std::string(10, 'a') + std::string(50, '\xC3') + "tail";
    CHECK(is_valid_utf8(clean_utf8(long_text, 12)));
}
