#include <doctest/doctest.h>

#include <cmath>

#include "core/text.h"

using namespace vramcalc;

TEST_CASE("sizes print in GiB or GB exactly") {
    // 80 GiB = 85,899,345,920 B = 85.9 GB
    CHECK(format_size(80ull << 30, SizeUnit::GiB) == "80.0 GiB");
    CHECK(format_size(80ull << 30, SizeUnit::GB) == "85.9 GB");
    // 810e9 B (405B params in bf16) = 754.4 GiB: needs 64-bit bytes even in wasm32
    CHECK(format_size(810'000'000'000ull, SizeUnit::GiB) == "754.4 GiB");
    CHECK(format_size(512ull << 20, SizeUnit::GiB) == "512 MiB");
    // Llama-3-8B's KV cache per token: 131,072 B = 128 KiB (not "0 MiB")
    CHECK(format_size(131072, SizeUnit::GiB) == "128 KiB");
    CHECK(format_size(131072, SizeUnit::GB) == "131 kB");
    // Hand-rounded: 1023.7 MiB is 0.9997 GiB, shown as "1.0 GiB" rather than "1024 MiB"; 999.7 MB is
    // "1.0 GB" rather than "1000 MB".
    CHECK(format_size(1073427251ull, SizeUnit::GiB) == "1.0 GiB");
    CHECK(format_size(999'700'000ull, SizeUnit::GB) == "1.0 GB");
    CHECK(format_size(1023ull << 20, SizeUnit::GiB) == "1023 MiB");
    CHECK(format_signed_size(-(static_cast<std::int64_t>(3) << 30)) == "-3.0 GiB");
}

TEST_CASE("token counts and parameters read like people write them") {
    CHECK(format_tokens(8192) == "8k");
    CHECK(format_tokens(131072) == "128k");
    CHECK(format_tokens(28000) == "28k");
    CHECK(format_tokens(500) == "500");
    CHECK(format_params(32.76e9) == "32.8 B");
    CHECK(format_params(405e9) == "405 B");
    CHECK(format_params(494e6) == "494 M");
    // Hand-rounded: 999.6 M is 1.0 B to one decimal, not "1000 M"; 99.96 B is 100 B, not "100.0 B".
    CHECK(format_params(999.6e6) == "1.0 B");
    CHECK(format_params(999.4e6) == "999 M");
    CHECK(format_params(99.96e9) == "100 B");
    // English plural: "1 GPU", never "1 GPUs".
    CHECK(count_of(1, "GPU") == "1 GPU");
    CHECK(count_of(2, "GPU") == "2 GPUs");
    CHECK(count_of(0, "model") == "0 models");
}

TEST_CASE("saturating byte conversion never overflows or goes negative") {
    CHECK(bytes_from(-5.0) == 0);
    CHECK(bytes_from(std::nan("")) == 0);
    CHECK(bytes_from(1e30) > 0);
    CHECK(gib_to_bytes(1.0) == 1073741824ull);
}
