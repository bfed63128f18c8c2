// The page's side of models given as files or fetched from the Hub (see model_files_state.h): each
// call takes what the browser glue read or received and updates AppState; a complete model becomes the
// scenario's custom model (config, tensor summary, format, name) like a pasted config.json does.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "core/hub.h"
#include "web/app_state.h"

namespace vramcalc::web {

// Local files. The glue reads a prefix of each file and calls file_header; the answer is the length
// of the next prefix to read, or 0 when that file is done (parsed or refused).
void begin_local_files(AppState& st);
std::uint64_t file_header(AppState& st, const std::string& name, Bytes size, std::span<const std::uint8_t> prefix);
void file_text(AppState& st, const std::string& name, const std::string& text);
// A .json read whole, up to this size: config.json and safetensors indexes are KB to a few MB.
inline constexpr Bytes kMaxJsonFileBytes = Bytes{16} << 20;
// A file the glue did not read (a .json over kMaxJsonFileBytes, or one the browser failed to read):
// listed with why, so a drop never ends in silence.
void json_file_too_large(AppState& st, const std::string& name, Bytes size);
void file_unreadable(AppState& st, const std::string& name, Bytes size);
void end_local_files(AppState& st);
void clear_model_files(AppState& st);

// The Hub. start_hub_fetch begins (after the user's click); hub_next_request is the next request to
// send, if any; hub_response hands an answer back.
void start_hub_fetch(AppState& st, const std::string& repo, const std::string& gguf_file = "");
std::optional<HubRequest> hub_next_request(AppState& st);
void hub_response(AppState& st, const HubResponse& r);

// For tests and embedders (window.vramcalc.modelFiles()).
nlohmann::json model_files_json(const AppState& st);

}  // namespace vramcalc::web
