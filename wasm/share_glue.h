// Share links and exports in the browser: the page's address fragment <-> its scenario, and text
// downloads for the export buttons. The codec itself is core/share_link.h; this file only moves
// strings between it and the browser (location.hash, history, Blob downloads).
//
// Hooks for the page (wasm/main.cpp, web/app.cpp):
//   at start-up:     if (auto link = link_from_location()) { state.scenario = link->scenario; show link->ignored }
//   after each frame that changed the scenario: write_link_to_location(state.scenario);
//   once:            install_link_listener(on_link_changed);  // on_link_changed re-reads link_from_location()
//   "Copy link":     ImGui::SetClipboardText(share_url(state.scenario).c_str());
//   export buttons:  download_text("vramcalc.md", "text/markdown", result_markdown(s, e)); ...
// Without any hook, JS (and browser tests) can call the codec directly:
//   Module.ccall("vramcalc_share_encode", "string", ["string"], [JSON.stringify(scenario)])  -> "v=1&..."
//   Module.ccall("vramcalc_share_decode", "string", ["string"], ["#v=1&..."])
//       -> '{"scenario":{...},"ignored":[...],"warnings":[...]}'
#pragma once
#include <optional>
#include <string>

#include "core/scenario.h"
#include "core/share_link.h"

namespace vramcalc::wasm {

// The link the page was opened with (location.hash), decoded over a fresh Scenario{}; nullopt when
// the address has no fragment (or only "#").
std::optional<DecodedLink> link_from_location();

// Puts the scenario's fragment in the address bar with history.replaceState: no history entry per
// edit, no hashchange event, no scrolling. Skips the call when the fragment did not change.
void write_link_to_location(const Scenario& s);

// The address to share: the page's address without its fragment, then '#' and the fragment.
std::string share_url(const Scenario& s);

// Calls on_change when the user changes the fragment (pastes another link into the address bar of an
// open page, or goes back to one); write_link_to_location's own writes do not trigger it.
void install_link_listener(void (*on_change)());

// Offers `text` as a file download (a Blob and a temporary <a download>).
void download_text(const std::string& filename, const std::string& mime_type, const std::string& text);

}  // namespace vramcalc::wasm
