// Byte and token counts that cannot wrap (issue 12: a product of absurd but accepted inputs wrapped a
// per-GPU total to a small number and the verdict said "fits"). Every step saturates instead of
// wrapping and leaves a sticky flag, so a caller sums and multiplies freely, then asks once at the
// end whether the figure is real: an overflowed figure is "does not fit" or an error, never a wrap.
//
//   CheckedU64 kv = CheckedU64(tokens) * bytes_per_token;          // saturates, flags
//   CheckedU64 total = weights + kv + CheckedU64::from_double(act);  // NaN / inf / 1e300 flag too
//   if (!total.ok()) -> "does not fit: the total exceeds 2^64 bytes"
#pragma once
#include <cstdint>
#include <optional>

namespace vramcalc {

struct CheckedU64 {
    static constexpr std::uint64_t kMax = UINT64_MAX;

    std::uint64_t value = 0;
    bool overflow = false;  // some step left [0, 2^64): value is then kMax (too large, NaN) or 0 (negative)

    constexpr CheckedU64() = default;
    constexpr CheckedU64(std::uint64_t v) : value(v) {}  // NOLINT: implicit, so plain counts mix in
    constexpr CheckedU64(std::uint64_t v, bool flagged) : value(v), overflow(flagged) {}

    // Rounds to the nearest integer. Negative -> 0, flagged; NaN, +inf or >= 2^64 -> kMax, flagged.
    static constexpr CheckedU64 from_double(double x) {
        if (x != x) return {kMax, true};       // NaN
        if (x < 0.0) return {0, x <= -0.5};    // -0.4 rounds to 0 and is fine; -1e300 and -inf are not
        if (x >= 18446744073709551615.0) return {kMax, true};  // 2^64 as a double: no uint64 holds it
        return {static_cast<std::uint64_t>(x + 0.5), false};  // below 2^53 exact; above, x + 0.5 == x
    }
    // Negative -> 0, flagged.
    static constexpr CheckedU64 from_signed(std::int64_t x) {
        return x < 0 ? CheckedU64{0, true} : CheckedU64{static_cast<std::uint64_t>(x), false};
    }

    constexpr bool ok() const { return !overflow; }
    // The value as a signed 64-bit count (headroom arithmetic, JSON): saturates at INT64_MAX, flagged.
    constexpr std::int64_t to_signed() const {
        return value > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(value);
    }

    constexpr CheckedU64& operator+=(CheckedU64 b) { return *this = *this + b; }
    constexpr CheckedU64& operator*=(CheckedU64 b) { return *this = *this * b; }
    constexpr CheckedU64& operator-=(CheckedU64 b) { return *this = *this - b; }

    friend constexpr CheckedU64 operator+(CheckedU64 a, CheckedU64 b) {
        std::uint64_t r = 0;
        const bool wrapped = __builtin_add_overflow(a.value, b.value, &r);
        return {wrapped ? kMax : r, a.overflow || b.overflow || wrapped};
    }
    friend constexpr CheckedU64 operator*(CheckedU64 a, CheckedU64 b) {
        std::uint64_t r = 0;
        const bool wrapped = __builtin_mul_overflow(a.value, b.value, &r);
        return {wrapped ? kMax : r, a.overflow || b.overflow || wrapped};
    }
    // Below zero -> 0, flagged (a part larger than its whole is a bug, not a figure).
    friend constexpr CheckedU64 operator-(CheckedU64 a, CheckedU64 b) {
        const bool below = b.value > a.value;
        return {below ? 0 : a.value - b.value, a.overflow || b.overflow || below};
    }
    friend constexpr bool operator==(CheckedU64 a, CheckedU64 b) = default;
};

// a + b and a * b without wrapping, for code that wants a plain number: kMax on overflow.
constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) { return (CheckedU64(a) + b).value; }
constexpr std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) { return (CheckedU64(a) * b).value; }

// a - b as a signed figure (headroom = memory - total), clamped to [-INT64_MAX, INT64_MAX] so that
// negating it is always defined and no INT64_MIN ever prints.
constexpr std::int64_t signed_difference(std::uint64_t a, std::uint64_t b) {
    constexpr auto kLimit = static_cast<std::uint64_t>(INT64_MAX);
    if (a >= b) return a - b > kLimit ? INT64_MAX : static_cast<std::int64_t>(a - b);
    return b - a > kLimit ? -INT64_MAX : -static_cast<std::int64_t>(b - a);
}

// A double figure (a headroom, a count of tokens or blocks) as a signed 64-bit integer, rounded to the
// nearest, clamped to [-INT64_MAX, INT64_MAX] (NaN -> 0): a cast of an out-of-range double is undefined
// behaviour and printed INT64_MIN (issue 12).
constexpr std::int64_t saturating_round(double x) {
    if (x != x) return 0;
    if (x >= 9223372036854775807.0) return INT64_MAX;
    if (x <= -9223372036854775807.0) return -INT64_MAX;
    return static_cast<std::int64_t>(x < 0 ? x - 0.5 : x + 0.5);
}
// floor(x) for a count (blocks, tokens, slots): 0 below zero or NaN, INT64_MAX above the range.
constexpr std::int64_t saturating_floor_count(double x) {
    if (!(x > 0.0)) return 0;
    if (x >= 9223372036854775807.0) return INT64_MAX;
    return static_cast<std::int64_t>(x);  // truncation is floor for x > 0
}

// a x b for non-negative counts when it stays at or below `ceiling` (token budgets such as context x
// batch); nullopt when either is negative or the product exceeds the ceiling (or 2^63).
constexpr std::optional<std::int64_t> product_within(std::int64_t a, std::int64_t b, std::int64_t ceiling) {
    std::int64_t r = 0;
    if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r) || r > ceiling) return std::nullopt;
    return r;
}

}  // namespace vramcalc
