#include "scenario.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace vramcalc {

const char* engine_id(Engine e) {
    switch (e) {
        case Engine::Vllm: return "vllm";
        case Engine::LlamaCpp: return "llamacpp";
        case Engine::Transformers: return "transformers";
        case Engine::Sglang: return "sglang";
        case Engine::Simple: return "simple";
    }
    return "vllm";
}

const char* engine_name(Engine e) {
    switch (e) {
        case Engine::Vllm: return "vLLM";
        case Engine::LlamaCpp: return "llama.cpp";
        case Engine::Transformers: return "transformers";
        case Engine::Sglang: return "SGLang";
        case Engine::Simple: return "rule of thumb";
    }
    return "vLLM";
}

std::optional<Engine> parse_engine(std::string_view id) {
    std::string s(id);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '.' || c == '-' || c == '_'; }), s.end());
    if (s == "vllm") return Engine::Vllm;
    if (s == "llamacpp" || s == "llama" || s == "ollama") return Engine::LlamaCpp;
    if (s == "transformers" || s == "hf") return Engine::Transformers;
    if (s == "sglang") return Engine::Sglang;
    if (s == "simple") return Engine::Simple;
    return std::nullopt;
}

bool is_custom(const Scenario& s) { return !s.custom_config.empty() || s.custom_params > 0.0; }

}  // namespace vramcalc
