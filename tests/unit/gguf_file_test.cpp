// The GGUF header reader against files written by the test writer (model_file_writer.h), and hostile
// headers: every refusal names what is wrong, nothing is allocated from an unchecked count.
#include <doctest/doctest.h>

#include <string>

#include "core/gguf_file.h"
#include "model_file_writer.h"

using namespace vramcalc;
using namespace vramcalc::test;

namespace {

GgufParse parse(const ByteVec& bytes, std::uint64_t file_size) { return parse_gguf_header(bytes, file_size); }

// A small llama-style file: 2 layers, hidden 256, a 6-token vocabulary.
GgufWriter tiny_llama() {
    GgufWriter w;
    w.str("general.architecture", "llama");
    w.str("general.name", "tiny");
    w.u32("general.file_type", 15);  // LLAMA_FTYPE_MOSTLY_Q4_K_M
    w.u32("llama.block_count", 2);
    w.u32("llama.context_length", 4096);
    w.u32("llama.embedding_length", 256);
    w.u32("llama.feed_forward_length", 512);
    w.u32("llama.attention.head_count", 4);
    w.u32("llama.attention.head_count_kv", 2);
    w.f32("llama.rope.freq_base", 10000.0f);
    w.strings("tokenizer.ggml.tokens", {"<s>", "</s>", "a", "b", "c", "d"});
    w.tensor("token_embd.weight", kQ4_K, {256, 6});
    for (int l = 0; l < 2; ++l) {
        const std::string b = "blk." + std::to_string(l) + ".";
        w.tensor(b + "attn_norm.weight", kF32, {256});
        w.tensor(b + "attn_q.weight", kQ4_K, {256, 256});
        w.tensor(b + "attn_k.weight", kQ4_K, {256, 128});
        w.tensor(b + "attn_v.weight", kQ6_K, {256, 128});
        w.tensor(b + "attn_output.weight", kQ4_K, {256, 256});
        w.tensor(b + "ffn_norm.weight", kF32, {256});
        w.tensor(b + "ffn_gate.weight", kQ4_K, {256, 512});
        w.tensor(b + "ffn_up.weight", kQ4_K, {256, 512});
        w.tensor(b + "ffn_down.weight", kQ6_K, {512, 256});
    }
    w.tensor("output_norm.weight", kF32, {256});
    w.tensor("output.weight", kQ6_K, {256, 6});
    return w;
}

}  // namespace

TEST_CASE("A GGUF header parses to its metadata and every tensor's type, shape and offset") {
    const GgufWriter w = tiny_llama();
    const ByteVec h = w.header();
    const GgufParse p = parse(h, w.file_size());
    REQUIRE(p.status == ParseStatus::Ok);
    CHECK(p.header.version == 3);
    CHECK(p.header.alignment == 32);
    CHECK(p.header.text("general.architecture") == "llama");
    CHECK(p.header.integer("llama.block_count") == 2);
    CHECK(p.header.find("llama.rope.freq_base")->number == doctest::Approx(10000.0));
    const GgufValue* toks = p.header.find("tokenizer.ggml.tokens");
    REQUIRE(toks);
    CHECK(toks->is_array);
    CHECK(toks->count == 6);
    REQUIRE(p.header.tensors.size() == 21);
    const GgufTensorInfo& q = p.header.tensors[2];  // blk.0.attn_q.weight
    CHECK(q.name == "blk.0.attn_q.weight");
    CHECK(q.type == GgmlType::Q4_K);
    CHECK(q.ne[0] == 256);
    CHECK(q.ne[1] == 256);
    CHECK(q.bytes == 256 * 144);  // 256 rows x 1 block of 256 x 144 bytes
    // token_embd: 6 rows x 144 = 864 bytes, a multiple of the 32-byte alignment: attn_norm follows at 864.
    CHECK(p.header.tensors[1].offset == 864);
    CHECK(p.header.data_offset == h.size());
    CHECK(p.header.data_offset % 32 == 0);
}

