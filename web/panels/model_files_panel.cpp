// MODEL FILES and HUGGING FACE: the page's ways to a model outside the catalog besides a pasted
// config.json. Local files are read in place (header only) and nothing is sent anywhere; the Hub is
// asked only when the user clicks Fetch.
#include "web/panels/model_files_panel.h"

#include "core/catalog.h"
#include "core/hub.h"
#include "web/model_files.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

void draw_files(AppState& st) {
    ModelFilesState& m = st.model_files;
    if (ImGui::SmallButton("Choose model files...")) m.pick_requested = true;
    item_tooltip("A .gguf (every part of a split set), .safetensors shards or model.safetensors.index.json, with config.json.\n"
                 "Only each file's header is read, in place: nothing is uploaded.");
    if (!m.reads.empty()) {
        ImGui::SameLine();
        if (ImGui::SmallButton("Clear##files")) clear_model_files(st);
    }
    if (m.reads.empty()) {
        dim_text("or drop them anywhere on the page (header only, nothing leaves this machine)");
        return;
    }
    for (const FileRead& r : m.reads) dim_text(r.name + ": " + r.status);
    if (m.reading > 0) dim_text("reading " + std::to_string(m.reading) + " file(s)...");
    if (!m.model.error.empty()) error_text(st, m.model.error);
    if (!m.model.missing.empty()) {
        std::string list;
        for (const auto& f : m.model.missing) list += (list.empty() ? "" : ", ") + f;
        error_text(st, "Waiting for: " + list + " (choose or drop them too)");
    }
    for (const auto& n : m.model.notes) dim_text("note: " + n);
}

void draw_hub(AppState& st) {
    ModelFilesState& m = st.model_files;
    const bool busy = static_cast<bool>(m.hub);
    ImGui::SetNextItemWidth(px(st, 230));
    const bool enter = input_text("##hub_repo", m.hub_repo, ImGuiInputTextFlags_EnterReturnsTrue, "org/name on Hugging Face");
    ImGui::SameLine();
    if (busy) ImGui::BeginDisabled();
    if ((ImGui::SmallButton("Fetch##hub") || enter) && !busy) start_hub_fetch(st, m.hub_repo);
    if (busy) ImGui::EndDisabled();
    item_tooltip("Fetch config and file list from Hugging Face: config.json, the safetensors index or GGUF list, and each\n"
                 "file's header by HTTP range requests. Only on this click; the token is kept in memory only.");
    if (ImGui::TreeNode("Hub settings")) {
        ImGui::SetNextItemWidth(px(st, 230));
        input_text("endpoint", m.hub_endpoint, 0, kHubDefaultEndpoint);
        item_tooltip("HF_ENDPOINT: a mirror's address instead of https://huggingface.co");
        ImGui::SetNextItemWidth(px(st, 230));
        input_text("token", m.hub_token, ImGuiInputTextFlags_Password, "hf_... for gated repos");
        item_tooltip("Sent only to the endpoint above, kept in this tab's memory: never saved, never in a link.");
        ImGui::TreePop();
    }
    if (!m.hub_choices.empty()) {
        dim_text("This repo holds several GGUF models: choose one");
        for (const std::string& c : m.hub_choices)
            if (ImGui::SmallButton(c.c_str()) && !busy) start_hub_fetch(st, m.hub_repo, c);
    }
    if (!m.hub_status.empty()) {
        if (m.hub_status.rfind("Hugging Face:", 0) == 0) error_text(st, m.hub_status);
        else dim_text(m.hub_status);
    }
}

}  // namespace

void draw_model_files_panel(AppState& st) {
    ImGui::Spacing();
    ImGui::TextDisabled("MODEL FILES");
    ImGui::PushID("model_files");
    draw_files(st);
    ImGui::TextDisabled("HUGGING FACE");
    draw_hub(st);
    ImGui::PopID();
}

bool draw_hub_offer(AppState& st, const std::string& filter, bool activate) {
    if (!valid_repo_id(filter) || find_model(filter)) return false;
    const bool clicked = ImGui::Selectable(("Fetch config and file list from Hugging Face: " + filter).c_str()) || activate;
    item_tooltip("Asks " + hub_endpoint(st.model_files.hub_endpoint) + " for this repo's config.json and file headers (only on click)");
    if (clicked) start_hub_fetch(st, filter);
    return clicked;
}

}  // namespace vramcalc::web
