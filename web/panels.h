// The panels of the page, one file each under web/panels/. Each draws part of AppState and edits it;
// none computes more than the core gives it (web/compute.cpp owns the cached answers).
#pragma once
#include "web/app_state.h"

namespace vramcalc::web {

// Inputs (left column)
void draw_model_panel(AppState& st);        // catalog picker, custom config / numbers
void draw_precision_panel(AppState& st);    // weight and KV formats
void draw_hardware_panel(AppState& st);     // GPU picker, count, nodes, TP, PP
void placement_rows(AppState& st);          // llama.cpp -ot / --tensor-split, mixed GPU list (placement_rows.cpp)
void draw_workload_panel(AppState& st);     // engine, context, concurrency, engine knobs

// Answers (right column)
void draw_toolbar(AppState& st);            // title, copy link, export, save, units, theme
void draw_verdict_panel(AppState& st);      // FITS / DOES NOT FIT, headroom, per-GPU bars
void draw_breakdown_panel(AppState& st);    // every figure, largest context/concurrency, suggestions
void draw_fit_matrix_panel(AppState& st);   // models x formats
// While the Fit matrix tab is closed and the answers are done: a few of its cells per frame, so the
// matrix is ready when the tab opens.
void compute_fit_matrix_ahead(AppState& st);
void draw_chart_panel(AppState& st);        // memory vs context
void draw_colocation_panel(AppState& st);   // several deployments on one budget
void draw_command_panel(AppState& st);      // the launch command with Copy
void draw_log_panel(AppState& st);          // a pasted engine log reconciled, Use this setup, Calibrate (log_panel.cpp)
void draw_calibration_offer(AppState& st);  // under the toolbar: a calibration kept for this engine and GPU

}  // namespace vramcalc::web
