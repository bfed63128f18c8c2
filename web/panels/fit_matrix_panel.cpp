// Fit matrix: models x weight formats for the chosen hardware and workload (core/fit_matrix.h),
// green / amber (tight) / red. Cells are computed a few per frame, only while this tab is open and
// only when the inputs changed, so the page stays responsive; a click selects that model + format.
#include <algorithm>
#include <chrono>
#include <iterator>
#include <string>
#include <utility>

#include "core/catalog.h"
#include "core/formats.h"
#include "core/text.h"
#include "web/compute.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

// Time spent on cells per frame: well under the 50 ms a frame may take while the tab is open; less
// while it is closed and the page computes the matrix ahead (the user is doing something else).
constexpr double kBudgetMs = 24.0;
constexpr double kAheadBudgetMs = 8.0;

// The chosen model first, then every catalog model of the chosen scope (its family, or all; typing a
// filter searches the whole catalog). No row cap: a family or the whole catalog is listed in full.
std::vector<std::string> matrix_rows(const AppState& st) {
    std::vector<std::string> rows;
    if (is_custom(st.scenario)) rows.push_back("custom");
    const ModelInfo* current = is_custom(st.scenario) ? nullptr : find_model(st.scenario.model);
    if (current) rows.push_back(current->id);
    for (const ModelInfo& m : model_catalog()) {
        if (current && m.id == current->id) continue;
        const bool in_scope = st.matrix.rows == MatrixRows::All || !st.matrix.filter.empty() || (current && m.family == current->family);
        if (in_scope && matches_filter(m.name + " " + m.family + " " + m.id + " " + m.license, st.matrix.filter)) rows.push_back(m.id);
    }
    return rows;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += s + ",";
    return out;
}

void restart(FitMatrixView& view, const Scenario& base, std::vector<std::string> rows, std::vector<std::string> cols, std::string key) {
    view.key = std::move(key);
    view.matrix = FitMatrix{};
    view.matrix.base = base;
    view.matrix.rows = std::move(rows);
    view.matrix.cols = std::move(cols);
    view.matrix.cells.assign(view.matrix.rows.size(), std::vector<FitCell>(view.matrix.cols.size()));
    view.computed.assign(view.matrix.rows.size(), std::vector<bool>(view.matrix.cols.size(), false));
    view.next_cell = 0;
    view.complete = view.matrix.rows.empty() || view.matrix.cols.empty();
}

void compute_some(AppState& st, double budget_ms) {
    FitMatrixView& v = st.matrix;
    const int ncols = static_cast<int>(v.matrix.cols.size());
    const int total = static_cast<int>(v.matrix.rows.size()) * ncols;
    const auto start = std::chrono::steady_clock::now();
    while (v.next_cell < total) {
        const int r = v.next_cell / ncols, c = v.next_cell % ncols;
        const FitMatrix one = fit_matrix(v.matrix.base, {v.matrix.rows[static_cast<std::size_t>(r)]}, {v.matrix.cols[static_cast<std::size_t>(c)]});
        v.matrix.cells[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] = one.cells[0][0];
        v.computed[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] = true;
        ++v.next_cell;
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (ms > budget_ms) break;
    }
    v.complete = v.next_cell >= total;
    if (!v.complete) st.want_frames = true;
}

ImU32 cell_colour(const AppState& st, FitLevel level) {
    const Palette& pal = palette(st.dark);
    ImVec4 c = level == FitLevel::Fits ? pal.fits : level == FitLevel::Tight ? pal.tight : pal.nofit;
    c.w = level == FitLevel::Error ? 0.10f : 0.28f;
    return ImGui::GetColorU32(c);
}

std::string row_name(const AppState& st, const std::string& id) {
    if (id == "custom") return "Custom: " + st.custom.name;
    const ModelInfo* m = find_model(id);
    return m ? m->name : id;
}

// Rows: the chosen model's family or every catalog model, and a filter that searches the catalog.
void draw_row_scope(AppState& st) {
    FitMatrixView& v = st.matrix;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Models:");
    ImGui::SameLine();
    ImGui::BeginDisabled(!v.filter.empty());
    if (ImGui::RadioButton("this model's family", v.rows == MatrixRows::Family)) v.rows = MatrixRows::Family;
    ImGui::SameLine();
    if (ImGui::RadioButton("all models", v.rows == MatrixRows::All)) v.rows = MatrixRows::All;
    ImGui::EndDisabled();
    const float filter_w = px(st, 240);
    flow_next(filter_w);
    ImGui::SetNextItemWidth(filter_w);
    input_text("##matrix_filter", v.filter, 0, "filter (e.g. llama 70b, qwen)");
    item_tooltip("Typing here searches every catalog model by name, family and Hugging Face id.");
}

// Column widths that hold the header and the widest cell ("1000.0 GiB", "n/a") without cutting.
float format_column_width(const std::string& header) {
    return std::max(ImGui::CalcTextSize(header.c_str()).x, ImGui::CalcTextSize("1000.0 GiB").x) + ImGui::GetStyle().CellPadding.x * 2;
}

float model_column_width(const AppState& st) {
    float w = ImGui::CalcTextSize("model").x;
    for (const auto& id : st.matrix.matrix.rows) w = std::max(w, ImGui::CalcTextSize(row_name(st, id).c_str()).x);
    return w + ImGui::GetStyle().CellPadding.x * 2;
}

