// llama.cpp tensor placement on the page: -ot entries, --tensor-split, and the mixed device list (each a
// Scenario field, so the link, the JSON and the CLI carry the same text). --n-cpu-moe, --cpu-moe and
// --no-mmap are engine knobs and draw with the other knobs.
#include <string>

#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

void text_row(AppState& st, const char* label, const char* tip, const char* id, std::string& value, const char* hint) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    item_tooltip(tip);
    ImGui::SameLine(px(st, 124));
    ImGui::SetNextItemWidth(-1.0f);
    input_text(id, value, 0, hint);
}

// llama.cpp --split-mode: layer (default), row, none.
void split_mode_row(AppState& st, Scenario& s) {
    static const char* const kModes[] = {"layer", "row", "none"};
    int current = s.split_mode == "row" ? 1 : s.split_mode == "none" ? 2 : 0;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("split mode");
    item_tooltip("llama.cpp --split-mode: layer = whole layers per GPU (default); row = each weight matrix split by rows "
                 "over the GPUs, KV cache and the rest on the main GPU; none = everything on the main GPU");
    ImGui::SameLine(px(st, 124));
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::Combo("##split_mode", &current, kModes, 3)) s.split_mode = current == 0 ? "" : kModes[current];
}

}  // namespace

void placement_rows(AppState& st) {
    Scenario& s = st.scenario;
    if (s.engine == "llamacpp") {
        text_row(st, "-ot", "llama.cpp --override-tensor REGEX=BUFFER, comma-separated, first match wins: which tensors stay in "
                            "system RAM (CPU) or go to a given GPU (CUDA0, CUDA1, ...). Example: \\.ffn_.*_exps\\.=CPU",
                 "##override_tensor", s.override_tensor, "blk\\.(1[0-9])\\.ffn.*=CPU");
        text_row(st, "tensor split", "llama.cpp --tensor-split: proportions of the layers per GPU, e.g. 3,1 (empty = by each GPU's free memory)",
                 "##tensor_split", s.tensor_split, "3,1");
        split_mode_row(st, s);
    }
    text_row(st, "mixed GPUs", "GPU catalog ids in device order, comma-separated (rtx-3090,rtx-4060-ti-16gb): the layout's GPUs "
                               "(replaces the GPU and count above). llama.cpp splits layers by each GPU's free memory; vLLM and "
                               "SGLang give every rank the smallest GPU's budget.",
             "##gpu_list", s.gpu_list, "rtx-3090,rtx-4060-ti-16gb");
}

}  // namespace vramcalc::web
