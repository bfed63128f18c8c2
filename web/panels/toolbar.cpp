// The bar across the top: the name, Copy link, Export, Save for offline use, GiB/GB and the theme.
#include "core/bounded_json.h"
#include "core/export.h"
#include "web/compute.h"
#include "web/copy.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

void export_item(AppState& st, const char* label, const char* filename, const char* mime, const std::string& text) {
    ImGui::TextUnformatted(label);
    ImGui::SameLine(px(st, 190));
    ImGui::PushID(filename);
    if (ImGui::SmallButton("Copy")) {
        copy_text(st, text, std::string(label) + " copied");
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Download")) {
        if (st.platform.download) st.platform.download(filename, mime, text);
        show_toast(st, std::string("Saved ") + filename);
        ImGui::CloseCurrentPopup();
    }
    ImGui::PopID();
}

}  // namespace

void draw_toolbar(AppState& st) {
    ImGui::PushFont(large_font());
    ImGui::TextUnformatted("vramcalc");
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ImGui::GetTextLineHeight() * 0.35f);
    if (!st.narrow) ImGui::TextDisabled("GPU memory for LLM inference, as the engines count it");

    // Right-aligned buttons (wrap below the title on a phone).
    const char* unit_label = st.unit == SizeUnit::GiB ? "GiB" : "GB";
    const char* theme_label = st.dark ? "Light" : "Dark";
    const ImGuiStyle& style = ImGui::GetStyle();
    auto bw = [&](const char* t) { return ImGui::CalcTextSize(t).x + style.FramePadding.x * 2 + style.ItemSpacing.x; };
    const float total = bw("Copy link") + bw("Export") + bw("Save for offline use") + bw("GiB") + bw(theme_label);
    if (st.narrow) ImGui::NewLine();
    else ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - total));
    auto next = [&](const char* label) { if (st.narrow) flow_next(bw(label)); else ImGui::SameLine(); };

    if (ImGui::Button("Copy link")) {
        if (st.platform.share_url) {
            const std::string url = st.platform.share_url(st.scenario);
            copy_text(st, url, "Link copied: it opens this exact setup");
        }
    }
    item_tooltip("A link that opens this exact scenario (the address bar always holds it too)");
    next("Export");
    if (ImGui::Button("Export")) ImGui::OpenPopup("export");
    if (ImGui::BeginPopup("export")) {
        ImGui::TextDisabled("This answer");
        export_item(st, "Markdown", "vramcalc.md", "text/markdown", result_markdown(st.scenario, st.result));
        export_item(st, "CSV", "vramcalc.csv", "text/csv", result_csv(st.scenario, st.result));
        export_item(st, "JSON", "vramcalc.json", "application/json", dump_json(result_json(st.scenario, st.result), 2));
        ImGui::Separator();
        if (st.matrix.complete && !st.matrix.matrix.rows.empty()) {
            ImGui::TextDisabled("The fit matrix (%zu models x %zu formats)", st.matrix.matrix.rows.size(), st.matrix.matrix.cols.size());
            export_item(st, "Matrix Markdown", "vramcalc-matrix.md", "text/markdown", fit_matrix_markdown(st.matrix.matrix));
            export_item(st, "Matrix CSV", "vramcalc-matrix.csv", "text/csv", fit_matrix_csv(st.matrix.matrix));
            export_item(st, "Matrix JSON", "vramcalc-matrix.json", "application/json", dump_json(fit_matrix_json(st.matrix.matrix), 2));
        } else {
            ImGui::TextDisabled("Open the Fit matrix tab to export the matrix");
        }
        ImGui::EndPopup();
    }
    next("Save for offline use");
    if (ImGui::Button("Save for offline use") && st.platform.save_page) {
        st.platform.save_page();
        show_toast(st, "Saved vramcalc.html: it works without a network");
    }
    item_tooltip("Download this page as one file (vramcalc.html): open it from disk, no network needed");
    next(unit_label);
    if (ImGui::Button(unit_label)) st.unit = st.unit == SizeUnit::GiB ? SizeUnit::GB : SizeUnit::GiB;
    item_tooltip("Sizes in GiB (2^30 bytes, what nvidia-smi and PyTorch print) or GB (10^9, what vendors market)");
    next(theme_label);
    if (ImGui::Button(theme_label)) st.dark = !st.dark;
    item_tooltip("Light or dark theme");

    // One-line messages: a link's ignored parts, a dropped file's problems, a confirmation.
    const double now = ImGui::GetTime();
    if (!st.notice.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette(st.dark).tight);
        // "dismiss" follows a notice that fits on one line; a wrapped one (a phone, a long list)
        // would push it past the window's edge, so it goes below.
        const float dismiss_w = ImGui::CalcTextSize("dismiss").x + ImGui::GetStyle().FramePadding.x * 2;
        const bool one_line = ImGui::CalcTextSize(st.notice.c_str()).x + ImGui::GetStyle().ItemSpacing.x + dismiss_w <=
                              ImGui::GetContentRegionAvail().x;
        ImGui::TextWrapped("%s", st.notice.c_str());
        ImGui::PopStyleColor();
        if (one_line) ImGui::SameLine();
        if (ImGui::SmallButton("dismiss")) st.notice.clear();
        if (st.notice_until > 0 && now > st.notice_until) st.notice.clear();
    }
    if (!st.toast.empty()) {
        if (now > st.toast_until) st.toast.clear();
        else st.want_frames = true;
    }
}

}  // namespace vramcalc::web
