// ExLlamaV2 / ExLlamaV3 start-up logs: TabbyAPI (theroyallab/tabbyAPI), exllamav2's examples/chat.py and
// the PyTorch out-of-memory message a failed load ends with. Wordings and where they are printed:
//  - "exllamav3 version: 1.5.0" / "ExllamaV2 version: 0.2.4" and "Using backend exllamav3" (TabbyAPI
//    common/model.py, backends/*/version.py)
//  - "Disabling GPU split because one GPU is in use." (backends/exllamav2/model.py, exllamav3/model.py)
//  - "Using configured max_seq_len: 145408 tokens." / "Using configured cache_size: 145408 tokens." (2025-26);
//    the 2026-09 console wraps "Context: max_seq_len 262,144 tokens (configured),\n cache_size 263,168 tokens"
//  - "Loading model: /path/NAME" + "Loading with autosplit" / "Loading with a manual GPU split (or a one GPU
//    setup)" / "Loading with tensor parallel"; newer "Loading model /path/NAME\n (manual GPU split)"
//  - progress "Loading model modules ━━ 100% 67/67", older "Modules |███ | 93/163"; "Model loaded in 46.2 s"
//    / "Model successfully loaded."
//  - exllamav3 model_ls.py: " -- CPU split experts (worker, dynamic): model...layers.26.mlp [256..512) of 512"
//  - exllamav2 examples/chat.py (model_init.py): " -- Model: /path", " -- Options: [...]", flags -cq4/-cq6/-cq8
//  - torch (c10/cuda/CUDACachingAllocator.cpp): "CUDA out of memory. Tried to allocate 260.00 MiB. GPU 1 has a
//    total capacity of 23.53 GiB of which 190.50 MiB is free. Including non-PyTorch memory, this process has
//    23.33 GiB memory in use. Of the allocated memory 22.70 GiB is allocated by PyTorch, and 87.85 MiB is
//    reserved by PyTorch but unallocated." (format_size: 1024-based units; consoles wrap it over lines)
// TabbyAPI prints no memory figure of a load that succeeds: the reading then holds the settings only.
// The model directory's name carries the quantization by convention: "4.65bpw-h6-exl2", "6.0bpw-H8",
// "SC4bpw-H5", bartowski's "exl2-3_0" (3.0 bpw).
#include <algorithm>
#include <cctype>

#include "core/logs/engine_logs.h"
#include "core/logs/log_text.h"
#include "core/text.h"