TEST_CASE("Every ggml type has ggml's block size and bytes, under ggml's own type id") {
    // ggml/src/ggml-common.h block structs (sizes written out by hand from the struct members).
    struct Row { std::uint32_t id; const char* name; int block; int bytes; };
    const Row rows[] = {
        {0, "f32", 1, 4}, {1, "f16", 1, 2}, {2, "q4_0", 32, 2 + 16}, {3, "q4_1", 32, 2 + 2 + 16}, {6, "q5_0", 32, 2 + 4 + 16},
        {7, "q5_1", 32, 2 + 2 + 4 + 16}, {8, "q8_0", 32, 2 + 32}, {9, "q8_1", 32, 2 + 2 + 32}, {10, "q2_K", 256, 16 + 64 + 2 + 2},
        {11, "q3_K", 256, 32 + 64 + 12 + 2}, {12, "q4_K", 256, 2 + 2 + 12 + 128}, {13, "q5_K", 256, 2 + 2 + 12 + 32 + 128},
        {14, "q6_K", 256, 128 + 64 + 16 + 2}, {15, "q8_K", 256, 4 + 256 + 32}, {16, "iq2_xxs", 256, 2 + 64},
        {17, "iq2_xs", 256, 2 + 64 + 8}, {18, "iq3_xxs", 256, 2 + 96}, {19, "iq1_s", 256, 2 + 32 + 16}, {20, "iq4_nl", 32, 2 + 16},
        {21, "iq3_s", 256, 2 + 64 + 8 + 32 + 4}, {22, "iq2_s", 256, 2 + 64 + 8 + 8}, {23, "iq4_xs", 256, 2 + 2 + 4 + 128},
        {24, "i8", 1, 1}, {25, "i16", 1, 2}, {26, "i32", 1, 4}, {27, "i64", 1, 8}, {28, "f64", 1, 8},
        {29, "iq1_m", 256, 32 + 16 + 8}, {30, "bf16", 1, 2}, {34, "tq1_0", 256, 48 + 4 + 2}, {35, "tq2_0", 256, 64 + 2},
        {39, "mxfp4", 32, 1 + 16}, {40, "nvfp4", 64, 4 + 32}, {41, "q1_0", 128, 2 + 16}, {42, "q2_0", 64, 2 + 16},
    };
    for (const Row& r : rows) {
        CAPTURE(r.name);
        const auto t = ggml_type_from_id(r.id);
        REQUIRE(t);
        CHECK(static_cast<std::uint32_t>(*t) == r.id);
        CHECK(std::string(ggml_type_info(*t).name) == r.name);
        CHECK(ggml_type_info(*t).block == r.block);
        CHECK(ggml_type_info(*t).block_bytes == r.bytes);
    }
    // Removed from ggml (Q4_2, Q4_3, the Q4_0_4_x and IQ4_NL_4_x repacks) and past GGML_TYPE_COUNT (43).
    for (std::uint32_t removed : {4u, 5u, 31u, 32u, 33u, 36u, 37u, 38u, 43u, 1000u}) CHECK_FALSE(ggml_type_from_id(removed));
}

TEST_CASE("Every tensor type a GGUF of the catalog's formats holds reads back with its row size") {
    // One 2-D tensor of 512 x 3 per type; bytes = 512 / block x block bytes x 3 rows (hand table).
    struct Row { std::uint32_t id; std::uint64_t bytes; };
    const Row rows[] = {
        {kF32, 512 * 4 * 3}, {kF16, 512 * 2 * 3}, {kBF16, 512 * 2 * 3}, {kQ8_0, 16 * 34 * 3}, {kQ6_K, 2 * 210 * 3},
        {kQ5_K, 2 * 176 * 3}, {kQ5_0, 16 * 22 * 3}, {kQ5_1, 16 * 24 * 3}, {kQ4_K, 2 * 144 * 3}, {kQ4_0, 16 * 18 * 3},
        {kQ4_1, 16 * 20 * 3}, {kQ3_K, 2 * 110 * 3}, {kQ2_K, 2 * 84 * 3}, {kIQ4_XS, 2 * 136 * 3}, {kIQ4_NL, 16 * 18 * 3},
        {kIQ3_S, 2 * 110 * 3}, {kIQ3_XXS, 2 * 98 * 3}, {kIQ2_S, 2 * 82 * 3}, {kIQ2_XS, 2 * 74 * 3}, {kIQ2_XXS, 2 * 66 * 3},
        {kIQ1_M, 2 * 56 * 3}, {kIQ1_S, 2 * 50 * 3}, {kTQ1_0, 2 * 54 * 3}, {kTQ2_0, 2 * 66 * 3}, {kMXFP4, 16 * 17 * 3},
    };
    GgufWriter w;
    w.str("general.architecture", "llama");
    for (const Row& r : rows) w.tensor("t" + std::to_string(r.id), r.id, {512, 3});
    const GgufParse p = parse(w.header(), w.file_size());
    REQUIRE(p.status == ParseStatus::Ok);
    REQUIRE(p.header.tensors.size() == std::size(rows));
    for (std::size_t i = 0; i < std::size(rows); ++i) {
        CAPTURE(rows[i].id);
        CHECK(p.header.tensors[i].bytes == rows[i].bytes);
    }
}

