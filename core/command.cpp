#include "command.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "text.h"

namespace vramcalc {

namespace {

std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : " \\\n  ") + parts[i];
    return out;
}

std::string shell_word(const std::string& s) {
    const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '_' || c == '.' || c == ':';
    });
    if (plain && !s.empty()) return s;
    std::string q = "'";
    for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string model_ref(const ResolvedScenario& r) {
    return r.model.hf_id.empty() ? std::string("/path/to/model") : r.model.hf_id;
}

// vLLM's --quantization for a format; "" when the checkpoint itself says (AWQ/GPTQ/FP8 repos carry
// a quantization_config vLLM reads) or when the format is the model's own dtype.
std::string vllm_quantization(const ResolvedScenario& r) {
    const std::string& k = r.weights.kind;
    const std::string& id = r.weights.id;
    if (id == "fp8" && r.model.default_format != "fp8") return "fp8";  // online dynamic FP8 from a 16-bit checkpoint
    if (k == "bnb") return "bitsandbytes";
    if (k == "gguf") return "gguf";
    return "";
}

std::string vllm_kv_dtype(const KvFormat& kv) {
    if (kv.id == "fp8") return "fp8";
    if (kv.id == "auto" || kv.id == "fp16" || kv.id == "bf16" || kv.id == "fp32") return "";
    return "";
}

std::string checkpoint_note(const ResolvedScenario& r) {
    const std::string& k = r.weights.kind;
    if (k == "awq" || k == "gptq" || (k == "int" && r.weights.id == "int8") || k == "exl2")
        return "# use a " + r.weights.name + " checkpoint of " + model_ref(r) + " (the repo's quantization_config selects the kernel)\n";
    if (k == "gguf") return "# use a " + r.weights.name + " GGUF file of " + model_ref(r) + "\n";
    return "";
}

std::string gguf_file(const ResolvedScenario& r) {
    std::string base = r.model.hf_id.empty() ? std::string("model") : r.model.hf_id.substr(r.model.hf_id.find('/') + 1);
    std::string q = r.weights.id.rfind("gguf-", 0) == 0 ? r.weights.id.substr(5) : r.weights.id;
    for (char& c : q) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return base + "-" + q + ".gguf";
}

std::string llama_kv_type(const KvFormat& kv) {
    if (kv.id == "q8_0" || kv.id == "q4_0" || kv.id == "f32") return kv.id;
    if (kv.id == "fp32") return "f32";
    if (kv.id == "bf16") return "bf16";
    return "";  // f16, the default
}

}  // namespace

std::string launch_command(const ResolvedScenario& r) {
    const Scenario& s = r.scenario;
    std::vector<std::string> p;
    switch (s.engine) {
        case Engine::Vllm: {
            p.push_back("vllm serve " + shell_word(model_ref(r)));
            if (s.tp > 1) p.push_back("--tensor-parallel-size " + std::to_string(s.tp));
            if (s.pp > 1) p.push_back("--pipeline-parallel-size " + std::to_string(s.pp));
            const int dp = s.gpus / std::max(1, s.tp * s.pp);
            if (dp > 1) p.push_back("--data-parallel-size " + std::to_string(dp));
            if (s.nodes > 1) p.push_back("--distributed-executor-backend ray");
            p.push_back("--max-model-len " + std::to_string(s.context));
            p.push_back("--gpu-memory-utilization " + format_fixed(s.gpu_mem_util > 0 ? s.gpu_mem_util : 0.9, 2));
            if (std::string q = vllm_quantization(r); !q.empty()) p.push_back("--quantization " + q);
            if (std::string kv = vllm_kv_dtype(r.kv); !kv.empty()) p.push_back("--kv-cache-dtype " + kv);
            if (r.weights.id == "fp32") p.push_back("--dtype float32");
            if (r.weights.id == "fp16") p.push_back("--dtype float16");
            if (s.batch > 1) p.push_back("--max-num-seqs " + std::to_string(std::max<std::int64_t>(s.batch, 1)));
            if (s.max_batched_tokens > 0) p.push_back("--max-num-batched-tokens " + std::to_string(s.max_batched_tokens));
            if (s.cpu_offload_gib > 0) p.push_back("--cpu-offload-gb " + format_fixed(s.cpu_offload_gib, 0));
            if (s.enforce_eager) p.push_back("--enforce-eager");
            break;
        }
        case Engine::Sglang: {
            p.push_back("python -m sglang.launch_server --model-path " + shell_word(model_ref(r)));
            if (s.tp > 1) p.push_back("--tp " + std::to_string(s.tp));
            if (s.pp > 1) p.push_back("--pp-size " + std::to_string(s.pp));
            p.push_back("--context-length " + std::to_string(s.context));
            if (s.gpu_mem_util > 0) p.push_back("--mem-fraction-static " + format_fixed(s.gpu_mem_util, 2));
            if (std::string q = vllm_quantization(r); !q.empty() && q != "gguf") p.push_back("--quantization " + q);
            if (r.kv.id == "fp8") p.push_back("--kv-cache-dtype fp8_e5m2");
            if (s.batch > 1) p.push_back("--max-running-requests " + std::to_string(s.batch));
            break;
        }
        case Engine::LlamaCpp: {
            p.push_back("llama-server -m " + shell_word(gguf_file(r)));
            p.push_back("-ngl " + std::to_string(s.gpu_layers < 0 ? 999 : s.gpu_layers));
            p.push_back("-c " + std::to_string(s.context));
            if (s.parallel > 1) p.push_back("-np " + std::to_string(s.parallel));
            if (s.ubatch != 512) p.push_back("-ub " + std::to_string(s.ubatch));
            if (s.n_batch != 2048) p.push_back("-b " + std::to_string(s.n_batch));
            p.push_back(std::string("-fa ") + (s.flash_attn ? "on" : "off"));
            if (std::string t = llama_kv_type(r.kv); !t.empty()) p.push_back("-ctk " + t + " -ctv " + t);
            if (s.gpus > 1) p.push_back("--split-mode layer");
            break;
        }
        case Engine::Transformers: {
            std::string dtype = r.weights.id == "fp32" ? "torch.float32" : r.weights.id == "fp16" ? "torch.float16" : "torch.bfloat16";
            std::string quant;
            if (r.weights.id == "nf4")
                quant = ",\n    quantization_config=BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type=\"nf4\")";
            else if (r.weights.id == "bnb-int8")
                quant = ",\n    quantization_config=BitsAndBytesConfig(load_in_8bit=True)";
            std::string code = "python - <<'EOF'\nimport torch\nfrom transformers import AutoModelForCausalLM";
            if (!quant.empty()) code += ", BitsAndBytesConfig";
            code += "\nmodel = AutoModelForCausalLM.from_pretrained(\n    \"" + model_ref(r) + "\", torch_dtype=" + dtype +
                    ", device_map=\"auto\"" + quant + ")\nEOF";
            return checkpoint_note(r) + code;
        }
        case Engine::Simple:
            return "# the rule of thumb names no engine: choose vLLM, SGLang, llama.cpp or transformers for a command";
    }
    return checkpoint_note(r) + joined(p);
}

std::string launch_command(const Scenario& s) {
    std::string err;
    auto r = resolve(s, err);
    return r ? launch_command(*r) : std::string();
}

}  // namespace vramcalc
