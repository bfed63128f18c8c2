# Writes the catalog JSON files into the linked page as text blocks (wasm/catalog_web.cpp reads
# them at start), where the marker <!-- vramcalc catalogs --> stands in shell.html. Run after the
# link of vramcalc.html:
#   cmake -DDATA_DIR=core/data -DPAGE=build-wasm/vramcalc.html -P scripts/page_catalog.cmake
# "</" is written as "<\/" (the same JSON string), so no catalog text can close its <script> block.
if(NOT DATA_DIR OR NOT PAGE)
    message(FATAL_ERROR "page_catalog.cmake needs -DDATA_DIR=... and -DPAGE=...")
endif()
set(marker "<!-- vramcalc catalogs -->")
file(READ "${PAGE}" page)
string(FIND "${page}" "${marker}" at)
if(at EQUAL -1)
    message(FATAL_ERROR "${PAGE} has no '${marker}' (shell.html) or its catalogs are already written")
endif()
set(blocks "")
foreach(pair "models;vramcalc-models" "gpus;vramcalc-gpus" "formats;vramcalc-formats")
    list(GET pair 0 name)
    list(GET pair 1 id)
    file(READ "${DATA_DIR}/${name}.json" text)
    string(REPLACE "</" "<\\/" text "${text}")
    string(APPEND blocks "<script type=\"application/json\" id=\"${id}\">${text}</script>\n")
endforeach()
string(REPLACE "${marker}" "${blocks}" page "${page}")
file(WRITE "${PAGE}" "${page}")
