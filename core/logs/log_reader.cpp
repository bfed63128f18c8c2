#include "core/logs/log_reader.h"

#include <string>
#include <vector>

#include "core/bounded_json.h"
#include "core/logs/engine_logs.h"
#include "core/logs/log_text.h"

namespace vramcalc {

namespace {

const logs::EngineLogReader* recognise(const std::vector<std::string>& lines) {
    const logs::EngineLogReader* readers[] = {&logs::vllm_log_reader(), &logs::llamacpp_log_reader(),
                                              &logs::sglang_log_reader(), &logs::exllama_log_reader()};
    long best_score = 0;
    const logs::EngineLogReader* best = nullptr;
    for (const auto* reader : readers) {
        long score = 0;
        for (const std::string& l : lines) score += reader->signature(l);
        if (score > best_score) best_score = score, best = reader;
    }
    return best_score >= 3 ? best : nullptr;  // one line that only this engine prints
}

// Whatever bytes the log held, what we show and write into JSON is valid UTF-8 of bounded length.
void clean_strings(LogReading& r) {
    for (std::string* s : {&r.engine_flavour, &r.engine_version, &r.model, &r.model_file, &r.architecture, &r.dtype,
                           &r.quantization, &r.weights, &r.kv_dtype, &r.gpu_name, &r.backend, &r.gpu_split})
        *s = clean_utf8(*s, 300);
    for (LogFigure& f : r.figures) {
        f.line = clean_utf8(f.line, 300);
        f.device = clean_utf8(f.device, 80);
    }
    for (std::string& note : r.notes) note = clean_utf8(note, 400);  // a note may quote the log ("quantization=...")
}

}  // namespace

LogReading read_log(std::string_view text) {
    LogReading r;
    bool truncated = false;
    const std::vector<std::string> lines = logtext::split_lines(text, truncated);
    if (lines.empty()) {
        r.error = "the log is empty";
        return r;
    }
    const logs::EngineLogReader* reader = recognise(lines);
    if (!reader) {
        r.error = "not a log I can read: none of its " + std::to_string(lines.size()) +
                  " lines is a start-up line of vLLM, llama.cpp (llama-server, llama-cli, Ollama), SGLang or ExLlama (TabbyAPI)";
        return r;
    }
    r.runs = 1;
    for (const std::string& l : lines) {
        if (reader->starts_run(l) && !r.figures.empty()) {  // a second start-up: the last one counts
            const int runs = r.runs + 1;
            r = LogReading{};
            r.runs = runs;
        }
        reader->read_line(l, r);
    }
    r.engine = reader->engine;
    r.lines_read = lines.size();
    reader->finish(r);
    clean_strings(r);
    if (r.runs > 1) logs::add_note(r, std::to_string(r.runs) + " start-ups in this paste: the last one is read");
    if (truncated) logs::add_note(r, "the paste was cut at " + std::to_string(logtext::kMaxLogBytes >> 20) + " MiB");
    if (r.figures.empty()) logs::add_note(r, "no memory figure in this log (cut before the engine loaded the model?)");
    r.ok = true;
    return r;
}

}  // namespace vramcalc
