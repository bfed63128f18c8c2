// "Your log": a pasted or dropped engine start-up log, read and reconciled with our estimate (each
// figure the log printed beside ours, the difference and the published measurements' band), with
// "Use this setup" and "Calibrate"; the calibrations kept on this device; and the offer of a stored
// calibration under the toolbar. The logic is web/log_paste.cpp.
#include <string>

#include "web/compute.h"
#include "web/log_paste.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

float button_width(const char* label) { return ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2; }

void draw_box(AppState& st) {
    LogPanelState& log = st.log;
    dim_text("Paste a vLLM, llama.cpp (llama-server, Ollama) or SGLang start-up log in the box (Ctrl+V), drop a "
             ".log / .txt file on the page, or choose one. It is read here, in the page: nothing is sent.");
    if (ImGui::SmallButton("Choose a log file...")) log.pick_requested = true;
    item_tooltip(("A start-up log saved as a file (its first " + log_limit_text() + " are read: the start-up comes first).").c_str());
    ImGui::PushID(log.box_generation);
    if (input_text_multiline("##log", log.text, ImVec2(-1, px(st, st.narrow ? 120 : 140)), ImGuiInputTextFlags_AllowTabInput)) {
        log.file_name.clear();
        ++log.text_revision;
    }
    ImGui::PopID();
    if (!log.text.empty()) {
        if (ImGui::SmallButton("Clear")) set_log_text(st, "");
        ImGui::SameLine();
        ImGui::TextDisabled("%s", (log.file_name.empty() ? format_fixed(static_cast<double>(log.text.size()), 0) + " characters"
                                                         : log.file_name).c_str());
    }
    if (!log.error.empty()) error_text(st, log.error);
}

void draw_table(AppState& st, const std::vector<LogRow>& rows) {
    const Palette& pal = palette(st.dark);
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit |
                                  ImGuiTableFlags_ScrollX;
    // A scrolling table fills the height left in its window unless told (on a phone: nothing left).
    const ImGuiStyle& style = ImGui::GetStyle();
    const float row_h = ImGui::GetTextLineHeight() + style.CellPadding.y * 2;
    const ImVec2 size(0, row_h * static_cast<float>(rows.size() + 1) + style.ScrollbarSize + style.CellPadding.y * 2);
    if (!ImGui::BeginTable("log_figures", 6, flags, size)) return;
    ImGui::TableSetupColumn("figure", ImGuiTableColumnFlags_WidthFixed, px(st, 128));
    // One device (one GPU): no device column, so a phone shows ours beside the log's without scrolling.
    bool devices = false;
    for (const LogRow& r : rows) devices = devices || r.device != rows.front().device;
    ImGui::TableSetupColumn("device", ImGuiTableColumnFlags_WidthFixed | (devices ? 0 : ImGuiTableColumnFlags_Disabled), px(st, 74));
    ImGui::TableSetupColumn("your log", ImGuiTableColumnFlags_WidthFixed, px(st, 92));
    ImGui::TableSetupColumn("ours", ImGuiTableColumnFlags_WidthFixed, px(st, 92));
    ImGui::TableSetupColumn("diff", ImGuiTableColumnFlags_WidthFixed, px(st, 54));
    ImGui::TableSetupColumn("band (published runs)", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (const LogRow& r : rows) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextUnformatted(r.label.c_str());
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted(fit_text(r.device, ImGui::GetContentRegionAvail().x).c_str());  // "RPC0[192.168.1.167:50052]"
        item_tooltip(r.device);
        ImGui::TableSetColumnIndex(2);
        ImGui::TextUnformatted(r.measured_text.c_str());
        item_tooltip("Read from the line:\n" + r.line);
        ImGui::TableSetColumnIndex(3);
        if (!r.estimated) {
            ImGui::TextDisabled("-");
            item_tooltip("A figure we do not estimate separately (it is part of another one)");
            continue;
        }
        ImGui::TextUnformatted(r.ours_text.c_str());
        ImGui::TableSetColumnIndex(4);
        ImGui::PushStyleColor(ImGuiCol_Text, r.within_band ? ImGui::GetStyleColorVec4(ImGuiCol_Text) : pal.tight);
        ImGui::TextUnformatted(r.diff_text.c_str());
        ImGui::PopStyleColor();
        item_tooltip(r.within_band ? "(ours - log) / log: within the band our published measurements give this figure"
                                   : "(ours - log) / log: outside the band our published measurements give this figure");
        ImGui::TableSetColumnIndex(5);
        if (r.band_text.empty()) ImGui::TextDisabled("no band yet");
        else ImGui::TextDisabled("%s", fit_text(r.band_text, ImGui::GetContentRegionAvail().x).c_str());
        item_tooltip("How much larger / smaller the real figure has been than our estimate: the 10th and 90th "
                     "percentile over the published measurements of this engine and figure");
    }
    ImGui::EndTable();
}

