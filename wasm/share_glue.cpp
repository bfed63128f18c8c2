#include "wasm/share_glue.h"

#include <emscripten.h>

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "core/bounded_json.h"
#include "core/scenario_json.h"

namespace {

// Returned strings are malloc'ed here and freed by the caller (take_js_string).
EM_JS(char*, js_location_hash, (), {
    var value = window.location.hash || "";
    var bytes = lengthBytesUTF8(value) + 1;
    var ptr = _malloc(bytes);
    stringToUTF8(value, ptr, bytes);
    return ptr;
});

EM_JS(char*, js_location_base, (), {
    var href = window.location.href;
    var hash = href.indexOf("#");
    var value = hash < 0 ? href : href.substring(0, hash);
    var bytes = lengthBytesUTF8(value) + 1;
    var ptr = _malloc(bytes);
    stringToUTF8(value, ptr, bytes);
    return ptr;
});

// WEB: replaceState, not location.hash = ...: assigning the hash adds a history entry per edit and
// fires hashchange, which would read our own write back as a pasted link.
EM_JS(void, js_replace_hash, (const char* fragment), {
    var value = "#" + UTF8ToString(fragment);
    if (window.location.hash === value) return;
    try {
        window.history.replaceState(window.history.state, "", value);
    } catch (e) {
        // file:// pages in some browsers refuse replaceState; the link still works from "Copy link".
    }
});

EM_JS(void, js_install_hashchange, (), {
    window.addEventListener("hashchange", function() { Module["_vramcalc_share_link_changed"](); });
});

EM_JS(void, js_download_text, (const char* filename, const char* mime_type, const char* text), {
    var blob = new Blob([UTF8ToString(text)], {type: UTF8ToString(mime_type) + ";charset=utf-8"});
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = UTF8ToString(filename);
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function() { URL.revokeObjectURL(url); }, 1000);
});

std::string take_js_string(char* ptr) {
    std::string s = ptr ? ptr : "";
    std::free(ptr);
    return s;
}

void (*g_on_link_changed)() = nullptr;
std::string g_last_written;  // the fragment write_link_to_location last put in the address bar
std::string g_returned;      // the string the C API below returned last (valid until the next call)

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void vramcalc_share_link_changed() {
    if (g_on_link_changed) g_on_link_changed();
}

// JSON scenario (as getState gives it) -> fragment without '#'. Bad fields are left at their defaults.
EMSCRIPTEN_KEEPALIVE const char* vramcalc_share_encode(const char* scenario_json) {
    vramcalc::Scenario s;
    std::vector<std::string> problems;
    nlohmann::json j = vramcalc::parse_json(scenario_json ? scenario_json : "", vramcalc::kScenarioJsonLimits).value;
    if (!j.is_discarded()) vramcalc::apply_scenario_json(j, s, problems);
    g_returned = vramcalc::encode_share_fragment(s);
    return g_returned.c_str();
}

// Fragment (with or without '#', or a whole URL) -> {"scenario":..., "ignored":[...], "warnings":[...]}.
EMSCRIPTEN_KEEPALIVE const char* vramcalc_share_decode(const char* fragment) {
    const vramcalc::DecodedLink d = vramcalc::decode_share_fragment(fragment ? fragment : "");
    nlohmann::json out = {{"scenario", vramcalc::scenario_to_json(d.scenario)}, {"ignored", d.ignored}, {"warnings", d.warnings}};
    g_returned = vramcalc::dump_json(out);
    return g_returned.c_str();
}

}  // extern "C"

namespace vramcalc::wasm {

std::optional<DecodedLink> link_from_location() {
    std::string hash = take_js_string(js_location_hash());
    if (hash.empty() || hash == "#") return std::nullopt;
    // Our own write: the scenario on screen is already this one.
    if (hash.size() > 1 && hash.compare(1, std::string::npos, g_last_written) == 0 && !g_last_written.empty())
        return std::nullopt;
    return decode_share_fragment(hash);
}

void write_link_to_location(const Scenario& s) {
    std::string fragment = encode_share_fragment(s);
    if (fragment == g_last_written) return;
    g_last_written = std::move(fragment);
    js_replace_hash(g_last_written.c_str());
}

std::string share_url(const Scenario& s) {
    const std::string base = take_js_string(js_location_base());
    const std::string fragment = encode_share_fragment(s);
    // A link opened and not changed since keeps its own spelling in the address bar (defaults spelled
    // out, say): Copy link gives that same address, not a shorter twin of it.
    const std::string hash = take_js_string(js_location_hash());
    if (hash.size() > 1) {
        const DecodedLink shown = decode_share_fragment(hash);
        if (shown.missing_model.empty() && encode_share_fragment(shown.scenario) == fragment) return base + hash;
    }
    return base + "#" + fragment;
}

void install_link_listener(void (*on_change)()) {
    g_on_link_changed = on_change;
    js_install_hashchange();
}

void download_text(const std::string& filename, const std::string& mime_type, const std::string& text) {
    js_download_text(filename.c_str(), mime_type.c_str(), text.c_str());
}

}  // namespace vramcalc::wasm
