// What the page remembers about a model given as files (dropped or picked, header only) or fetched from
// the Hugging Face Hub on request. Plain data in AppState; web/model_files.cpp changes it, the model
// files panel draws it, wasm/ glue feeds it bytes. The Hub token lives here only: never saved, never
// in a link.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/hub.h"
#include "core/model_files.h"

namespace vramcalc::web {

struct FileRead {
    std::string name;
    Bytes size = 0;          // the whole file
    Bytes bytes_read = 0;    // what the page read of it (the header, or a small text file)
    std::string status;      // "header: 412 tensors", "waiting", or what is wrong
};

struct ModelFilesState {
    std::vector<ModelFile> files;       // every file given so far for the current model
    std::vector<ModelFile> batch;       // the files of the drop or pick being read
    std::vector<FileRead> reads;        // one line per file, for the panel
    ModelFromFiles model;               // the files combined (missing parts, notes, error)
    Bytes bytes_read = 0;               // all bytes read from local files since the page opened
    int reading = 0;                    // files still being read
    bool pick_requested = false;        // the panel's "Choose files..." was clicked: the glue opens the picker

    std::string hub_endpoint = kHubDefaultEndpoint;  // HF_ENDPOINT convention: a mirror's URL
    std::string hub_token;              // memory only
    std::string hub_repo;               // the repo id typed in the panel
    std::string hub_file;               // the GGUF chosen when the repo holds several
    std::shared_ptr<HubSession> hub;    // a fetch in progress
    int hub_request_id = 0;             // the request in flight (0: none)
    int hub_requests_made = 0;          // numbers the next request, so a late answer to an old one is known
    std::string hub_status;             // progress line, result or error
    std::vector<std::string> hub_choices;
};

}  // namespace vramcalc::web
