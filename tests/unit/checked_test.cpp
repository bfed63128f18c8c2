#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "core/checked.h"

using namespace vramcalc;

TEST_CASE("checked byte sums and products saturate and flag instead of wrapping") {
    // 2^63 + 2^63 = 2^64 does not fit in 64 bits: saturates at 2^64 - 1, flagged.
    const CheckedU64 half = CheckedU64(1ULL << 63);
    CHECK((half + half).value == UINT64_MAX);
    CHECK_FALSE((half + half).ok());
    CHECK((half + CheckedU64((1ULL << 63) - 1)).value == UINT64_MAX);  // 2^64 - 1 exactly: fits
    CHECK((half + CheckedU64((1ULL << 63) - 1)).ok());
    // Fp32 logits for 52375051 tokens x 1000000 sequences x a 128256-token vocabulary x 4 B = 2.69e25 B:
    // the kind of product that wrapped transformers' per-GPU total to a small number (issue 12).
    const CheckedU64 logits = CheckedU64(52'375'051) * 1'000'000 * 128'256 * 4;
    CHECK_FALSE(logits.ok());
    CHECK(logits.value == UINT64_MAX);
    // The same without the vocabulary: 52375051 x 1000000 x 131072 B = 6.86e18 B, below 2^64 = 1.84e19.
    CHECK((CheckedU64(52'375'051) * 1'000'000 * 131'072).ok());
    // 8192 tokens x 131072 B = 1 GiB exactly.
    CHECK((CheckedU64(8192) * 131'072).value == 1ULL << 30);
    CHECK((CheckedU64(8192) * 131'072).ok());
}

TEST_CASE("an overflow anywhere in a sum stays flagged to the end") {
    CheckedU64 total = 0;
    total += CheckedU64(UINT64_MAX) * 2;  // flagged
    total -= UINT64_MAX;                  // back to 0 by value ...
    CHECK(total.value == 0);
    CHECK_FALSE(total.ok());              // ... but still not a real figure
    CHECK_FALSE((CheckedU64(5) - 6).ok());
    CHECK((CheckedU64(5) - 6).value == 0);
    CHECK((CheckedU64(6) - 5) == CheckedU64(1));
}

TEST_CASE("doubles convert to byte counts rounded, with NaN, infinity and 1e300 flagged") {
    CHECK(CheckedU64::from_double(1.5e9) == CheckedU64(1'500'000'000));
    CHECK(CheckedU64::from_double(2.5).value == 3);  // rounds half up
    CHECK(CheckedU64::from_double(-0.4) == CheckedU64(0));
    CHECK_FALSE(CheckedU64::from_double(-1.0).ok());
    CHECK_FALSE(CheckedU64::from_double(std::nan("")).ok());
    CHECK(CheckedU64::from_double(std::nan("")).value == UINT64_MAX);
    CHECK_FALSE(CheckedU64::from_double(std::numeric_limits<double>::infinity()).ok());
    CHECK_FALSE(CheckedU64::from_double(-std::numeric_limits<double>::infinity()).ok());
    CHECK_FALSE(CheckedU64::from_double(1e300).ok());  // quantization bits = 1e300 (issue 12)
    CHECK_FALSE(CheckedU64::from_double(18446744073709551616.0).ok());  // 2^64
    // The largest double below 2^64 (2^64 - 2048) converts exactly.
    CHECK(CheckedU64::from_double(18446744073709549568.0) == CheckedU64(18446744073709549568ULL));
    CHECK_FALSE(CheckedU64::from_signed(-1).ok());
    CHECK(CheckedU64::from_signed(INT64_MAX).value == static_cast<std::uint64_t>(INT64_MAX));
    CHECK(CheckedU64(UINT64_MAX).to_signed() == INT64_MAX);
}

TEST_CASE("headroom as a signed difference never reaches INT64_MIN") {
    CHECK(signed_difference(10, 3) == 7);
    CHECK(signed_difference(3, 10) == -7);
    CHECK(signed_difference(0, UINT64_MAX) == -INT64_MAX);  // printed "short by", negatable
    CHECK(signed_difference(UINT64_MAX, 0) == INT64_MAX);
    CHECK(saturating_add(UINT64_MAX, 1) == UINT64_MAX);
    CHECK(saturating_mul(1ULL << 32, 1ULL << 32) == UINT64_MAX);
    CHECK(saturating_mul(1ULL << 31, 1ULL << 32) == 1ULL << 63);
}

TEST_CASE("token budgets multiply only within their ceiling") {
    CHECK(product_within(1'000'000, 1000, 10'000'000'000) == 1'000'000'000);
    CHECK_FALSE(product_within(100'000'000, 1'000'000, 10'000'000'000));
    CHECK_FALSE(product_within(INT64_MAX, 2, INT64_MAX));  // would overflow
    CHECK_FALSE(product_within(-1, 5, 100));
}
