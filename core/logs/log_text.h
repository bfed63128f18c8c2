// Text helpers for reading engine logs: splitting a paste into clean lines (colour codes, CR line ends,
// progress-bar carriage returns, over-long lines) and finding "key ... number unit" in a line. Pure
// functions over strings, no regex (bounded time on hostile input).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vramcalc::logtext {

inline constexpr std::size_t kMaxLogBytes = 16u << 20;   // a paste past 16 MiB is cut there
inline constexpr std::size_t kMaxLineBytes = 8192;       // a longer line is cut (vLLM's config line is ~4 KB)
inline constexpr std::size_t kMaxLines = 400000;

// The paste as lines: split at \n and \r, ANSI escape sequences removed, control bytes dropped, each
// line cut at kMaxLineBytes. `truncated` is set when the paste or the line count was cut.
std::vector<std::string> split_lines(std::string_view text, bool& truncated);

// Position just after `key` in `line`, or npos.
std::size_t after(std::string_view line, std::string_view key, std::size_t from = 0);
bool contains(std::string_view line, std::string_view key);

// A number at `pos` (spaces skipped; "126,256" and "1.5e3" read; a trailing 'x' ignored). Finite and
// within +-1e15 only.
std::optional<double> number_at(std::string_view line, std::size_t pos, std::size_t* end = nullptr);
std::optional<double> number_after(std::string_view line, std::string_view key);
std::optional<std::int64_t> integer_after(std::string_view line, std::string_view key);
// A count read from a log as an int: clamped to [-1e9, 1e9], so a garbled "1e40 layers" cannot overflow.
inline int count_int(double x) { return x > 1e9 ? 1000000000 : x < -1e9 ? -1000000000 : static_cast<int>(x); }

// A size "12.56 GiB" / "1.41 GB" / "9222.24 MiB" at `pos`, in bytes. `gb_is_gib`: vLLM and SGLang print
// "GB" for sizes divided by 2^30. Returns nothing without a unit.
std::optional<double> size_at(std::string_view line, std::size_t pos, bool gb_is_gib, std::size_t* end = nullptr);
std::optional<double> size_after(std::string_view line, std::string_view key, bool gb_is_gib);

// A word after `key`: up to a space, comma, quote, bracket or semicolon; quotes around it dropped.
std::string word_after(std::string_view line, std::string_view key);
// The text after `key` to the end of the line, trimmed.
std::string rest_after(std::string_view line, std::string_view key);
std::string trim(std::string_view s);

// Python-ish values: "None" -> "", "True"/"False" kept.
std::string py_value(std::string s);

}  // namespace vramcalc::logtext
