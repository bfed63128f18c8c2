// The page's whole state: the scenario the user is asking about, the answers computed from it (cached,
// recomputed only when the scenario changes), and what the panels remember between frames.
// Knows the core and nothing of ImGui or the browser: wasm/ fills PlatformHooks.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/colocation.h"
#include "core/context_sweep.h"
#include "core/estimate.h"
#include "core/fit_matrix.h"
#include "core/scenario.h"
#include "core/solvers.h"
#include "core/text.h"
#include "web/figure_bands.h"
#include "web/input_state.h"
#include "web/log_state.h"
#include "web/model_files_state.h"
#include "web/widget_state.h"

namespace vramcalc::web {

// What the page needs from the browser; wasm/main.cpp fills these (empty in a native build).
struct PlatformHooks {
    std::function<std::string(const Scenario&)> share_url;
    std::function<void(const std::string& filename, const std::string& mime, const std::string& text)> download;
    std::function<void()> save_page;          // download the page itself for offline use
    std::function<void(const std::string&)> copy_text;  // the clipboard: every copy goes through it (web/copy.cpp)
};

// The answers that cost many estimates (solvers.h). Filled one step per frame after a change, so a
// change never blocks a frame for long.
struct Answers {
    bool done = false;
    int step = 0;
    std::optional<std::int64_t> largest_context;
    std::optional<std::int64_t> largest_concurrency;
    std::optional<std::string> best_weights;
    std::optional<Scenario> fewest_gpus;   // tp/pp auto: the layout below is what the engine runs
    ParallelLayout fewest_layout;
    std::vector<Suggestion> suggestions;
    std::vector<double> step_ms;        // what each step cost (shown to tests through getView)
};

// Which catalog models the fit matrix lists (a non-empty filter narrows any of them).
enum class MatrixRows { Family, All };

struct FitMatrixView {
    std::string filter;                 // rows: models whose name/family/id contains every word of it
    MatrixRows rows = MatrixRows::Family;
    std::string key;                    // inputs the cells below were computed for
    std::string cols_key;               // scenario and rows the formats below were found for
    std::vector<std::string> cols;      // matrix_formats: it resolves every row's model, so once per change
    FitMatrix matrix;                   // rows x cols; filled progressively
    std::vector<std::vector<bool>> computed;
    int next_cell = 0;                  // row-major index of the next cell to compute
    bool complete = false;
};

struct ChartView {
    std::string key;
    ContextSweep sweep;
    bool valid = false;
};

struct ColocationView {
    std::vector<Scenario> others;       // deployments beside the main one (same GPUs)
    std::string key;
    Colocation result;
};

struct CustomModelForm {
    bool active = false;                // the model panel shows the custom form
    int mode = 0;                       // 0: config.json text, 1: typed numbers, 2: parameters only
    std::string config_text;            // what the user pasted or typed, kept even when it does not parse
    std::string config_error;
    std::vector<std::string> config_warnings;
    int hidden = 4096, layers = 32, heads = 32, kv_heads = 8, intermediate = 14336, vocab = 128256;
    int max_context = 32768;
    double params_billion = 7.0;
    std::string name = "my-model";
};

enum class Tab { Breakdown, FitMatrix, Chart, Colocation, Log };

// A link named a model the catalog does not know: the page says so (with the nearest ids) instead of
// answering for the model it shows meanwhile, until the user picks a model.
struct MissingModel {
    std::string asked;                  // the link's text, escaped for display
    std::vector<std::string> near;      // did-you-mean catalog ids
    std::string shown_instead;          // scenario.model while the state lasts
};

struct AppState {
    Scenario scenario;

    // ---- cached answers (recomputed when scenario_key changes)
    std::string scenario_key;           // scenario_to_json(scenario).dump() the caches below belong to
    // scenario_key(scenario) as last built, for the scenario it was built from (several readers a
    // frame; built again only when the scenario changed: current_scenario_key)
    Scenario key_of_scenario;
    std::string key_of_scenario_text;
    bool key_of_scenario_built = false;
    Estimate result;
    std::optional<ResolvedScenario> resolved;
    // The scenario on screen resolved even while a link's model is missing (resolved is then empty):
    // the engines' defaults shown beside knobs (vLLM's 0.9 utilization) come from it.
    std::optional<ResolvedScenario> shown;
    FigureBands bands;                  // the error band of each estimated figure (empty without an answer)
    std::string command;
    Answers answers;
    std::uint64_t revision = 0;         // bumps on every change of the scenario (drives link/localStorage writes)
    // The scenario came from the address bar: its revision is already there, so the link is not
    // rewritten (canonicalised) until the user changes something.
    bool from_link = false;
    std::uint64_t link_revision = 0;
    std::optional<MissingModel> missing_model;

    // ---- view state
    SizeUnit unit = SizeUnit::GiB;
    bool dark = true;
    double ram_gib = 64.0;              // the machine's system RAM, for the RAM bar beside the GPU bars
    bool narrow = false;                // phone-width layout (set each frame from the display width)
    float ui_scale = 1.0f;              // device pixels per CSS pixel
    Tab tab = Tab::Breakdown;
    Tab requested_tab = Tab::Breakdown;
    bool tab_request = false;
    PickerState model_picker;
    PickerState gpu_picker;
    PickerState weights_picker;
    Refusals weight_refusals;           // the weights picker's disabled rows
    Refusals kv_refusals;               // the KV cache combo's disabled rows
    CopyMenuState copy_menu;
    InputState input;                   // wheel, touch and keyboard handling (web/input.cpp)
    CustomModelForm custom;
    ModelFilesState model_files;        // a model given as files or fetched from the Hub
    FitMatrixView matrix;
    ChartView chart;
    ColocationView colocation;
    LogPanelState log;                  // a pasted engine log and the calibrations kept on this device

    // ---- messages
    std::string notice;                 // one line shown under the toolbar ("Link: ignored ctx=abc")
    double notice_until = 0.0;          // ImGui time; 0 = until dismissed
    std::string toast;                  // short confirmation ("Link copied")
    double toast_until = 0.0;

    double now = 0.0;                   // seconds since the page started (ImGui time), set every frame
    bool want_frames = false;           // more work pending: the platform should draw another frame
    PlatformHooks platform;

    // legacy hook: the last file dropped on the page
    std::string dropped_file;
};

}  // namespace vramcalc::web
