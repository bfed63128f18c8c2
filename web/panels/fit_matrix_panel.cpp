// Fit matrix: models x weight formats for the chosen hardware and workload (core/fit_matrix.h),
// green / amber (tight) / red. Cells are computed a few per frame, only while this tab is open and
// only when the inputs changed, so the page stays responsive; a click selects that model + format.
#include <algorithm>
#include <chrono>

#include "core/catalog.h"
#include "core/formats.h"
#include "core/text.h"
#include "web/compute.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

// Time spent on cells per frame: well under the 50 ms a frame may take.
constexpr double kBudgetMs = 24.0;
constexpr std::size_t kMaxRows = 40;

std::vector<std::string> matrix_rows(const AppState& st) {
    std::vector<std::string> rows;
    const auto& models = model_catalog();
    if (is_custom(st.scenario)) rows.push_back("custom");
    const ModelInfo* current = is_custom(st.scenario) ? nullptr : find_model(st.scenario.model);
    for (const ModelInfo& m : models) {
        if (rows.size() >= kMaxRows) break;
        bool take;
        if (!st.matrix.filter.empty()) take = matches_filter(m.name + " " + m.family + " " + m.id + " " + m.license, st.matrix.filter);
        else if (st.matrix.family_only && current) take = m.family == current->family;
        else take = current ? m.id == current->id : false;
        if (take) rows.push_back(m.id);
    }
    if (current && std::find(rows.begin(), rows.end(), current->id) == rows.end()) rows.insert(rows.begin(), current->id);
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

void compute_some(AppState& st) {
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
        if (ms > kBudgetMs) break;
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

}  // namespace

void draw_fit_matrix_panel(AppState& st) {
    FitMatrixView& v = st.matrix;
    ImGui::SetNextItemWidth(px(st, 220));
    input_text("##matrix_filter", v.filter, 0, "filter models (e.g. llama 70b, qwen)");
    ImGui::SameLine();
    ImGui::BeginDisabled(!v.filter.empty());
    ImGui::Checkbox("the chosen model's family", &v.family_only);
    item_tooltip("Rows: the chosen model's family; type in the filter box for other models (up to 40 rows)");
    ImGui::EndDisabled();

    std::vector<std::string> rows = matrix_rows(st);
    std::vector<std::string> cols = matrix_formats(st.scenario, rows);
    // Every cell overrides model and weights: a click on a cell must not recompute the matrix.
    Scenario base = st.scenario;
    base.model.clear();
    base.weights.clear();
    const std::string key = scenario_key(base) + "|" + join(rows) + "|" + join(cols);
    if (key != v.key) restart(v, st.scenario, std::move(rows), std::move(cols), key);
    if (!v.complete) compute_some(st);

    const int total = static_cast<int>(v.matrix.rows.size() * v.matrix.cols.size());
    flow_next(px(st, 380));
    if (!v.complete) ImGui::TextDisabled("computing %d / %d...", v.next_cell, total);
    else ImGui::TextDisabled("%zu models x %zu formats, on %d GPU(s), %s context, %lld concurrent",
                             v.matrix.rows.size(), v.matrix.cols.size(), st.scenario.gpus,
                             format_tokens(st.scenario.context).c_str(), static_cast<long long>(st.scenario.batch));

    const Palette& pal = palette(st.dark);
    ImGui::TextColored(pal.fits, "fits");
    ImGui::SameLine();
    ImGui::TextColored(pal.tight, "tight (< %d%% free)", static_cast<int>(kTightHeadroomFraction * 100));
    ImGui::SameLine();
    ImGui::TextColored(pal.nofit, "does not fit");
    ImGui::SameLine();
    ImGui::TextDisabled("- each cell: what the model needs per GPU (the verdict's \"needs\"); click to select");

    const int ncols = static_cast<int>(v.matrix.cols.size()) + 1;
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollX |
                                  ImGuiTableFlags_ScrollY;
    if (ncols < 2 || !ImGui::BeginTable("matrix", ncols, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("model", ImGuiTableColumnFlags_WidthFixed, px(st, 190));
    for (const auto& id : v.matrix.cols) {
        const auto f = find_weight_format(id);
        ImGui::TableSetupColumn(f ? f->name.c_str() : id.c_str(), ImGuiTableColumnFlags_WidthFixed, px(st, 82));
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
