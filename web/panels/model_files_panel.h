// The model panel's part for models given as files or fetched from the Hub (web/model_files.h).
#pragma once
#include <string>

#include "web/app_state.h"

namespace vramcalc::web {

// "Model files" (choose or drop .gguf / .safetensors / index / config.json: what was read, what is
// missing) and "Hugging Face" (repo id, Fetch button, endpoint and token settings, progress line).
void draw_model_files_panel(AppState& st);

// In the model picker: when `filter` is a repo id the catalog does not know, a row offering to fetch
// it from the Hub. Returns true when clicked or `activate` (Enter in the filter): the fetch has started
// and the caller closes the picker.
bool draw_hub_offer(AppState& st, const std::string& filter, bool activate);

}  // namespace vramcalc::web
