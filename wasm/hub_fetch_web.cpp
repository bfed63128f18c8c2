// The Hub on the page: each request core/hub.h asks for is sent with fetch() (Range and, when the user
// pasted one, an Authorization header), its body read up to what was asked, and handed back. Nothing
// is requested until the user clicks Fetch (web/model_files.cpp start_hub_fetch).
#include <emscripten.h>

#include <cstdint>
#include <string>

#include "wasm/model_files_glue.h"
#include "web/model_files.h"

namespace {

vramcalc::web::AppState* g_state = nullptr;
void (*g_wake)() = nullptr;

// WEB: fetch follows the Hub's redirects to storage; a Range or Authorization header makes the request
// CORS-preflighted, which the Hub allows. Content-Range is read when the server exposes it. A failed
// fetch (offline, DNS, CORS) answers with status 0 and the browser's reason.
EM_JS(void, js_hub_fetch, (int id, const char* url_c, double range_end, double max_bytes, const char* token_c), {
    var url = UTF8ToString(url_c), token = UTF8ToString(token_c);
    var headers = {};
    if (range_end > 0) headers["Range"] = "bytes=0-" + (range_end - 1);
    if (token) headers["Authorization"] = "Bearer " + token;
    var str = function(s) {
        var n = lengthBytesUTF8(s) + 1;
        var p = Module["_vramcalc_files_alloc"](n);
        stringToUTF8(s, p, n);
        return p;
    };
    var answer = function(status, code, total, bytes, error) {
        var p = Module["_vramcalc_files_alloc"](Math.max(1, bytes.length));
        HEAPU8.set(bytes, p);
        var c = str(code), e = str(error);
        Module["_vramcalc_hub_response"](id, status, c, total, p, bytes.length, e);
        Module["_vramcalc_files_free"](p);
        Module["_vramcalc_files_free"](c);
        Module["_vramcalc_files_free"](e);
        Module["_vramcalc_wake"]();
    };
    fetch(url, {headers: headers, cache: "no-store", credentials: "omit", redirect: "follow"}).then(function(res) {
        var code = res.headers.get("X-Error-Code") || "";
        var range = res.headers.get("Content-Range") || "";
        var total = range.lastIndexOf("/") >= 0 ? Number(range.substring(range.lastIndexOf("/") + 1)) : -1;
        if (!(total >= 0)) total = -1;
        var chunks = [], got = 0;
        var finish = function() {
            var all = new Uint8Array(Math.min(got, max_bytes)), at = 0;
            for (var i = 0; i < chunks.length && at < all.length; ++i) {
                var n = Math.min(chunks[i].length, all.length - at);
                all.set(chunks[i].subarray(0, n), at);
                at += n;
            }
            answer(res.status, code, total, all, "");
        };
        if (!res.body) return res.arrayBuffer().then(function(b) { chunks.push(new Uint8Array(b)); got = b.byteLength; finish(); });
        var reader = res.body.getReader();
        var pump = function() {
            return reader.read().then(function(r) {
                if (r.done) return finish();
                chunks.push(r.value);
                got += r.value.length;
                if (got >= max_bytes) { reader.cancel(); return finish(); }
                return pump();
            });
        };
        return pump();
    }).catch(function(err) {
        var why = navigator.onLine === false ? "the browser is offline" : String((err && err.message) || err);
        answer(0, "", -1, new Uint8Array(0), why);
    });
});

void send_next(vramcalc::web::AppState& st) {
    const int before = st.model_files.hub_request_id;
    if (before != 0) return;
    if (auto q = vramcalc::web::hub_next_request(st))
        js_hub_fetch(st.model_files.hub_request_id, q->url.c_str(), static_cast<double>(q->range_end), static_cast<double>(q->max_bytes),
                     st.model_files.hub_token.c_str());
}

EM_JS(void, js_install_hub_api, (), {
    var api = window["vramcalc"] || (window["vramcalc"] = {});
    var str = function(s) {
        var n = lengthBytesUTF8(s) + 1;
        var p = Module["_vramcalc_files_alloc"](n);
        stringToUTF8(s, p, n);
        return p;
    };
    // What the panel's Fetch button does (tests and embedders): settings first, then the fetch.
    api["setHubSettings"] = function(s) {
        var p = str(JSON.stringify(s || {}));
        Module["_vramcalc_hub_settings"](p);
        Module["_vramcalc_files_free"](p);
    };
    api["fetchFromHub"] = function(repo, file) {
        var r = str(repo || ""), f = str(file || "");
        Module["_vramcalc_hub_fetch"](r, f);
        Module["_vramcalc_files_free"](r);
        Module["_vramcalc_files_free"](f);
    };
});

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void vramcalc_hub_response(int id, int status, const char* code, double total, const std::uint8_t* body, int length,
                                                const char* error) {
    if (!g_state || id != g_state->model_files.hub_request_id) return;  // an answer to a cancelled fetch
    vramcalc::HubResponse r;
    r.status = status;
    r.error_code = code;
    r.transport_error = error;
    r.body.assign(reinterpret_cast<const char*>(body), static_cast<std::size_t>(length));
    if (total >= 0) r.total_size = static_cast<std::uint64_t>(total);
    vramcalc::web::hub_response(*g_state, r);
    send_next(*g_state);
}

EMSCRIPTEN_KEEPALIVE void vramcalc_hub_settings(const char* text) {
    if (!g_state) return;
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return;
    if (j.contains("endpoint") && j["endpoint"].is_string()) g_state->model_files.hub_endpoint = j["endpoint"].get<std::string>();
    if (j.contains("token") && j["token"].is_string()) g_state->model_files.hub_token = j["token"].get<std::string>();
    if (g_wake) g_wake();
}

EMSCRIPTEN_KEEPALIVE void vramcalc_hub_fetch(const char* repo, const char* file) {
    if (!g_state) return;
    vramcalc::web::start_hub_fetch(*g_state, repo, file);
    send_next(*g_state);
    if (g_wake) g_wake();
}

}  // extern "C"

namespace vramcalc::wasm {

void install_model_files(web::AppState* state, void (*wake)()) {
    g_state = state;
    g_wake = wake;
    install_file_reader(state, wake);
    js_install_hub_api();
}

void pump_model_files(web::AppState& st) {
    pick_files_if_asked(st);
    send_next(st);
}

}  // namespace vramcalc::wasm
