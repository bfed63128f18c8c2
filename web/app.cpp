#include "web/app.h"

#include <imgui.h>

#include "core/catalog.h"
#include "core/units.h"

namespace vramcalc::web {

namespace {

void draw_model_picker(AppState& state) {
    const auto& models = model_catalog();
    const ModelInfo* current = find_model(state.scenario.model);
    const char* preview = current ? current->name.c_str() : state.scenario.model.c_str();
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::BeginCombo("##model", preview)) {
        for (const ModelInfo& m : models) {
            const bool selected = current == &m;
            if (ImGui::Selectable(m.name.c_str(), selected)) {
                state.scenario.model = m.id;
                state.dirty = true;
            }
            if (selected) ImGui::SetItemDefaultFocus();
        }
        ImGui::EndCombo();
    }
    if (current) ImGui::TextDisabled("%s", current->hf_id.c_str());
}

void draw_answer(const Estimate& e) {
    if (!e.ok) {
        ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", e.error.c_str());
        return;
    }
    ImGui::Text("Weights: %.2f GiB per GPU", to_gib(e.per_gpu.weights.bytes));
    if (!e.per_gpu.weights.how.empty()) ImGui::TextDisabled("%s", e.per_gpu.weights.how.c_str());
    ImGui::Text("Total: %.2f GiB of %.2f GiB per GPU", to_gib(e.per_gpu.total_bytes),
                to_gib(e.gpu_memory_bytes));
}

}  // namespace

void draw_app(AppState& state) {
    if (state.dirty) {
        state.result = estimate(state.scenario);
        state.dirty = false;
    }

    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("vramcalc", nullptr, flags);
    ImGui::TextUnformatted("vramcalc - how much GPU memory an LLM needs");
    ImGui::Separator();
    ImGui::TextUnformatted("MODEL");
    draw_model_picker(state);
    ImGui::Spacing();
    draw_answer(state.result);
    if (!state.dropped_file.empty()) {
        ImGui::Spacing();
        ImGui::TextDisabled("Dropped %s (%zu bytes)", state.dropped_file.c_str(), state.dropped_contents.size());
    }
    ImGui::End();
}

void on_file_dropped(AppState& state, const std::string& name, const std::string& contents) {
    state.dropped_file = name;
    state.dropped_contents = contents;
}

}  // namespace vramcalc::web
