// What the page remembers about a pasted engine log (the "Your log" tab, web/log_paste.h) and the
// calibrations kept on this device. Plain data in AppState. The log's text lives here only: never
// saved, never in a link; a calibration keeps the figures and what the log named, nothing more.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/logs/log_reading.h"
#include "core/logs/reconcile.h"

namespace vramcalc::web {

// A calibration measured on one machine: kept in localStorage ("vramcalc.calibrations") and offered
// again when the page shows the same engine on the same GPU.
struct StoredCalibration {
    std::string engine;            // vllm, llamacpp
    std::string gpu;               // the GPU it was measured on (calibration_gpu_key): "h100-sxm", "79.19 GiB"
    std::string from;              // what the log named: "vLLM 0.19.0, codellama/CodeLlama-7b-hf"
    double cal_non_torch_gib = 0;  // the Scenario fields of the same names
    double cal_activation_gib = 0;
    double cal_compute_mib = 0;
};

struct LogPanelState {
    std::string text;              // the paste, kept whatever happens (an error never clears it)
    std::string file_name;         // a dropped or chosen .log / .txt file, "" for a paste
    bool pick_requested = false;   // "Choose a log file..." was clicked: the glue opens the picker
    std::uint64_t text_revision = 0;  // bumps on every change of `text` (cheaper than comparing 16 MiB)
    // Bumps when the text is replaced from outside the box (a drop, Clear, the API): the box is drawn
    // under a new ID, so a box being edited shows the new text instead of keeping its own copy.
    int box_generation = 0;
    std::uint64_t read_revision = ~0ull;  // the text revision `reading` is of
    std::string base_key;          // the base scenario `rc` was reconciled over (log_paste.cpp)
    LogReading reading;
    Reconciliation rc;
    std::string error;             // why there is no table: not a log, too large, cannot estimate
    std::vector<StoredCalibration> stored;   // this device's calibrations, newest last
    std::uint64_t stored_revision = 0;       // bumps on every change of `stored` (wasm/ writes localStorage)
    std::string offer_declined;    // "engine|gpu" of the offer put aside in this visit
};

}  // namespace vramcalc::web
