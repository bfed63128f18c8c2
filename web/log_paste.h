// The page's side of a pasted engine log: reading and reconciling it (core/logs/) over the page's
// inputs, the rows the "Your log" tab shows, "Use this setup", "Calibrate", and the calibrations
// kept on this device. No ImGui: built into vramcalc_web_logic and tested natively.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "web/app_state.h"

namespace vramcalc::web {

// Replaces the pasted text (a drop, the API, tests); the tab reads it on its next refresh_log.
void set_log_text(AppState& st, std::string text, std::string file_name = "");
// Reads and reconciles the text again when it or the page's model / GPU changed.
void refresh_log(AppState& st);
bool log_has_table(const AppState& st);

// The scenario a log is reconciled over: the engine's defaults, with the log's GPU when it names one
// the catalog has but not its memory (else the page's GPU), and the page's model (catalog or custom)
// when the log names none the catalog knows. What the log lacks thus
// comes from the calculator's inputs, and follows them.
Scenario log_base(const Scenario& page, const LogReading& r);

// readLog(text): `vramcalc reconcile LOG --json`'s JSON over log_base, or {ok: false, error}.
nlohmann::json read_log_json(const Scenario& page, std::string_view text);

// One row of the tab's table: a figure the log printed and ours beside it ("" when we do not
// estimate it). Sizes in the unit the engine prints (GiB for vLLM and SGLang, MiB for llama.cpp).
struct LogRow {
    std::string name;      // the figure's id (log_reading.h): weights, kv_cache, compute_buffer, ...
    std::string label;     // "KV cache"
    std::string device;    // "GPU0", "CUDA1", "host"
    double measured = 0;   // bytes or tokens
    std::string measured_text, ours_text, diff_text, band_text;
    std::string line;      // the log line it was read from (a tooltip)
    bool estimated = false;
    bool within_band = true;
    double relative = 0;
};
std::vector<LogRow> log_rows(const LogPanelState& log);
// "vLLM V1 0.19.0 · codellama/CodeLlama-7b-hf · 1 GPU, 79.19 GiB"
std::string log_summary(const LogReading& r);
// A line of what the log lacks, with the CLI's advice ("give --model") put as the page's.
std::string page_wording(std::string line);
// The tab as JSON for getView(): text size, error, rows, explanation, lacking.
nlohmann::json log_view_json(const AppState& st);

// "Use this setup": the reconciled scenario becomes the page's (uncalibrated).
void use_log_setup(AppState& st);
// "Calibrate": the log's machine figures (vLLM non-torch memory and activation peak, llama.cpp
// compute buffer) go into the page's scenario and are kept on this device. A page on another engine
// takes the log's setup first. Returns the toast, or an error starting with "No ".
std::string calibrate_from_log(AppState& st);
// Sets the scenario's cal_* to 0 and puts the offer of this engine and GPU aside for this visit.
void remove_calibration(AppState& st);
bool is_calibrated(const Scenario& s);
// "non-torch 0.25 GiB, activation peak 0.77 GiB" / "compute buffer 398.38 MiB"
std::string calibration_text(double non_torch_gib, double activation_gib, double compute_mib);

// The GPU a calibration belongs to: the custom memory ("79.19 GiB"), the mixed list, or the catalog id.
std::string calibration_gpu_key(const Scenario& s);
// How the panel names that GPU: the catalog's name, "a 79.19 GiB GPU", or the mixed list.
std::string calibration_gpu_label(const std::string& key);
// A stored calibration for the page's engine and GPU while the scenario has none (and the user did
// not put it aside), or nullptr.
const StoredCalibration* calibration_offer(const AppState& st);
void apply_stored_calibration(AppState& st, const StoredCalibration& c);
void forget_stored_calibration(AppState& st, std::size_t index);
void decline_calibration_offer(AppState& st);

// localStorage's form: [{engine, gpu, from, cal_non_torch_gib, cal_activation_gib, cal_compute_mib}].
// Reading skips bad entries (wrong types, out-of-range figures) and keeps at most kMaxStored.
inline constexpr std::size_t kMaxStoredCalibrations = 16;
nlohmann::json calibrations_to_json(const std::vector<StoredCalibration>& v);
std::vector<StoredCalibration> calibrations_from_json(const nlohmann::json& j);

// A dropped file that goes to the log box: .log / .txt, or any non-JSON text the reader recognises.
bool is_log_file(const std::string& name, std::string_view contents);
// The reader's limit as the page words it: "16 MiB" (logtext::kMaxLogBytes).
std::string log_limit_text();
// A chosen log file's name in the tab, saying when only its first kMaxLogBytes were read:
// "server.log (its first 16 MiB of 17.0 MiB)". The size is a double: wasm32's size_t is 32 bits.
std::string chosen_log_name(const std::string& name, double size_bytes);

}  // namespace vramcalc::web
