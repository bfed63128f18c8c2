// The page's catalogs (core/data/embedded.h) come from plain JSON blocks in vramcalc.html
// (<script type="application/json" id="vramcalc-models"> ..., written in by scripts/pack_page.mjs
// after the link) instead of strings inside the wasm: as text in the page, the catalogs gzip like
// text (models.json: 447 KB -> 47 KB). This object defines the three functions, so the linker
// never takes core's embedded copy (generated/embedded_data.cpp) out of the vramcalc_core archive.
#include <cstdlib>
#include <string>

#include <emscripten.h>

#include "core/data/embedded.h"

namespace {

// The block's text (malloc'd, NUL-terminated), or null when the page has no such block. The
// browser's TextEncoder writes the UTF-8: Emscripten's stringToUTF8 walks the 450 KB of models.json
// a character at a time in JS, about 20 ms of the page's start-up.
EM_JS(char*, js_catalog_block, (const char* id), {
    var el = document.getElementById(UTF8ToString(id));
    if (!el) return 0;
    var bytes = new TextEncoder().encode(el.textContent);
    var ptr = _malloc(bytes.length + 1);
    if (!ptr) return 0;
    HEAPU8.set(bytes, ptr);
    HEAPU8[ptr + bytes.length] = 0;
    return ptr;
});

// A missing block reads as an empty catalog, which the page reports as a catalog problem.
std::string block(const char* id, const char* empty) {
    char* p = js_catalog_block(id);
    if (!p) return empty;
    std::string s = p;
    std::free(p);
    return s;
}

}  // namespace

namespace vramcalc {

std::string_view embedded_models_json() {
    static const std::string text = block("vramcalc-models", "[]");
    return text;
}

std::string_view embedded_gpus_json() {
    static const std::string text = block("vramcalc-gpus", "[]");
    return text;
}

std::string_view embedded_formats_json() {
    static const std::string text = block("vramcalc-formats", "{}");
    return text;
}

}  // namespace vramcalc
