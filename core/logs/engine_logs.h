// The per-engine line readers behind read_log: each knows its engine's wording across releases
// (the file names the releases and source lines the wording comes from).
#pragma once
#include <string>
#include <string_view>

#include "core/logs/log_reading.h"

namespace vramcalc::logs {

struct EngineLogReader {
    const char* engine;                              // engine profile id
    int (*signature)(std::string_view line);         // how strongly a line says "this engine" (0 = not at all)
    bool (*starts_run)(std::string_view line);       // a line that begins a new start-up
    void (*read_line)(const std::string& line, LogReading& r);
    void (*finish)(LogReading& r);                   // derive settings from what was read
};

const EngineLogReader& vllm_log_reader();
const EngineLogReader& llamacpp_log_reader();
const EngineLogReader& sglang_log_reader();
const EngineLogReader& exllama_log_reader();  // engine exllamav2 or exllamav3, as the log says

// Figures: the first figure per (name, device) is kept (ranks and repeated lines print the same),
// unless `sum` (llama.cpp prints one KV buffer per cache: SWA and non-SWA on the same device).
void add_bytes(LogReading& r, const std::string& name, const std::string& device, int index, double bytes,
               const std::string& line, bool sum = false);
void add_tokens(LogReading& r, const std::string& name, const std::string& device, int index, std::int64_t tokens,
                const std::string& line);
void add_value(LogReading& r, const std::string& name, const std::string& device, int index, double value,
               const std::string& line);
void add_note(LogReading& r, const std::string& note);

// Weight format id from a torch dtype name ("torch.bfloat16", "float16"); "" when unknown.
std::string weights_from_dtype(const std::string& dtype);

}  // namespace vramcalc::logs
