// The safetensors header and index readers against headers written from the format's README, and
// hostile headers.
#include <doctest/doctest.h>

#include <string>

#include "core/safetensors_file.h"
#include "model_file_writer.h"

using namespace vramcalc;
using namespace vramcalc::test;

TEST_CASE("A safetensors header gives every tensor's dtype, shape and exact bytes") {
    std::uint64_t size = 0;
    const ByteVec h = safetensors_header({{"model.embed_tokens.weight", "BF16", {1000, 64}},
                                          {"model.layers.0.self_attn.q_proj.weight", "F8_E4M3", {64, 64}},
                                          {"model.layers.0.self_attn.q_proj.weight_scale", "F32", {1}},
                                          {"model.layers.0.mlp.experts.0.up_proj.weight_packed", "U8", {32, 32}},
                                          {"model.layers.0.mlp.experts.0.up_proj.weight_fp4", "F4", {64, 32}},
                                          {"lm_head.weight", "F16", {1000, 64}}},
                                         size, {{"format", "pt"}});
    const SafetensorsParse p = parse_safetensors_header(h, size);
    REQUIRE(p.status == ParseStatus::Ok);
    REQUIRE(p.header.tensors.size() == 6);
    CHECK(p.header.header_bytes + 8 == h.size());
    CHECK(p.header.header_bytes % 8 == 0);
    CHECK(p.header.metadata.size() == 1);
    // In data order: embedding 1000 x 64 x 2 B = 128000, q_proj 64 x 64 x 1 = 4096, scale 4,
    // 32 x 32 U8 = 1024, 64 x 32 F4 = 2048 x 4 bits = 1024, lm_head 128000.
    CHECK(p.header.tensors[0].bytes() == 128000);
    CHECK(p.header.tensors[1].bytes() == 4096);
    CHECK(p.header.tensors[2].bytes() == 4);
    CHECK(p.header.tensors[3].bytes() == 1024);
    CHECK(p.header.tensors[4].bytes() == 1024);
    CHECK(p.header.tensors[4].dtype == "F4");
    CHECK(p.header.tensors[5].name == "lm_head.weight");
    CHECK(p.header.data_bytes == 128000 + 4096 + 4 + 1024 + 1024 + 128000);
}

TEST_CASE("safetensors dtypes have the crate's bit sizes") {
    CHECK(safetensors_dtype_bits("F64") == 64);
    CHECK(safetensors_dtype_bits("C64") == 64);
    CHECK(safetensors_dtype_bits("BF16") == 16);
    CHECK(safetensors_dtype_bits("F8_E8M0") == 8);
    CHECK(safetensors_dtype_bits("F8_E4M3FNUZ") == 8);
    CHECK(safetensors_dtype_bits("F6_E3M2") == 6);
    CHECK(safetensors_dtype_bits("F4") == 4);
    CHECK(safetensors_dtype_bits("BOOL") == 8);
    CHECK(safetensors_dtype_bits("Q4") == 0);
}

TEST_CASE("A safetensors prefix shorter than its header asks for 8 + N bytes, a cut file is refused") {
    std::uint64_t size = 0;
    const ByteVec h = safetensors_header({{"a", "F32", {4}}, {"b", "BF16", {8, 8}}}, size);
    for (std::size_t cut = 0; cut < h.size(); ++cut) {
        const ByteVec prefix(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(cut));
        CAPTURE(cut);
        const SafetensorsParse part = parse_safetensors_header(prefix, size);
        REQUIRE(part.status == ParseStatus::NeedMore);
        CHECK(part.bytes_needed == (cut < 8 ? 8 : h.size()));
        CHECK(parse_safetensors_header(prefix, prefix.size()).status == ParseStatus::Error);
    }
    const SafetensorsParse short_data = parse_safetensors_header(h, size - 1);
    CHECK(short_data.error.find("truncated") != std::string::npos);
    const SafetensorsParse extra = parse_safetensors_header(h, size + 5);
    CHECK(extra.error.find("after its last tensor") != std::string::npos);
}

TEST_CASE("Hostile safetensors headers are refused with a message") {
    auto refused = [](const std::string& json_text, const std::string& words) {
        const ByteVec h = safetensors_raw(json_text);
        const SafetensorsParse p = parse_safetensors_header(h, h.size() + 16);
        CAPTURE(json_text);
        CAPTURE(p.error);
        CHECK(p.status == ParseStatus::Error);
        CHECK(p.error.find(words) != std::string::npos);
    };
    refused(R"(["a"])", "start with '{'");
    refused(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16])", "valid JSON");
    refused(R"({"a": {"dtype": "Q4", "shape": [4], "data_offsets": [0, 16]}})", "unknown dtype");
    refused(R"({"a": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}})", "non-negative");
    refused(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [16, 0]}})", "begin <= end");
    refused(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}})", "span 8 bytes");
    refused(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}})",
            "expected 16");
    refused(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [4, 20]}})", "expected 0");
    refused(R"({"a": {"dtype": "F4", "shape": [3], "data_offsets": [0, 1]}})", "whole bytes");
    refused(R"({"a": {"dtype": "F32", "shape": [4294967296, 4294967296, 4294967296], "data_offsets": [0, 16]}})", "too large");
    refused(R"({"__metadata__": {"format": 1}})", "not a string");
    refused(R"({"a": {"dtype": "F32", "shape": 4, "data_offsets": [0, 16]}})", "shape");
    refused("{\"a\":" + std::string(50, '[') + std::string(50, ']') + "}", "nests deeper");
    // A length past safetensors' 100 MB limit is refused before anything is read or allocated.
    ByteVec huge = {0, 0, 0, 0, 0, 0, 0, 1};  // 2^56
    const SafetensorsParse p = parse_safetensors_header(huge, 1ull << 60);
    CHECK(p.error.find("100 MB") != std::string::npos);
}

TEST_CASE("model.safetensors.index.json lists the shards in order") {
    const auto ip = parse_safetensors_index(R"({"metadata": {"total_size": 16060522496},
        "weight_map": {"lm_head.weight": "model-00002-of-00002.safetensors",
                       "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
                       "model.norm.weight": "model-00002-of-00002.safetensors"}})");
    REQUIRE(ip.ok);
    CHECK(ip.index.weight_map.size() == 3);
    REQUIRE(ip.index.shards.size() == 2);
    CHECK(ip.index.total_size == 16060522496ull);
    CHECK_FALSE(parse_safetensors_index(R"({"metadata": {}})").ok);
    CHECK_FALSE(parse_safetensors_index(R"({"weight_map": {"a": 3}})").ok);
    CHECK_FALSE(parse_safetensors_index("not json").ok);
}