TEST_CASE("A big-endian GGUF and odd alignments are refused with a message") {
    GgufWriter be = tiny_llama();
    be.big_endian = true;
    GgufParse p = parse(be.header(), be.file_size());
    CHECK(p.status == ParseStatus::Error);
    CHECK(p.error.find("big-endian") != std::string::npos);

    for (std::uint32_t bad : {0u, 3u, 48u, 100u}) {
        GgufWriter w = tiny_llama();
        w.u32("general.alignment", bad);
        p = parse(w.header(), w.file_size());
        CAPTURE(bad);
        CHECK(p.status == ParseStatus::Error);
        CHECK(p.error.find("power of two") != std::string::npos);
    }
    GgufWriter wrong_type = tiny_llama();
    wrong_type.u64("general.alignment", 64);
    p = parse(wrong_type.header(), wrong_type.file_size());
    CHECK(p.error.find("UINT32") != std::string::npos);

    GgufWriter ok = tiny_llama();
    ok.u32("general.alignment", 64);
    ok.alignment = 64;
    p = parse(ok.header(), ok.file_size());
    REQUIRE(p.status == ParseStatus::Ok);
    CHECK(p.header.alignment == 64);
    CHECK(p.header.tensors[1].offset == 896);  // 864 bytes padded to a multiple of 64

    for (std::uint32_t v : {0u, 1u, 4u}) {
        GgufWriter w = tiny_llama();
        w.version = v;
        CAPTURE(v);
        CHECK(parse(w.header(), w.file_size()).status == ParseStatus::Error);
    }
}

TEST_CASE("Hostile GGUF headers are refused before anything is allocated for them") {
    auto refused = [](const GgufWriter& w, const std::string& words) {
        const GgufParse p = parse_gguf_header(w.header(), w.file_size());
        CAPTURE(words);
        CAPTURE(p.error);
        CHECK(p.status == ParseStatus::Error);
        CHECK(p.error.find(words) != std::string::npos);
    };
    {
        GgufWriter w = tiny_llama();
        w.tensor_count_override = 1ll << 62;  // far past kGgufMaxTensors
        refused(w, "tensor count");
    }
    {
        GgufWriter w = tiny_llama();
        w.tensor_count_override = 900'000;    // within the limit, but 900k x 24 bytes is not in the file
        refused(w, "cannot fit");
    }
    {
        GgufWriter w = tiny_llama();
        w.kv_count_override = -1 - (1ll << 40);
        refused(w, "key-value count");
    }
    {
        GgufWriter w;  // a string whose length runs past the end of the file
        ByteVec v;
        w.put(v, 8, 4);
        w.put(v, 1ull << 40, 8);
        w.raw_kv("general.name", v);
        refused(w, "exceeds the limit");
    }
    {
        GgufWriter w;
        ByteVec v;
        w.put(v, 8, 4);
        w.put(v, 1000, 8);  // within the limit, but the file ends first
        w.raw_kv("general.name", v);
        refused(w, "truncated");
    }
    {
        GgufWriter w;  // an array of 2^40 u32
        ByteVec v;
        w.put(v, 9, 4);
        w.put(v, 4, 4);
        w.put(v, 1ull << 40, 8);
        w.raw_kv("llama.feed_forward_length", v);
        refused(w, "array of");
    }
    {
        GgufWriter w;  // an array of arrays
        ByteVec v;
        w.put(v, 9, 4);
        w.put(v, 9, 4);
        w.put(v, 1, 8);
        w.raw_kv("deep", v);
        refused(w, "nested arrays");
    }
    {
        GgufWriter w;
        ByteVec v;
        w.put(v, 13, 4);  // gguf_type 13 does not exist
        w.raw_kv("odd", v);
        refused(w, "invalid GGUF type");
    }
    {
        GgufWriter w = tiny_llama();
        w.str("general.name", "again");
        refused(w, "duplicate key");
    }
    {
        GgufWriter w;
        w.tensor("a", kF32, {4, 4, 4, 4, 4});
        refused(w, "dimensions");
    }
    {
        GgufWriter w;
        w.tensor("a", kF32, {4, -4});
        refused(w, "negative");
    }
    {
        GgufWriter w;
        w.tensor("a", 4, {32});  // Q4_2: removed from ggml
        refused(w, "ggml type 4");
    }
    {
        GgufWriter w;
        w.tensor("a", kQ4_K, {100, 2});  // rows not a multiple of 256
        refused(w, "multiple of the block");
    }
    {
        GgufWriter w;
        w.tensor("a", kF32, {8});
        w.tensor("b", kF32, {8}, 0);  // overlaps a
        refused(w, "expected 32");
    }
    {
        GgufWriter w;
        w.tensor("a", kF32, {8});
        w.tensor("a", kF32, {8});
        refused(w, "duplicate tensor name");
    }
    {
        GgufWriter w;
        w.tensor(std::string(64, 'x'), kF32, {8});  // GGML_MAX_NAME is 64: names are at most 63 bytes
        refused(w, "exceeds the limit");
    }
    {
        GgufWriter w;
        w.tensor("huge", kF32, {1ll << 31, 1ll << 31, 1ll << 31, 1ll << 31});
        refused(w, "too large");
    }
    {
        const ByteVec junk = {'G', 'G', 'M', 'L', 1, 0, 0, 0};
        const GgufParse p = parse(junk, junk.size());
        CHECK(p.error.find("not a GGUF file") != std::string::npos);
    }
}

