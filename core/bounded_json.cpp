#include "bounded_json.h"

#include <cstdio>

namespace vramcalc {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxMessageBytes = 200;

// nlohmann's own DOM builder behind a depth gate. Returning false from a SAX event stops the parse at
// once, so a text of a million '[' costs one pass up to the limit and builds only `max_depth` levels.
class DepthLimitedSax {
  public:
    DepthLimitedSax(json& root, int max_depth) : dom_(root, /*allow_exceptions=*/false), max_depth_(max_depth) {}

    bool null() { return dom_.null(); }
    bool boolean(bool v) { return dom_.boolean(v); }
    bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
    bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
    bool number_float(json::number_float_t v, const json::string_t& s) { return dom_.number_float(v, s); }
    bool string(json::string_t& v) { return dom_.string(v); }
    bool binary(json::binary_t& v) { return dom_.binary(v); }
    bool key(json::string_t& v) { return dom_.key(v); }
    bool start_object(std::size_t n) { return enter() && dom_.start_object(n); }
    bool start_array(std::size_t n) { return enter() && dom_.start_array(n); }
    bool end_object() { return --depth_, dom_.end_object(); }
    bool end_array() { return --depth_, dom_.end_array(); }
    template <class Exception>
    bool parse_error(std::size_t, const std::string&, const Exception& ex) {
        syntax_message = ex.what();
        return false;
    }

    bool too_deep = false;
    std::string syntax_message;

  private:
    bool enter() {
        if (++depth_ <= max_depth_) return true;
        too_deep = true;
        return false;
    }
    nlohmann::detail::json_sax_dom_parser<json> dom_;
    int depth_ = 0;
    int max_depth_;
};

std::string size_text(std::size_t bytes) {
    char buf[32];
    if (bytes >= (1u << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1u << 20));
    else std::snprintf(buf, sizeof buf, "%zu KiB", bytes >> 10);
    return buf;
}

// "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error ..." -> "line 1,
// column 9: syntax error ...": the class name means nothing to a user; the place and the token do.
std::string syntax_text(const std::string& what) {
    std::string s = what;
    if (auto at = s.find(" at line "); at != std::string::npos) s = s.substr(at + 4);
    else if (auto close = s.find("] "); s.rfind("[json.exception.", 0) == 0 && close != std::string::npos) s = s.substr(close + 2);
    return clean_utf8(s, kMaxMessageBytes);
}

}  // namespace

JsonParse parse_json(std::string_view text, const JsonLimits& limits) {
    JsonParse out;
    if (text.size() > limits.max_bytes) {
        out.error = JsonError::TooLarge;
        out.message = "larger than the " + size_text(limits.max_bytes) + " allowed (" + size_text(text.size()) + ")";
        return out;
    }
    json root;
    DepthLimitedSax sax(root, limits.max_depth);
    const bool ok = json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json,
                                    /*strict=*/true, /*ignore_comments=*/true);
    if (ok) {
        out.value = std::move(root);
        return out;
    }
    if (sax.too_deep) {
        out.error = JsonError::TooDeep;
        out.message = "nested deeper than " + std::to_string(limits.max_depth) + " levels";
    } else {
        out.error = JsonError::Syntax;
        out.message = "not valid JSON" + (sax.syntax_message.empty() ? std::string() : ": " + syntax_text(sax.syntax_message));
    }
    out.value = json(json::value_t::discarded);
    return out;
}

std::string dump_json(const json& value, int indent) {
    return value.dump(indent, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace);
}

// nlohmann's UTF-8 decoder does the work: dump() with the replace handler writes U+FFFD for each
// ill-formed sequence (Unicode's "maximal subpart" rule), and parsing the dumped string undoes the
// escaping of quotes and control characters.
std::string clean_utf8(std::string_view text, std::size_t max_bytes) {
    // Each input byte gives at least one output byte, so what lies past max_bytes + 4 input bytes is cut
    // anyway (the +4 keeps a character that straddles the cut from turning into U+FFFD inside the kept part).
    if (max_bytes != std::string::npos && text.size() > max_bytes + 4) text = text.substr(0, max_bytes + 4);
    std::string s = json::parse(dump_json(json(std::string(text))), nullptr, false).get<std::string>();
    if (s.size() <= max_bytes) return s;
    std::size_t cut = max_bytes > 3 ? max_bytes - 3 : 0;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    return s.substr(0, cut) + "...";
}

bool is_valid_utf8(std::string_view text) {
    // A valid text survives cleaning unchanged (a U+FFFD it already held is valid and stays).
    return clean_utf8(text) == text;
}

}  // namespace vramcalc