namespace vramcalc::logs {

namespace {

using namespace logtext;

std::string lower(std::string_view s) {
    std::string o(s);
    for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A size printed just before `key` ("190.50 MiB is free"): the unit, then the number, read backwards.
std::optional<double> size_before(std::string_view line, std::string_view key) {
    const std::size_t k = line.find(key);
    if (k == std::string_view::npos) return std::nullopt;
    std::size_t e = k;
    while (e > 0 && line[e - 1] == ' ') --e;
    std::size_t u = e;
    while (u > 0 && std::isalpha(static_cast<unsigned char>(line[u - 1]))) --u;
    std::size_t n = u;
    while (n > 0 && line[n - 1] == ' ') --n;
    std::size_t b = n;
    while (b > 0 && (is_digit(line[b - 1]) || line[b - 1] == '.' || line[b - 1] == ',')) --b;
    if (b == n || u == e) return std::nullopt;
    return size_at(line, b, false);
}

// "4.65bpw" / "SC4bpw" / "exl2-3_0": the bits per weight a model directory's name states; "-H8" / "-h6" after it.
void quant_from_name(const std::string& name, LogReading& r) {
    const std::string n = lower(name);
    std::size_t b = n.find("bpw");
    if (b != std::string::npos) {
        std::size_t s = b;
        while (s > 0 && (is_digit(n[s - 1]) || n[s - 1] == '.' || n[s - 1] == '_')) --s;
        std::string digits = n.substr(s, b - s);
        std::replace(digits.begin(), digits.end(), '_', '.');
        if (const auto v = number_at(digits, 0); v && *v >= 1 && *v <= 8) r.bits_per_weight = *v;
        const std::size_t h = n.find("-h", b);
        if (h != std::string::npos && h + 2 < n.size() && is_digit(n[h + 2]))
            if (const auto v = number_at(n, h + 2); v && *v >= 1 && *v <= 16) r.head_bits = *v;
    } else if (const std::size_t e = n.find("exl2-"); e != std::string::npos && e + 5 < n.size() && is_digit(n[e + 5])) {
        std::string digits = n.substr(e + 5, 4);
        std::replace(digits.begin(), digits.end(), '_', '.');
        if (const auto v = number_at(digits, 0); v && *v >= 2 && *v <= 8) r.bits_per_weight = *v;
    }
    if (r.backend.empty() && (n.find("exl3") != std::string::npos)) r.backend = "exllamav3";
    if (r.backend.empty() && (n.find("exl2") != std::string::npos)) r.backend = "exllamav2";
}

void read_model_path(std::string path, LogReading& r) {
    path = trim(path);
    if (path.empty()) return;
    r.model_file = path;
    const std::size_t slash = path.find_last_of("/\\");
    r.model = slash == std::string::npos ? path : path.substr(slash + 1);
    quant_from_name(r.model, r);
}

// GPU index the OOM message names ("GPU 1 has a total capacity"), else the last one seen.
int oom_device(const std::string& l, const LogReading& r) {
    if (const std::size_t g = after(l, "GPU "); g != std::string::npos && contains(l, "total capacity"))
        if (const auto n = number_at(l, g); n && *n >= 0 && *n < 64) return static_cast<int>(*n);
    const LogFigure* f = nullptr;
    for (const LogFigure& x : r.figures)
        if (x.name == "oom_gpu_total") f = &x;
    return f ? f->device_index : 0;
}

void read_oom(const std::string& l, LogReading& r) {
    const int idx = oom_device(l, r);
    const std::string dev = "GPU" + std::to_string(idx);
    if (const auto b = size_after(l, "Tried to allocate", false)) add_bytes(r, "oom_request", dev, idx, *b, l);
    if (const auto b = size_after(l, "total capacity of", false)) {
        add_bytes(r, "oom_gpu_total", dev, idx, *b, l);
        if (idx == 0 || r.gpu_memory_gib == 0) r.gpu_memory_gib = *b / kGiB;
    }
    if (contains(l, "is free"))
        if (const auto b = size_before(l, "is free")) add_bytes(r, "oom_free", dev, idx, *b, l);
    // "this process has 23.33 GiB memory in use" / "Process 207160 has 14.70 GiB memory in use"
    std::size_t h = after(l, "process has ");
    if (h == std::string::npos)
        if (const std::size_t p = l.find("Process "); p != std::string::npos) h = after(l, " has ", p);
    if (h != std::string::npos)
        if (const auto b = size_at(l, h, false)) add_bytes(r, "oom_process_used", dev, idx, *b, l);
    if (const auto b = size_after(l, "allocated memory", false)) add_bytes(r, "oom_torch_allocated", dev, idx, *b, l);
    if (contains(l, "is reserved"))
        if (const auto b = size_before(l, "is reserved")) add_bytes(r, "oom_torch_reserved", dev, idx, *b, l);
}

void read_version(const std::string& l, const std::string& low, LogReading& r) {
    for (const char* b : {"exllamav3", "exllamav2"}) {
        const std::string key = std::string(b) + " version:";
        if (const std::size_t p = low.find(key); p != std::string::npos) {
            r.backend = b;
            const std::string v = word_after(l.substr(p), l.substr(p, key.size()));
            if (!v.empty() && is_digit(v[0])) r.engine_version = v;
        }
        if (contains(low, std::string("using backend ") + b)) r.backend = b;
    }
}

void read_settings(const std::string& l, LogReading& r) {
    if (contains(l, "Disabling GPU split because one GPU is in use")) r.gpus = 1, r.gpu_split = "one GPU";
    if (contains(l, "Loading with autosplit") || contains(l, "(autosplit)")) r.gpu_split = "autosplit";
    if (contains(l, "Loading with a manual GPU split") || contains(l, "(manual GPU split)"))
        if (r.gpu_split.empty()) r.gpu_split = "manual";
    if (contains(l, "Loading with tensor parallel") || contains(l, "(tensor parallel)")) r.gpu_split = "tensor parallel";
    if (const auto n = integer_after(l, "max_seq_len: ")) r.context = *n;
    else if (const auto m = integer_after(l, "max_seq_len ")) r.context = *m;
    std::optional<std::int64_t> cache = integer_after(l, "cache_size: ");
    if (!cache && contains(l, "tokens")) cache = integer_after(l, "cache_size ");
    if (cache && *cache > 0) add_tokens(r, "kv_tokens", "", 0, *cache, l);
    if (std::size_t p = after(l, "cache_mode"); p != std::string::npos) {
        while (p < l.size() && (l[p] == ' ' || l[p] == ':' || l[p] == '=' || l[p] == '\'')) ++p;
        std::string m;
        while (p < l.size() && std::isalnum(static_cast<unsigned char>(l[p])) && m.size() < 8) m += static_cast<char>(std::tolower(static_cast<unsigned char>(l[p++])));
        if (m == "q4" || m == "q6" || m == "q8") r.kv_dtype = m;
        else if (m == "fp16") r.kv_dtype = "auto";
    }
}

void read_line(const std::string& l, LogReading& r) {
    const std::string low = lower(l);
    read_version(l, low, r);
    read_settings(l, r);
    if (contains(l, "Loading model: "))
        read_model_path(rest_after(l, "Loading model: "), r);
    else if (const std::size_t p = after(l, "Loading model /"); p != std::string::npos)
        read_model_path("/" + std::string(l.substr(p)), r);
    if (contains(l, " -- Model: ")) {
        read_model_path(rest_after(l, " -- Model: "), r);
        r.engine_flavour = "ExLlamaV2 chat.py";
    }
    for (const char* q : {"-cq4", "-cq6", "-cq8"})
        if (contains(l, std::string(q) + " ") || (l.size() >= 4 && l.compare(l.size() - 4, 4, q) == 0)) r.kv_dtype = std::string("q") + q[3];
    if (contains(l, "CPU split experts")) {
        r.partial_offload = true;
        add_value(r, "cpu_expert_layers", "host", -1, 0, l);  // counted: one line per layer
        for (LogFigure& f : r.figures)
            if (f.name == "cpu_expert_layers" && f.value) *f.value += 1;
    }
    if (contains(l, "/exllamav2/") || contains(l, "\\exllamav2\\")) r.backend = r.backend.empty() ? "exllamav2" : r.backend;
    if (contains(l, "/exllamav3/") || contains(l, "\\exllamav3\\")) r.backend = r.backend.empty() ? "exllamav3" : r.backend;
    if (contains(l, "TabbyAPI") || contains(l, "tabbyAPI") || contains(l, "tabbyapi")) r.engine_flavour = "TabbyAPI";
    if (contains(l, "out of memory") || contains(l, "total capacity of") || contains(l, "is free") ||
        contains(l, "memory in use") || contains(l, "allocated memory") || contains(l, "is reserved by PyTorch"))
        read_oom(l, r);
}

int signature(std::string_view l) {
    for (const char* k : {"exllamav3 version:", "exllamav2 version:", "ExllamaV2 version:", "ExllamaV3 version:",
                          "Using backend exllamav", "Loading model modules", "CPU split experts",
                          "Disabling GPU split because one GPU is in use", "(manual GPU split)", "Loading with autosplit",
                          "Loading with a manual GPU split", "/exllamav2/", "/exllamav3/", "bpw-h6-exl2"})
        if (contains(l, k)) return 3;
    if (contains(l, "Model successfully loaded") || contains(l, "Using configured cache_size") || contains(l, " -- Model: "))
        return 2;
    if (contains(l, "exllama") || contains(l, "exl2") || contains(l, "EXL3") || contains(l, "exl3")) return 1;
    return 0;
}

bool starts_run(std::string_view l) {
    return contains(l, "Starting TabbyAPI") || contains(l, "Using config file") || contains(l, "exllamav3 version:") ||
           contains(l, "ExllamaV2 version:") || contains(l, "exllamav2 version:");
}

std::string bits_text(double b) {
    std::string t = format_fixed(b, 2);
    while (!t.empty() && t.back() == '0') t.pop_back();
    if (!t.empty() && t.back() == '.') t.pop_back();
    return t;
}

void finish(LogReading& r) {
    if (r.backend.empty()) add_note(r, "the log does not name the backend: ExLlamaV3 assumed (give --engine exllamav2 for EXL2)");
    r.engine = r.backend.empty() ? "exllamav3" : r.backend;
    if (r.engine_flavour.empty()) r.engine_flavour = "TabbyAPI";
    if (r.bits_per_weight > 0) r.weights = (r.engine == "exllamav2" ? "exl2-" : "exl3-") + bits_text(r.bits_per_weight);
    if (r.bits_per_weight > 0) r.quantization = bits_text(r.bits_per_weight) + " bpw (from the model directory's name)";
    for (const LogFigure& f : r.figures)
        if (f.name == "cpu_expert_layers" && f.value)
            add_note(r, "ExLlamaV3 keeps experts of " + bits_text(*f.value) + " layers in CPU memory: a partial offload our estimate does not model");
    if (!find_figure(r, "oom_gpu_total", 0) && std::none_of(r.figures.begin(), r.figures.end(), [](const LogFigure& f) { return f.bytes.has_value(); }))
        add_note(r, "TabbyAPI / ExLlama print no memory figure of a load that succeeds: the settings are read, the figures are ours alone");
    if (std::any_of(r.figures.begin(), r.figures.end(), [](const LogFigure& f) { return f.name.rfind("oom_", 0) == 0; }))
        add_note(r, "the load ran out of GPU memory: the figures are PyTorch's at that moment (GiB/MiB are 1024-based)");
}

}  // namespace

const EngineLogReader& exllama_log_reader() {
    static const EngineLogReader reader{"exllamav3", signature, starts_run, read_line, finish};
    return reader;
}

}  // namespace vramcalc::logs
