// The fuzz targets' checks (fuzz/header_checks.h) on the writer's files, every truncation of them and
// every single-byte corruption: the same checks libFuzzer runs, here natively and in wasm.
#include <doctest/doctest.h>

#include "fuzz/header_checks.h"
#include "model_file_writer.h"

using namespace vramcalc;
using namespace vramcalc::test;

TEST_CASE("The header fuzz checks hold for written files, their truncations and corruptions") {
    GgufWriter w;
    w.str("general.architecture", "llama");
    w.u32("llama.block_count", 2);
    w.u32("llama.embedding_length", 64);
    w.u32("llama.attention.head_count", 2);
    w.strings("tokenizer.ggml.tokens", {"a", "b"});
    w.tensor("token_embd.weight", kQ8_0, {64, 2});
    w.tensor("blk.1.ffn_up.weight", kQ4_K, {256, 2});
    ByteVec gguf = w.header();
    gguf.resize(w.file_size(), 0);
    std::uint64_t size = 0;
    ByteVec st = safetensors_header({{"model.layers.0.mlp.up_proj.weight", "BF16", {4, 4}}, {"lm_head.weight", "F4", {2, 4}}}, size);
    st.resize(size, 0);
    for (const auto& [bytes, check] : {std::pair{gguf, &fuzz::check_gguf_header}, std::pair{st, &fuzz::check_safetensors_header}}) {
        CHECK(check(bytes) == "");
        for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
            CAPTURE(cut);
            CHECK(check(std::span(bytes.data(), cut)) == "");
        }
        for (std::size_t at = 0; at < std::min<std::size_t>(bytes.size(), 400); ++at) {
            ByteVec bad = bytes;
            bad[at] ^= 0xA5;
            CAPTURE(at);
            CHECK(check(bad) == "");
        }
    }
}
