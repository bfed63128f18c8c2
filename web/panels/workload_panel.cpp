// WORKLOAD AND ENGINE: which engine's accounting to follow, the context and concurrency, and the
// engine's own knobs (the flags users pass it).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/catalog.h"
#include "core/text.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

constexpr Engine kEngines[] = {Engine::Vllm, Engine::Sglang, Engine::LlamaCpp, Engine::Transformers, Engine::Simple};

const char* engine_blurb(Engine e) {
    switch (e) {
        case Engine::Vllm: return "Serving: reserves gpu-memory-utilization of each GPU and fills what weights and activations leave with KV cache.";
        case Engine::Sglang: return "Serving: reserves mem-fraction-static of each GPU for weights and its KV pool.";
        case Engine::LlamaCpp: return "GGUF files; layers can stay in CPU RAM (-ngl); allocates n_ctx of KV up front.";
        case Engine::Transformers: return "Hugging Face generate(): weights, the growing KV cache and the logits of a batch.";
        case Engine::Simple: return "params x bytes x 1.2: the rule of thumb many guides use, for comparison.";
    }
    return "";
}

bool label_row(AppState& st, const char* label, const char* tip) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    item_tooltip(tip);
    ImGui::SameLine(px(st, 124));
    return true;
}

void vllm_knobs(AppState& st) {
    Scenario& s = st.scenario;
    label_row(st, "memory util.", "--gpu-memory-utilization: the fraction of each GPU's WHOLE memory vLLM may use (default 0.9)");
    ImGui::SetNextItemWidth(px(st, 150));
    float util = static_cast<float>(s.gpu_mem_util > 0 ? s.gpu_mem_util : 0.9);
    if (ImGui::SliderFloat("##util", &util, 0.30f, 0.99f, "%.2f")) s.gpu_mem_util = std::round(util * 100.0f) / 100.0;
    if (s.engine == Engine::Sglang) return;
    label_row(st, "batched tokens", "--max-num-batched-tokens: tokens per scheduler step; sizes the activation peak (0 = engine default)");
    ImGui::SetNextItemWidth(px(st, 150));
    ImGui::InputScalar("##mbt", ImGuiDataType_S64, &s.max_batched_tokens);
    s.max_batched_tokens = std::max<std::int64_t>(0, s.max_batched_tokens);
    label_row(st, "CPU offload", "--cpu-offload-gb: GiB of weights per GPU kept in CPU RAM and streamed in (slower)");
    ImGui::SetNextItemWidth(px(st, 150));
    if (ImGui::InputDouble("GiB##off", &s.cpu_offload_gib, 1.0, 4.0, "%.1f")) s.cpu_offload_gib = std::max(0.0, s.cpu_offload_gib);
    ImGui::Checkbox("--enforce-eager (no CUDA graphs)", &s.enforce_eager);
}

void llamacpp_knobs(AppState& st) {
    Scenario& s = st.scenario;
    int layers = 0;
    if (st.resolved && !st.resolved->model.params_only) layers = static_cast<int>(st.resolved->model.arch.num_layers);
    label_row(st, "GPU layers", "-ngl: layers on the GPU (all = every layer plus the output layer)");
    bool all = s.gpu_layers < 0;
    if (ImGui::Checkbox("all##ngl", &all)) s.gpu_layers = all ? -1 : std::max(0, layers);
    if (!all) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(px(st, 120));
        ImGui::SliderInt("##ngl", &s.gpu_layers, 0, std::max(1, layers + 1));
    }
    label_row(st, "ubatch", "-ub: physical batch; sizes the compute buffer (default 512)");
    ImGui::SetNextItemWidth(px(st, 150));
    if (ImGui::InputScalar("##ub", ImGuiDataType_S64, &s.ubatch)) s.ubatch = std::clamp<std::int64_t>(s.ubatch, 1, 1 << 20);
    label_row(st, "parallel", "-np: slots; n_ctx is shared among them (each sequence gets context / parallel)");
    ImGui::SetNextItemWidth(px(st, 150));
    if (ImGui::InputInt("##np", &s.parallel)) s.parallel = std::clamp(s.parallel, 1, 4096);
    ImGui::Checkbox("flash attention (-fa)", &s.flash_attn);
}