TEST_CASE("A GGUF cut at every byte is refused, and a short prefix of a longer file asks for more") {
    const GgufWriter w = tiny_llama();
    const ByteVec h = w.header();
    const std::uint64_t size = w.file_size();
    for (std::size_t cut = 0; cut < h.size(); ++cut) {
        const ByteVec prefix(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(cut));
        CAPTURE(cut);
        // The file itself ends there: truncated, an error (never a crash, never Ok).
        const GgufParse whole = parse(prefix, prefix.size());
        CHECK(whole.status == ParseStatus::Error);
        // Only the prefix ends there: the parser asks for a longer one, and asking again converges.
        // (The alignment padding after the last tensor info is not read: a prefix ending inside it parses.)
        const GgufParse part = parse(prefix, size);
        if (part.status == ParseStatus::Ok) {
            CHECK(cut + w.alignment > h.size());
        } else {
            REQUIRE(part.status == ParseStatus::NeedMore);
            CHECK(part.bytes_needed > cut);
            CHECK(part.bytes_needed <= h.size());
        }
    }
    // The data section itself missing: the header parses but the file is short.
    const GgufParse cut_data = parse(h, size - 100);
    CHECK(cut_data.status == ParseStatus::Error);
    CHECK(cut_data.error.find("truncated") != std::string::npos);
}

TEST_CASE("llama.cpp's CUDA buffer pads quantized rows to 512 and each tensor to 128 bytes") {
    GgufTensorInfo t;
    t.type = GgmlType::MXFP4;
    t.ne[0] = 2880;  // gpt-oss hidden size: 2880 % 512 = 320, so 192 elements of padding
    t.ne[1] = 2880;
    t.ne[2] = 32;
    t.bytes = 90ull * 17 * 2880 * 32;  // 141004800
    // + row_size(mxfp4, 192) = 6 blocks x 17 = 102 bytes once per tensor (the last row may be read
    // past its end), then up to a multiple of 128: 141004800 + 128 = 141004928
    CHECK(llamacpp_cuda_tensor_bytes(t) == 141004928);
    GgufTensorInfo f;
    f.type = GgmlType::F32;  // not quantized: only the 128-byte alignment
    f.ne[0] = 2880;
    f.bytes = 2880 * 4;
    CHECK(llamacpp_cuda_tensor_bytes(f) == 11520);
    f.ne[0] = 64;
    f.bytes = 256;
    CHECK(llamacpp_cuda_tensor_bytes(f) == 256);
    f.ne[0] = 5;
    f.bytes = 20;
    CHECK(llamacpp_cuda_tensor_bytes(f) == 128);
}

TEST_CASE("Split GGUF names follow llama.cpp's -00001-of-00003.gguf") {
    const auto s = gguf_split_name("Qwen3-235B-Q4_K_M-00002-of-00005.gguf");
    REQUIRE(s);
    CHECK(s->part == 2);
    CHECK(s->count == 5);
    CHECK(s->prefix == "Qwen3-235B-Q4_K_M");
    CHECK(gguf_split_file_name(s->prefix, 1, 5) == "Qwen3-235B-Q4_K_M-00001-of-00005.gguf");
    CHECK_FALSE(gguf_split_name("model.gguf"));
    CHECK_FALSE(gguf_split_name("model-00006-of-00005.gguf"));
    CHECK_FALSE(gguf_split_name("model-0001-of-00005.gguf"));
}
