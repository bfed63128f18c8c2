#include "core/logs/log_text.h"

#include <cmath>
#include <cstdlib>

namespace vramcalc::logtext {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Skips one ANSI escape sequence starting at text[i] == ESC; returns the index after it.
std::size_t skip_escape(std::string_view text, std::size_t i) {
    if (i + 1 >= text.size()) return text.size();
    const char kind = text[i + 1];
    if (kind == '[') {  // CSI: parameters, then a final byte in @..~
        std::size_t j = i + 2;
        while (j < text.size() && !(text[j] >= '@' && text[j] <= '~')) ++j;
        return j < text.size() ? j + 1 : j;
    }
    if (kind == ']') {  // OSC: to BEL or ESC backslash
        std::size_t j = i + 2;
        while (j < text.size() && text[j] != '\a' && text[j] != '\x1b') ++j;
        if (j < text.size() && text[j] == '\x1b') ++j;
        return j < text.size() ? j + 1 : j;
    }
    return i + 2;
}

}  // namespace

std::vector<std::string> split_lines(std::string_view text, bool& truncated) {
    truncated = false;
    if (text.size() > kMaxLogBytes) {
        text = text.substr(0, kMaxLogBytes);
        truncated = true;
    }
    std::vector<std::string> lines;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) {
            if (lines.size() < kMaxLines) lines.push_back(cur);
            else truncated = true;
        }
        cur.clear();
    };
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == '\n' || c == '\r') {
            flush();
            ++i;
        } else if (c == '\x1b') {
            i = skip_escape(text, i);
        } else {
            // Literal "[34m" left over when a paste lost its ESC bytes (GitHub issues often show them).
            if (c == '[' && i + 2 < text.size() && is_digit(text[i + 1])) {
                std::size_t j = i + 1;
                while (j < text.size() && j < i + 8 && (is_digit(text[j]) || text[j] == ';')) ++j;
                if (j < text.size() && text[j] == 'm') {
                    i = j + 1;
                    continue;
                }
            }
            if ((static_cast<unsigned char>(c) >= 0x20 || c == '\t') && cur.size() < kMaxLineBytes) cur += c;
            ++i;
        }
    }
    flush();
    return lines;
}

std::size_t after(std::string_view line, std::string_view key, std::size_t from) {
    if (from > line.size()) return std::string_view::npos;
    const std::size_t p = line.find(key, from);
    return p == std::string_view::npos ? p : p + key.size();
}

bool contains(std::string_view line, std::string_view key) { return line.find(key) != std::string_view::npos; }

std::optional<double> number_at(std::string_view line, std::size_t pos, std::size_t* end) {
    if (pos > line.size()) return std::nullopt;
    while (pos < line.size() && (is_space(line[pos]) || line[pos] == '=' || line[pos] == ':' || line[pos] == '(')) ++pos;
    std::string digits;
    std::size_t i = pos;
    if (i < line.size() && (line[i] == '-' || line[i] == '+')) digits += line[i++];
    bool any = false;
    for (; i < line.size() && digits.size() < 40; ++i) {
        const char c = line[i];
        if (is_digit(c)) {
            digits += c;
            any = true;
        } else if (c == ',' && any && i + 3 < line.size() + 1 && i + 1 < line.size() && is_digit(line[i + 1])) {
            continue;  // thousands separator: "126,256"
        } else if (c == '.' && i + 1 < line.size() && is_digit(line[i + 1])) {
            digits += c;
        } else if ((c == 'e' || c == 'E') && any && i + 1 < line.size() &&
                   (is_digit(line[i + 1]) || line[i + 1] == '-' || line[i + 1] == '+')) {
            digits += c;
            digits += line[++i];
        } else {
            break;
        }
    }
    if (!any) return std::nullopt;
    char* stop = nullptr;
    const double v = std::strtod(digits.c_str(), &stop);
    // Finite and at most 1e15 (no log prints more: 1e15 bytes is 888 TiB), so every count cast from it fits.
    if (!std::isfinite(v) || std::fabs(v) > 1e15) return std::nullopt;
    if (end) *end = i;
    return v;
}

std::optional<double> number_after(std::string_view line, std::string_view key) {
    const std::size_t p = after(line, key);
    return p == std::string_view::npos ? std::nullopt : number_at(line, p);
}

std::optional<std::int64_t> integer_after(std::string_view line, std::string_view key) {
    const auto v = number_after(line, key);
    if (!v || *v < -9e15 || *v > 9e15) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(*v));
}

std::optional<double> size_at(std::string_view line, std::size_t pos, bool gb_is_gib, std::size_t* end) {
    std::size_t e = 0;
    const auto v = number_at(line, pos, &e);
    if (!v || *v < 0) return std::nullopt;
    while (e < line.size() && is_space(line[e])) ++e;
    const std::string_view u = line.substr(e, 3);
    double unit = 0;
    std::size_t len = 0;
    if (u.rfind("GiB", 0) == 0) unit = 1024.0 * 1024 * 1024, len = 3;
    else if (u.rfind("MiB", 0) == 0) unit = 1024.0 * 1024, len = 3;
    else if (u.rfind("KiB", 0) == 0) unit = 1024.0, len = 3;
    else if (u.rfind("GB", 0) == 0) unit = gb_is_gib ? 1024.0 * 1024 * 1024 : 1e9, len = 2;
    else if (u.rfind("MB", 0) == 0) unit = gb_is_gib ? 1024.0 * 1024 : 1e6, len = 2;
    else if (u.rfind("TiB", 0) == 0) unit = 1024.0 * 1024 * 1024 * 1024, len = 3;
    if (unit == 0) return std::nullopt;
    if (end) *end = e + len;
    const double bytes = *v * unit;
    if (!std::isfinite(bytes) || bytes > 1.0e18) return std::nullopt;
    return bytes;
}

std::optional<double> size_after(std::string_view line, std::string_view key, bool gb_is_gib) {
    const std::size_t p = after(line, key);
    return p == std::string_view::npos ? std::nullopt : size_at(line, p, gb_is_gib);
}

std::string word_after(std::string_view line, std::string_view key) {
    std::size_t p = after(line, key);
    if (p == std::string_view::npos) return "";
    while (p < line.size() && (is_space(line[p]) || line[p] == '\'' || line[p] == '"')) ++p;
    std::string w;
    for (; p < line.size() && w.size() < 512; ++p) {
        const char c = line[p];
        if (is_space(c) || c == ',' || c == '\'' || c == '"' || c == ')' || c == '}' || c == ';' || c == ']') break;
        w += c;
    }
    return w;
}

std::string trim(std::string_view s) {
    std::size_t a = 0, b = s.size();
    while (a < b && is_space(s[a])) ++a;
    while (b > a && is_space(s[b - 1])) --b;
    return std::string(s.substr(a, b - a));
}

std::string rest_after(std::string_view line, std::string_view key) {
    const std::size_t p = after(line, key);
    return p == std::string_view::npos ? "" : trim(line.substr(p, 512));
}

std::string py_value(std::string s) { return s == "None" ? "" : s; }

}  // namespace vramcalc::logtext
