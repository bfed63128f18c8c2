// Reads a pasted engine log (vLLM, llama.cpp / llama-server / Ollama, SGLang, ExLlama / TabbyAPI): recognises the engine,
// then lets that engine's reader pick out what the log states. Pure: text in, LogReading out; bounded
// (log_text.h's limits); never throws. A paste that is no engine log gives ok = false and a message.
#pragma once
#include <string_view>

#include "core/logs/log_reading.h"

namespace vramcalc {

LogReading read_log(std::string_view text);

}  // namespace vramcalc
