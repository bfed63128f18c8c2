#include <doctest/doctest.h>

#include "core/kv_cache.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

Architecture llama3_8b() { return fixtures::llama31_8b(); }

}  // namespace

TEST_CASE("GQA cache per token counts KV heads, not attention heads") {
    // 32 layers x 8 KV heads x 128 dims x 2 (K,V) x 2 B = 131,072 B/token
    CHECK(kv_bytes_per_token(llama3_8b(), 16.0) == 131072);
    // fp8 halves it: 65,536 B/token
    CHECK(kv_bytes_per_token(llama3_8b(), 8.0) == 65536);
}

TEST_CASE("tensor parallel splits KV heads and replicates them past the KV head count") {
    Architecture a = llama3_8b();
    CHECK(kv_heads_per_rank(a, 2) == 4);
    CHECK(kv_heads_per_rank(a, 8) == 1);
    CHECK(kv_heads_per_rank(a, 16) == 1);  // replicated: each rank still holds one head
    // one layer at tp 16: 1 head x 256 values x 2 B = 512 B/token
    CHECK(kv_bytes_per_token_layer(a, 0, 16, 16.0) == doctest::Approx(512.0));
}

TEST_CASE("MLA cache is not split by tensor parallel") {
    Architecture a;
    a.num_layers = 61;
    a.num_heads = 128;
    a.num_kv_heads = 128;
    a.head_dim = 192;
    a.kv_lora_rank = 512;
    a.qk_rope_head_dim = 64;
    // (512 + 64) = 576 values x 2 B = 1152 B per layer, on every rank
    CHECK(kv_bytes_per_token_layer(a, 0, 1, 16.0) == doctest::Approx(1152.0));
    CHECK(kv_bytes_per_token_layer(a, 0, 8, 16.0) == doctest::Approx(1152.0));
    // 61 layers x 1152 = 70,272 B/token
    CHECK(kv_bytes_per_token(a, 16.0) == 70272);
}

TEST_CASE("linear-attention layers hold no per-token cache") {
    Architecture a = llama3_8b();
    a.layer_attention[0] = LayerAttention::Linear;
    CHECK(kv_bytes_per_token_layer(a, 0, 1, 16.0) == 0.0);
    // 31 full layers x 4096 B = 126,976 B
    CHECK(kv_bytes_per_token(a, 16.0) == 126976);
}