// Restarts the matrix when its inputs changed, then computes cells for up to `budget_ms`.
void update_matrix(AppState& st, double budget_ms) {
    FitMatrixView& v = st.matrix;
    std::vector<std::string> rows = matrix_rows(st);
    // This runs on every frame the page draws, and matrix_formats resolves every row's model (the
    // whole catalog: about 25 ms in the page): the formats and the cells' key are found again only
    // when the scenario or the rows changed.
    if (std::string cols_key = current_scenario_key(st) + "|" + join(rows); cols_key != v.cols_key) {
        v.cols = matrix_formats(st.scenario, rows);
        v.cols_key = std::move(cols_key);
        // Every cell overrides model and weights: a click on a cell must not recompute the matrix.
        Scenario base = st.scenario;
        base.model.clear();
        base.weights.clear();
        const std::string key = scenario_key(base) + "|" + join(rows) + "|" + join(v.cols);
        if (key != v.key) restart(v, st.scenario, std::move(rows), v.cols, key);
    }
    if (!v.complete) compute_some(st, budget_ms);
}

}  // namespace

void compute_fit_matrix_ahead(AppState& st) {
    if (st.tab == Tab::FitMatrix || !st.answers.done || !st.result.ok) return;
    update_matrix(st, kAheadBudgetMs);
}

void draw_fit_matrix_panel(AppState& st) {
    FitMatrixView& v = st.matrix;
    draw_row_scope(st);
    update_matrix(st, kBudgetMs);

    const int total = static_cast<int>(v.matrix.rows.size() * v.matrix.cols.size());
    const std::string status = !v.complete ? "computing " + std::to_string(v.next_cell) + " / " + std::to_string(total) + "..."
        : count_of(static_cast<std::int64_t>(v.matrix.rows.size()), "model") + " x " +
              count_of(static_cast<std::int64_t>(v.matrix.cols.size()), "format") + ", on " + count_of(st.scenario.gpus, "GPU") + ", " +
              format_tokens(st.scenario.context) + " context, " + std::to_string(st.scenario.batch) + " concurrent";
    ImGui::TextDisabled("%s", status.c_str());

    // The legend, wrapping piece by piece on a narrow screen.
    const Palette& pal = palette(st.dark);
    const std::string tight = "tight (< " + std::to_string(static_cast<int>(kTightHeadroomFraction * 100)) + "% free)";
    const std::pair<const char*, ImVec4> keys[] = {{"fits", pal.fits}, {tight.c_str(), pal.tight}, {"does not fit", pal.nofit},
                                                   {"each cell: what the model needs per GPU (the verdict's \"needs\"); click to select", pal.dim}};
    for (std::size_t i = 0; i < std::size(keys); ++i) {
        if (i > 0) flow_next(ImGui::CalcTextSize(keys[i].first).x);
        ImGui::TextColored(keys[i].second, "%s", keys[i].first);
    }

    const int ncols = static_cast<int>(v.matrix.cols.size()) + 1;
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollX |
                                  ImGuiTableFlags_ScrollY;
    if (ncols < 2 || !ImGui::BeginTable("matrix", ncols, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("model", ImGuiTableColumnFlags_WidthFixed, model_column_width(st));
    for (const auto& id : v.matrix.cols) {
        const auto f = find_weight_format(id);
        const std::string header = f ? f->name : id;
        ImGui::TableSetupColumn(header.c_str(), ImGuiTableColumnFlags_WidthFixed, format_column_width(header));
    }
    ImGui::TableHeadersRow();
    for (std::size_t r = 0; r < v.matrix.rows.size(); ++r) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        const std::string& id = v.matrix.rows[r];
        const bool current_row = id == "custom" ? is_custom(st.scenario) : (!is_custom(st.scenario) && id == st.scenario.model);
        if (current_row) ImGui::TextColored(pal.accent, "%s", row_name(st, id).c_str());
        else ImGui::TextUnformatted(row_name(st, id).c_str());
        if (const ModelInfo* m = find_model(id)) item_tooltip(format_params(m->params_published) + " params, " + architecture_label(*m));
        for (std::size_t c = 0; c < v.matrix.cols.size(); ++c) {
            ImGui::TableSetColumnIndex(static_cast<int>(c) + 1);
            if (!v.computed[r][c]) {
                ImGui::TextDisabled("...");
                continue;
            }
            const FitCell& cell = v.matrix.cells[r][c];
            ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, cell_colour(st, cell.level));
            const bool selected = current_row && v.matrix.cols[c] == st.scenario.weights;
            const std::string text = cell.level == FitLevel::Error ? "n/a" : size_text(st, cell.needed_bytes);
            ImGui::PushID(static_cast<int>(r * 100 + c));
            if (ImGui::Selectable(text.c_str(), selected)) {
                Scenario next = st.scenario;
                if (id != "custom") {
                    next.model = id;
                    next.custom_config.clear();
                    next.custom_params = 0;
                    next.custom_name.clear();
                }
                next.weights = v.matrix.cols[c];
                set_scenario(st, next);
            }
            ImGui::PopID();
            if (cell.level == FitLevel::Error) item_tooltip(cell.error);
            else item_tooltip(std::string(fit_level_id(cell.level)) + ": needs " + size_text(st, cell.needed_bytes) + " of " +
                              size_text(st, cell.gpu_memory_bytes) + " per GPU (" +
                              (cell.headroom_bytes >= 0 ? size_text(st, static_cast<Bytes>(cell.headroom_bytes)) + " free)"
                                                        : "short by " + size_text(st, static_cast<Bytes>(-cell.headroom_bytes)) + ")") +
                              "\nClick to select " + row_name(st, id) + " in " + v.matrix.cols[c]);
        }
    }
    ImGui::EndTable();
}

}  // namespace vramcalc::web