void transformers_knobs(AppState& st) {
    Scenario& s = st.scenario;
    label_row(st, "release", "Releases before 4.45 computed fp32 logits for every prompt token in generate()");
    ImGui::SetNextItemWidth(px(st, 190));
    // "4.45", "v4.51.3", "transformers 4.46" -> minor >= 45 (engines/transformers.cpp regime_for)
    int minor = 0;
    if (auto at = s.engine_version.find("4."); at != std::string::npos) minor = std::atoi(s.engine_version.c_str() + at + 2);
    const char* items[] = {"4.38-4.41 (default)", "4.45+"};
    int current = minor >= 45 ? 1 : 0;
    if (ImGui::Combo("##tfver", &current, items, 2)) s.engine_version = current == 0 ? "" : "4.45";
    label_row(st, "input tokens", "Prompt length (0 = context minus output)");
    ImGui::SetNextItemWidth(px(st, 150));
    if (ImGui::InputScalar("##in", ImGuiDataType_S64, &s.input_tokens)) s.input_tokens = std::max<std::int64_t>(0, s.input_tokens);
    label_row(st, "output tokens", "Tokens generated (max_new_tokens)");
    ImGui::SetNextItemWidth(px(st, 150));
    if (ImGui::InputScalar("##out", ImGuiDataType_S64, &s.output_tokens)) s.output_tokens = std::max<std::int64_t>(0, s.output_tokens);
}

}  // namespace

void draw_workload_panel(AppState& st) {
    section_header("WORKLOAD AND ENGINE");
    Scenario& s = st.scenario;

    label_row(st, "engine", "Whose memory accounting to follow");
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##engine", engine_name(s.engine))) {
        for (Engine e : kEngines) {
            if (ImGui::Selectable(engine_name(e), e == s.engine)) {
                if (e != s.engine) {
                    const bool was_gguf = s.weights.rfind("gguf", 0) == 0;
                    s.engine = e;
                    // llama.cpp loads GGUF only, the others not: keep the precision close.
                    if (e == Engine::LlamaCpp && !was_gguf && s.weights != "bf16" && s.weights != "fp16") s.weights = "gguf-q4_k_m";
                    if (e != Engine::LlamaCpp && e != Engine::Simple && was_gguf) s.weights = "awq";
                    if (e == Engine::Transformers && s.weights == "exl2-4.65") s.weights = "bf16";
                }
            }
            item_tooltip(engine_blurb(e));
        }
        ImGui::EndCombo();
    }
    if (st.result.ok && !st.result.engine_version.empty()) dim_text("accounting follows " + st.result.engine_version);

    // Context: log slider and typed value (the slider spans 256 tokens to the model's max).
    std::int64_t max_ctx = 1 << 20;
    if (st.resolved && !st.resolved->model.params_only && st.resolved->model.arch.max_context > 0)
        max_ctx = std::max<std::int64_t>(st.resolved->model.arch.max_context, 1024);
    label_row(st, "context", s.engine == Engine::LlamaCpp ? "n_ctx: tokens of KV cache, shared by the -np slots"
                                                          : "Tokens per sequence: prompt + generated (vLLM --max-model-len)");
    const float avail = ImGui::GetContentRegionAvail().x;
    ImGui::SetNextItemWidth(std::max(px(st, 80), avail - px(st, 96)));
    std::int64_t lo = 256, ctx = s.context;
    const std::string ctx_label = format_tokens(ctx) + " tokens";
    if (ImGui::SliderScalar("##ctx_slider", ImGuiDataType_S64, &ctx, &lo, &max_ctx, ctx_label.c_str(),
                            ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_NoInput)) {
        // snap to a friendly multiple so dragged values read well (4k, 6k, 32k...)
        const std::int64_t step = ctx >= 16384 ? 1024 : ctx >= 2048 ? 256 : 64;
        s.context = std::max<std::int64_t>(step, (ctx + step / 2) / step * step);
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(px(st, 88));
    if (ImGui::InputScalar("##ctx", ImGuiDataType_S64, &s.context, nullptr, nullptr, nullptr, ImGuiInputTextFlags_CharsDecimal))
        s.context = std::clamp<std::int64_t>(s.context, 1, 100'000'000);
    item_tooltip("Type an exact context in tokens");

    label_row(st, "concurrency", s.engine == Engine::LlamaCpp ? "Set -np (parallel) below for llama.cpp"
                                                              : "Sequences in flight at once (vLLM: target concurrency; transformers: batch)");
    ImGui::SetNextItemWidth(px(st, 150));
    if (s.engine == Engine::LlamaCpp) {
        ImGui::TextDisabled("%d slot%s (-np)", s.parallel, s.parallel > 1 ? "s" : "");
    } else {
        int batch = static_cast<int>(std::min<std::int64_t>(s.batch, 1'000'000));
        if (ImGui::InputInt("##batch", &batch)) s.batch = std::clamp(batch, 1, 1'000'000);
    }

    if (s.engine == Engine::Simple) return;
    ImGui::Spacing();
    if (ImGui::TreeNodeEx("engine knobs", ImGuiTreeNodeFlags_DefaultOpen)) {
        switch (s.engine) {
            case Engine::Vllm:
            case Engine::Sglang: vllm_knobs(st); break;
            case Engine::LlamaCpp: llamacpp_knobs(st); break;
            case Engine::Transformers: transformers_knobs(st); break;
            case Engine::Simple: break;
        }
        ImGui::TreePop();
    }
    if (!st.result.ok && st.result.error.rfind("context", 0) == 0) error_text(st, st.result.error);
}

}  // namespace vramcalc::web