void draw_reading(AppState& st) {
    LogPanelState& log = st.log;
    if (!log.reading.ok) return;
    ImGui::Spacing();
    ImGui::TextWrapped("%s", log_summary(log.reading).c_str());
    if (log_has_table(st)) {
        if (ImGui::Button("Use this setup")) {
            use_log_setup(st);
            show_toast(st, "The log's setup is in the calculator");
        }
        item_tooltip("Load the scenario the log describes (engine, release, model, GPU memory, context, ...) into the calculator");
    }
    if (log_has_table(st)) flow_next(button_width("Calibrate"));
    if (ImGui::Button("Calibrate")) {
        const std::string said = calibrate_from_log(st);
        if (said.rfind("No ", 0) == 0) log.error = said;
        else show_toast(st, said);
    }
    item_tooltip("Keep the parts your machine measured (vLLM: non-torch memory and activation peak; llama.cpp: compute "
                 "buffer) in the calculator, so other contexts, utilisations, formats and models use them");
    const std::vector<LogRow> rows = log_rows(log);
    if (!rows.empty()) draw_table(st, rows);
    if (log.rc.ok && !log.rc.explanation.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette(st.dark).tight);
        ImGui::TextWrapped("Biggest difference: %s", log.rc.explanation.c_str());
        ImGui::PopStyleColor();
    }
    if (log.rc.ok && !log.rc.lacking.empty()) {
        ImGui::TextUnformatted("What the log does not say");
        for (const std::string& l : log.rc.lacking) dim_text("- " + page_wording(l));
        dim_text("It comes from the calculator's inputs (the model and GPU on the left): change them and this table follows.");
    }
    for (const std::string& n : log.reading.notes) dim_text("note: " + n);
}

void draw_calibrations(AppState& st) {
    ImGui::Spacing();
    section_header("CALIBRATION");
    const Scenario& s = st.scenario;
    if (is_calibrated(s)) {
        ImGui::TextWrapped("This setup is calibrated: %s. Your log's figures replace our model of them in every what-if.",
                           calibration_text(s.cal_non_torch_gib, s.cal_activation_gib, s.cal_compute_mib).c_str());
        if (ImGui::SmallButton("Remove the calibration")) remove_calibration(st);
    } else {
        dim_text("Not calibrated. Calibrate keeps what your machine measured for later what-ifs on it: another context, "
                 "utilisation, quantization or model.");
    }
    auto& stored = st.log.stored;
    if (stored.empty()) return;
    ImGui::Spacing();
    ImGui::TextUnformatted("Kept on this device");
    dim_text("Only the figures, never the log. One is offered when the page shows the same engine on the same GPU, "
             "never applied by itself: a shared link shows the figures it carries.");
    for (std::size_t i = 0; i < stored.size(); ++i) {
        const StoredCalibration& c = stored[i];
        ImGui::PushID(static_cast<int>(i));
        ImGui::TextWrapped("%s on %s: %s", engine_name(c.engine), calibration_gpu_label(c.gpu).c_str(),
                           calibration_text(c.cal_non_torch_gib, c.cal_activation_gib, c.cal_compute_mib).c_str());
        if (!c.from.empty()) item_tooltip("from " + c.from);
        if (ImGui::SmallButton("Apply")) {
            if (s.engine != c.engine) {
                st.scenario.engine = c.engine;
                st.scenario.engine_version.clear();
            }
            apply_stored_calibration(st, c);
        }
        ImGui::SameLine();
        const bool forget = ImGui::SmallButton("Forget");
        ImGui::PopID();
        if (forget) {
            forget_stored_calibration(st, i);
            break;
        }
    }
}

}  // namespace

void draw_log_panel(AppState& st) {
    refresh_log(st);
    draw_box(st);
    draw_reading(st);
    draw_calibrations(st);
}

void draw_calibration_offer(AppState& st) {
    const StoredCalibration* c = calibration_offer(st);
    if (!c) return;
    ImGui::PushStyleColor(ImGuiCol_Text, palette(st.dark).tight);
    ImGui::TextWrapped("Your calibration for %s on %s is kept on this device (%s). Use it here?", engine_name(c->engine),
                       calibration_gpu_label(c->gpu).c_str(), calibration_text(c->cal_non_torch_gib, c->cal_activation_gib, c->cal_compute_mib).c_str());
    ImGui::PopStyleColor();
    if (!c->from.empty()) item_tooltip("from " + c->from);
    if (ImGui::SmallButton("Apply the calibration")) apply_stored_calibration(st, *c);
    ImGui::SameLine();
    if (ImGui::SmallButton("Not now")) decline_calibration_offer(st);
}

}  // namespace vramcalc::web
