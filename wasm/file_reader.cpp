// Local model files on the page: read in place with File.slice, header only. A dropped or picked
// .gguf / .safetensors / model.safetensors.index.json (and a config.json with them) comes here; a
// config.json or scenario alone keeps the page's usual drop handling (GLFW's, which copies the file).
#include <emscripten.h>

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "core/logs/log_text.h"
#include "core/text.h"
#include "wasm/model_files_glue.h"
#include "web/log_paste.h"
#include "web/model_files.h"

namespace {

vramcalc::web::AppState* g_state = nullptr;
void (*g_wake)() = nullptr;
std::string g_json;

// WEB: a capturing drop listener on window runs before GLFW's on the canvas; for model files it stops
// the event there, so GLFW never reads the whole file into memory. Each file is read as growing
// prefixes (256 KB first) until its header parses; window.vramcalc.fileBytesRead counts every byte.
EM_JS(void, js_install_file_reader, (double logLimit, double jsonLimit), {
    var api = window["vramcalc"] || (window["vramcalc"] = {});
    api["fileBytesRead"] = 0;
    var input = document.createElement("input");
    input.type = "file";
    input.multiple = true;
    input.id = "vramcalc-file-input";
    input.accept = ".gguf,.safetensors,.json";
    input.style.display = "none";
    document.body.appendChild(input);
    var text = function(s) {
        var n = lengthBytesUTF8(s) + 1;
        var p = Module["_vramcalc_files_alloc"](n);
        stringToUTF8(s, p, n);
        return p;
    };
    var wake = function() { Module["_vramcalc_wake"](); };
    // Tells C++ of a file it will not read: fn(name, size).
    var notRead = function(fn, file) {
        var name = text(file.name);
        Module[fn](name, file.size);
        Module["_vramcalc_files_free"](name);
    };
    var readHeader = function(file, want) {
        return file.slice(0, want).arrayBuffer().then(function(buffer) {
            var bytes = new Uint8Array(buffer);
            api["fileBytesRead"] += bytes.length;
            var p = Module["_vramcalc_files_alloc"](Math.max(1, bytes.length));
            HEAPU8.set(bytes, p);
            var name = text(file.name);
            var next = Module["_vramcalc_file_header"](name, file.size, p, bytes.length);
            Module["_vramcalc_files_free"](p);
            Module["_vramcalc_files_free"](name);
            wake();
            if (next > 0) return readHeader(file, next);
        });
    };
    var readOne = function(file) {
        var n = file.name.toLowerCase();
        if (n.endsWith(".json")) {
            if (file.size > jsonLimit) {
                notRead("_vramcalc_json_too_large", file);
                return Promise.resolve();
            }
            return file.text().then(function(s) {
                api["fileBytesRead"] += file.size;
                var name = text(file.name), body = text(s);
                Module["_vramcalc_file_text"](name, body);
                Module["_vramcalc_files_free"](name);
                Module["_vramcalc_files_free"](body);
            });
        }
        return readHeader(file, Math.min(file.size, 262144));
    };
    var readFiles = function(files) {
        Module["_vramcalc_files_begin"](files.length);
        var chain = Promise.resolve();
        // One file the browser cannot read (moved, no permission) is listed as such; the others go on.
        files.forEach(function(f) {
            chain = chain.then(function() { return readOne(f).catch(function() { notRead("_vramcalc_file_unreadable", f); }); });
        });
        return chain.then(function() {
            Module["_vramcalc_files_end"]();
            wake();
        });
    };
    var isModelFile = function(name) {
        var n = name.toLowerCase();
        return n.endsWith(".gguf") || n.endsWith(".safetensors") || n.endsWith(".index.json");
    };
    window.addEventListener("drop", function(event) {
        var list = event.dataTransfer && event.dataTransfer.files;
        if (!list || !list.length) return;
        var files = Array.prototype.slice.call(list);
        if (!files.some(function(f) { return isModelFile(f.name); }) && !Module["_vramcalc_files_waiting"]()) return;
        event.preventDefault();
        event.stopPropagation();
        readFiles(files);
    }, true);
    input.addEventListener("change", function() {
        var files = Array.prototype.slice.call(input.files || []);
        input.value = "";
        if (files.length) readFiles(files);
    });
    // "Choose a log file...": the start of the file (the reader's limit; start-up lines come first).
    var logInput = document.createElement("input");
    logInput.type = "file";
    logInput.id = "vramcalc-log-input";
    logInput.accept = ".log,.txt,text/plain";
    logInput.style.display = "none";
    document.body.appendChild(logInput);
    logInput.addEventListener("change", function() {
        var file = logInput.files && logInput.files[0];
        logInput.value = "";
        if (!file) return;
        var limit = logLimit;
        file.slice(0, limit).text().then(function(s) {
            api["fileBytesRead"] += Math.min(file.size, limit);
            var name = text(file.name), body = text(s);
            Module["_vramcalc_log_file"](name, body, file.size);
            Module["_vramcalc_files_free"](name);
            Module["_vramcalc_files_free"](body);
            wake();
        }).catch(function(e) { console.warn("vramcalc: reading the log file failed", e); });
    });
    api["pickModelFiles"] = function() { input.click(); };
    api["modelFiles"] = function() { return JSON.parse(UTF8ToString(Module["_vramcalc_model_files_json"]())); };
    // For tests and embedders: read these File objects as if dropped; resolves when they are read.
    api["readModelFiles"] = function(files) { return readFiles(Array.prototype.slice.call(files)); };
});

EM_JS(void, js_pick_files, (), { document.getElementById("vramcalc-file-input").click(); });
EM_JS(void, js_pick_log_file, (), { document.getElementById("vramcalc-log-input").click(); });

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void* vramcalc_files_alloc(int bytes) { return std::malloc(static_cast<std::size_t>(bytes)); }
EMSCRIPTEN_KEEPALIVE void vramcalc_files_free(void* p) { std::free(p); }

EMSCRIPTEN_KEEPALIVE void vramcalc_files_begin(int count) {
    if (!g_state) return;
    vramcalc::web::begin_local_files(*g_state);
    g_state->model_files.reading = count;
}

// The next prefix length to read (0: this file is done). Sizes cross as doubles: wasm32's size_t is 32 bits.
EMSCRIPTEN_KEEPALIVE double vramcalc_file_header(const char* name, double size, const std::uint8_t* bytes, int length) {
    if (!g_state) return 0;
    const std::uint64_t next = vramcalc::web::file_header(*g_state, name, static_cast<vramcalc::Bytes>(size),
                                                          std::span<const std::uint8_t>(bytes, static_cast<std::size_t>(length)));
    if (next == 0) --g_state->model_files.reading;
    return static_cast<double>(next);
}

EMSCRIPTEN_KEEPALIVE void vramcalc_file_text(const char* name, const char* text) {
    if (!g_state) return;
    vramcalc::web::file_text(*g_state, name, text);
    --g_state->model_files.reading;
}

EMSCRIPTEN_KEEPALIVE void vramcalc_json_too_large(const char* name, double size) {
    if (!g_state) return;
    vramcalc::web::json_file_too_large(*g_state, name, static_cast<vramcalc::Bytes>(size));
    --g_state->model_files.reading;
}

EMSCRIPTEN_KEEPALIVE void vramcalc_file_unreadable(const char* name, double size) {
    if (!g_state) return;
    vramcalc::web::file_unreadable(*g_state, name, static_cast<vramcalc::Bytes>(size));
}

EMSCRIPTEN_KEEPALIVE void vramcalc_files_end() {
    if (!g_state) return;
    g_state->model_files.reading = 0;
    vramcalc::web::end_local_files(*g_state);
}

// Files given before wait for more (split parts, shards, config.json): a config.json dropped now joins them.
EMSCRIPTEN_KEEPALIVE int vramcalc_files_waiting() {
    return g_state && !g_state->model_files.model.ok && !g_state->model_files.model.missing.empty() ? 1 : 0;
}

// A chosen log file: its first kMaxLogBytes go to the "Your log" box, named as cut when the file
// is longer. Sizes cross as doubles: wasm32's size_t is 32 bits.
EMSCRIPTEN_KEEPALIVE void vramcalc_log_file(const char* name, const char* text, double size) {
    if (!g_state) return;
    vramcalc::web::set_log_text(*g_state, text, vramcalc::web::chosen_log_name(name, size));
}

EMSCRIPTEN_KEEPALIVE const char* vramcalc_model_files_json() {
    if (!g_state) return "null";
    g_json = vramcalc::web::model_files_json(*g_state).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return g_json.c_str();
}

}  // extern "C"

namespace vramcalc::wasm {

void install_file_reader(web::AppState* state, void (*wake)()) {
    g_state = state;
    g_wake = wake;
    js_install_file_reader(static_cast<double>(vramcalc::logtext::kMaxLogBytes), static_cast<double>(web::kMaxJsonFileBytes));
}

void pick_files_if_asked(web::AppState& st) {
    // Within the click's transient user activation (the next frame).
    if (st.model_files.pick_requested) {
        st.model_files.pick_requested = false;
        js_pick_files();
    }
    if (st.log.pick_requested) {
        st.log.pick_requested = false;
        js_pick_log_file();
    }
}

}  // namespace vramcalc::wasm
