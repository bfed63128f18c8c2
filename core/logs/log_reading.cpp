#include "core/logs/engine_logs.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/checked.h"

namespace vramcalc {

const LogFigure* find_figure(const LogReading& r, const std::string& name, int device_index) {
    for (const LogFigure& f : r.figures)
        if (f.name == name && f.device_index == device_index) return &f;
    return nullptr;
}

namespace {

constexpr std::pair<const char*, const char*> kLabels[] = {
    {"weights", "weights"},         {"kv_cache", "KV cache"},        {"kv_tokens", "KV cache tokens"},
    {"activation", "activation peak"}, {"non_torch", "non-torch memory"}, {"cuda_graph", "CUDA graphs"},
    {"cuda_graph_estimate", "CUDA graph estimate"},
    {"non_kv", "non-KV total"},     {"model_buffer", "model buffer"}, {"kv_buffer", "KV buffer"},
    {"compute_buffer", "compute buffer"}, {"cpu_model_buffer", "CPU model buffer"}, {"output_buffer", "output buffer"},
    {"max_concurrency", "max concurrency"}, {"kv_blocks", "KV blocks"}, {"host_compute_buffer", "host compute buffer"},
    {"cpu_kv_buffer", "CPU KV buffer"}, {"draft_weights", "draft weights"}, {"draft_kv_cache", "draft KV cache"},
    {"draft_kv_tokens", "draft KV tokens"}, {"free_before_load", "free before load"}, {"total_gpu_memory", "GPU memory"},
    {"max_total_num_tokens", "max total tokens"}, {"swa_kv_tokens", "sliding-window KV tokens"},
};

}  // namespace

const char* figure_label(const std::string& name) {
    for (const auto& [id, label] : kLabels)
        if (name == id) return label;
    return nullptr;
}

namespace logs {

namespace {

constexpr std::size_t kMaxFigures = 4096;
constexpr std::size_t kMaxNotes = 64;

LogFigure* existing(LogReading& r, const std::string& name, int index) {
    for (LogFigure& f : r.figures)
        if (f.name == name && f.device_index == index) return &f;
    return nullptr;
}

LogFigure* fresh(LogReading& r, const std::string& name, const std::string& device, int index, const std::string& line) {
    if (r.figures.size() >= kMaxFigures) return nullptr;
    LogFigure f;
    f.name = name;
    f.device = device;
    f.device_index = index;
    f.line = line.substr(0, 300);
    r.figures.push_back(std::move(f));
    return &r.figures.back();
}

}  // namespace

void add_bytes(LogReading& r, const std::string& name, const std::string& device, int index, double bytes,
               const std::string& line, bool sum) {
    if (!std::isfinite(bytes) || bytes < 0) return;
    if (LogFigure* f = existing(r, name, index)) {
        if (sum && f->bytes) *f->bytes = saturating_add(*f->bytes, bytes_from(bytes));  // many huge lines must not wrap
        return;
    }
    if (LogFigure* f = fresh(r, name, device, index, line)) f->bytes = bytes_from(bytes);
}

void add_tokens(LogReading& r, const std::string& name, const std::string& device, int index, std::int64_t tokens,
                const std::string& line) {
    if (tokens < 0 || existing(r, name, index)) return;
    if (LogFigure* f = fresh(r, name, device, index, line)) f->tokens = tokens;
}

void add_value(LogReading& r, const std::string& name, const std::string& device, int index, double value,
               const std::string& line) {
    if (!std::isfinite(value) || existing(r, name, index)) return;
    if (LogFigure* f = fresh(r, name, device, index, line)) f->value = value;
}

void add_note(LogReading& r, const std::string& note) {
    if (r.notes.size() < kMaxNotes && std::find(r.notes.begin(), r.notes.end(), note) == r.notes.end())
        r.notes.push_back(note);
}

std::string weights_from_dtype(const std::string& dtype) {
    std::string d = dtype;
    if (d.rfind("torch.", 0) == 0) d = d.substr(6);
    if (d == "bfloat16" || d == "bf16") return "bf16";
    if (d == "float16" || d == "half" || d == "fp16") return "fp16";
    if (d == "float32" || d == "float" || d == "fp32") return "fp32";
    return "";
}

}  // namespace logs
}  // namespace vramcalc
