// The embedded model and GPU catalogs, parsed once on first use (function-local statics, so the
// page and the CLI pay the JSON parse a single time) and validated as they load. A lookup by exact
// id before then parses that one entry (the page's first frame needs one model and one GPU).
#include "catalog.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "bounded_json.h"
#include "catalog_entry.h"
#include "config_parser.h"
#include "data/embedded.h"

namespace vramcalc {
namespace {

using nlohmann::json;

// Share of an NVIDIA/AMD card's marketed memory that the runtime reports as total when no source
// gives the figure. "80 GB" HBM parts are 80 GiB of chips of which CUDA reports 79.15-79.19 GiB
// (torch.cuda.mem_get_info total in the validation rows for A100 80GB and H100 SXM): ~1% is
// kept by the driver and ECC/firmware regions.
constexpr double kReservedFraction = 0.01;

// Apple: the share of unified memory Metal lets the GPU wire by default (recommendedMaxWorkingSetSize).
// llama.cpp logs show 75% on 64 GB and 96 GB Macs (49152 MiB, llama.cpp #1870; 73728 MB, #3213) and
// 2/3 on 16-32 GB Macs (10922.67 / 21845.34 MB, llama-cpp-python #687, llama.cpp PR #2011).
constexpr double kAppleDefaultShare = 0.75;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string get_string(const json& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    return it->dump();  // "source" objects are kept as their JSON text
}

double get_number(const json& o, const char* key, double fallback = 0.0) {
    auto it = o.find(key);
    return (it != o.end() && it->is_number()) ? it->get<double>() : fallback;
}

bool has_number(const json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_number();
}

json parse_array(std::string_view text, const char* what, std::vector<std::string>* problems) {
    JsonParse parsed = parse_json(text, kCatalogJsonLimits);
    if (!parsed.ok() || !parsed.value.is_array()) {
        if (problems && !text.empty())
            problems->push_back(std::string(what) + (parsed.ok() ? ": not a JSON array" : " is " + parsed.message));
        return json::array();
    }
    return std::move(parsed.value);
}

int edit_distance(std::string_view a, std::string_view b) {
    std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = static_cast<int>(i);
        for (std::size_t j = 1; j <= b.size(); ++j) {
            int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::vector<std::string> nearest(std::string_view query, const std::vector<std::string>& ids, int n) {
    std::string q = lower(query);
    // A mistyped Hugging Face id compares by its name: catalog ids are names without the org.
    if (auto slash = q.rfind('/'); slash != std::string::npos) q = q.substr(slash + 1);
    std::vector<std::pair<int, std::string>> scored;
    for (const std::string& id : ids) {
        // An id that contains the query ("llama-3.1-8b" in "llama-3.1-8b-instruct") ranks first.
        int d = (!q.empty() && id.find(q) != std::string::npos) ? 0 : edit_distance(q, id);
        scored.emplace_back(d, id);
    }
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    // About one edit in three characters is a typo; more is a different name ("no-such-model" is not
    // "octocoder", though both are 9 edits from most ids).
    const int limit = std::max<int>(2, static_cast<int>(q.size()) / 3);
    for (const auto& [d, id] : scored) {
        if (static_cast<int>(out.size()) >= n || d > limit) break;
        out.push_back(id);
    }
    return out;
}

struct ModelCatalog {
    std::vector<ModelInfo> models;
    std::vector<std::string> problems;
    // Lower-cased id (and HF id) -> index: the fit matrix looks models up thousands of times a pass.
    std::unordered_map<std::string, std::size_t> by_id, by_hf_id;
    std::vector<int> by_family;
};

struct GpuCatalog {
    std::vector<Gpu> gpus;
    std::vector<std::string> problems;
    std::unordered_map<std::string, std::size_t> by_id;
    std::vector<int> by_group;
};

std::vector<int> family_order(const std::vector<ModelInfo>& models) {
    std::vector<int> v(models.size());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int>(i);
    std::stable_sort(v.begin(), v.end(), [&](int a, int b) {
        const ModelInfo& x = models[static_cast<std::size_t>(a)];
        const ModelInfo& y = models[static_cast<std::size_t>(b)];
        if (x.family != y.family) return x.family < y.family;
        return x.params_published < y.params_published;
    });
    return v;
}

std::vector<int> group_order(const std::vector<Gpu>& gpus) {
    std::vector<int> v(gpus.size());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int>(i);
    auto rank = [](const std::string& seg) { return seg == "datacenter" ? 0 : seg == "workstation" ? 1 : seg == "consumer" ? 2 : 3; };
    std::stable_sort(v.begin(), v.end(), [&](int a, int b) {
        const Gpu& x = gpus[static_cast<std::size_t>(a)];
        const Gpu& y = gpus[static_cast<std::size_t>(b)];
        if (x.vendor != y.vendor) return x.vendor > y.vendor;  // NVIDIA, then AMD, Intel, Apple
        if (rank(x.segment) != rank(y.segment)) return rank(x.segment) < rank(y.segment);
        return x.memory_bytes > y.memory_bytes;
    });
    return v;
}

// Set once a whole catalog is parsed: until then a lookup by exact id parses its one entry.
std::atomic<bool> g_models_parsed{false};
std::atomic<bool> g_gpus_parsed{false};

const ModelCatalog& models_parsed() {
    static const ModelCatalog c = [] {
        ModelCatalog k;
        k.models = parse_model_catalog(embedded_models_json(), &k.problems);
        for (std::size_t i = 0; i < k.models.size(); ++i) {
            k.by_id.emplace(lower(k.models[i].id), i);  // emplace keeps the first of equal keys
            if (!k.models[i].hf_id.empty()) k.by_hf_id.emplace(lower(k.models[i].hf_id), i);
        }
        k.by_family = family_order(k.models);
        return k;
    }();
    g_models_parsed = true;
    return c;
}

const GpuCatalog& gpus_parsed() {
    static const GpuCatalog c = [] {
        GpuCatalog k;
        k.gpus = parse_gpu_catalog(embedded_gpus_json(), &k.problems);
        for (std::size_t i = 0; i < k.gpus.size(); ++i) k.by_id.emplace(lower(k.gpus[i].id), i);
        k.by_group = group_order(k.gpus);
        return k;
    }();
    g_gpus_parsed = true;
    return c;
}

// The entry with exactly this (lower-case) id, parsed alone and kept (a node-based map: the pointer
// stays valid), or null when the text has no such entry or it does not parse: the caller then parses
// the whole catalog, whose answer (aliases, HF ids, problems) is the reference. The same parser reads
// the same text, so the entry is equal to the whole catalog's (tests/unit/catalog_entry_test.cpp).
template <class T, class Parse>
const T* one_entry(std::string_view catalog_text, const std::string& id, Parse parse) {
    static std::mutex mutex;
    static std::map<std::string, T, std::less<>> parsed;
    const std::lock_guard<std::mutex> lock(mutex);
    if (auto it = parsed.find(id); it != parsed.end()) return &it->second;
    const std::string_view entry = catalog_entry_text(catalog_text, id);
    if (entry.empty()) return nullptr;
    std::vector<T> one = parse("[" + std::string(entry) + "]", nullptr);
    if (one.size() != 1) return nullptr;
    return &parsed.emplace(id, std::move(one.front())).first->second;
}

}  // namespace

std::vector<ModelInfo> parse_model_catalog(std::string_view json_text, std::vector<std::string>* problems) {
    std::vector<ModelInfo> out;
    std::set<std::string> seen;
    auto problem = [&](const std::string& s) {
        if (problems) problems->push_back(s);
    };
    const json root = parse_array(json_text, "models.json", problems);
    out.reserve(root.size());
    for (std::size_t i = 0; i < root.size(); ++i) {
        const json& e = root[i];
        const std::string where = "models.json entry " + std::to_string(i);
        if (!e.is_object()) {
            problem(where + ": not an object");
            continue;
        }
        const std::string id = get_string(e, "id");
        if (id.empty()) {
            problem(where + ": id missing");
            continue;
        }
        if (id != lower(id)) problem("model " + id + ": id is not lower case");
        if (!seen.insert(lower(id)).second) {
            problem("model " + id + ": duplicate id (entry " + std::to_string(i) + " skipped)");
            continue;
        }
        auto cfg = e.find("config");
        if (cfg == e.end() || !cfg->is_object()) {
            problem("model " + id + ": config missing");
            continue;
        }
        ParsedConfig parsed = parse_hf_config_json(*cfg);  // the parsed value, not its text again
        if (!parsed.ok) {
            problem("model " + id + ": config: " + parsed.error);
            continue;
        }
        ModelInfo m = std::move(parsed.model);
        m.id = id;
        m.name = get_string(e, "name");
        m.hf_id = get_string(e, "hf_id");
        m.family = get_string(e, "family");
        m.license = get_string(e, "license");
        m.year = static_cast<int>(get_number(e, "year"));
        m.params_published = get_number(e, "params_published");
        m.active_params_published = get_number(e, "active_params_published");
        const std::string modality = get_string(e, "modality");
        if (!modality.empty()) m.modality = modality;
        const std::string fmt = get_string(e, "default_format");
        if (!fmt.empty()) m.default_format = fmt;
        // The entry's extra_params (vision tower + projector, from a source) replaces the parser's
        // estimate from vision_config; a text entry carries none.
        const double extra = get_number(e, "extra_params");
        if (extra > 0.0)
            m.arch.extra_params = extra;
        else if (m.modality == "text")
            m.arch.extra_params = 0.0;
        if (auto al = e.find("aliases"); al != e.end() && al->is_array())
            for (const json& a : *al)
                if (a.is_string() && !a.get<std::string>().empty()) m.aliases.push_back(a.get<std::string>());
        // rope_scaling_card: the scaling the model card tells users to switch on (the config does not apply it).
        if (auto rc = e.find("rope_scaling_card"); rc != e.end() && rc->is_object() && !m.arch.rope_scaling.in_config) {
            RopeScaling rs;
            rs.type = get_string(*rc, "type");
            rs.factor = get_number(*rc, "factor");
            rs.original_max_context = static_cast<std::int64_t>(get_number(*rc, "original_max_position_embeddings"));
            if (rs.factor > 1.0 && rs.factor <= 1e3 && rs.original_max_context > 0 && rs.original_max_context <= m.arch.max_context)
                m.arch.rope_scaling = rs;
            else
                problem("model " + id + ": rope_scaling_card needs a factor above 1 and original_max_position_embeddings up to the context");
        }
        if (m.name.empty()) problem("model " + id + ": name missing");
        if (m.hf_id.empty()) problem("model " + id + ": hf_id missing");
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<Gpu> parse_gpu_catalog(std::string_view json_text, std::vector<std::string>* problems) {
    std::vector<Gpu> out;
    std::set<std::string> seen;
    auto problem = [&](const std::string& s) {
        if (problems) problems->push_back(s);
    };
    const json root = parse_array(json_text, "gpus.json", problems);
    out.reserve(root.size());
    for (std::size_t i = 0; i < root.size(); ++i) {
        const json& e = root[i];
        const std::string where = "gpus.json entry " + std::to_string(i);
        if (!e.is_object()) {
            problem(where + ": not an object");
            continue;
        }
        Gpu g;
        g.id = get_string(e, "id");
        if (g.id.empty()) {
            problem(where + ": id missing");
            continue;
        }
        if (g.id != lower(g.id)) problem("gpu " + g.id + ": id is not lower case");
        if (!seen.insert(lower(g.id)).second) {
            problem("gpu " + g.id + ": duplicate id (entry " + std::to_string(i) + " skipped)");
            continue;
        }
        g.name = get_string(e, "name");
        g.vendor = get_string(e, "vendor");
        g.segment = get_string(e, "segment");
        g.memory_marketed = get_number(e, "memory");
        g.memory_unit = get_string(e, "memory_unit");
        if (g.memory_unit.empty()) g.memory_unit = "GB";
        g.unified_memory = e.contains("unified_memory") && e["unified_memory"].is_boolean() && e["unified_memory"].get<bool>();
        g.bandwidth_gbps = get_number(e, "bandwidth_gbps");
        g.fp16_tflops = get_number(e, "fp16_tflops");
        g.bf16_tflops = get_number(e, "bf16_tflops");
        g.fp8_tflops = get_number(e, "fp8_tflops");
        g.interconnect = get_string(e, "interconnect");
        g.source = get_string(e, "source");
        if (!(g.memory_marketed > 0.0) || g.memory_marketed > 1e5) {
            problem("gpu " + g.id + ": memory must be a positive number of GB");
            continue;
        }
        // Marketed "GB" of GPU memory are GiB-sized (HBM/GDDR chips come in powers of two), and Apple's
        // "128GB" unified memory is 128 GiB; so the marketed number is read as GiB in every case.
        const double marketed_gib = g.memory_marketed * (g.memory_unit == "MB" || g.memory_unit == "MiB" ? 1.0 / 1024.0 : 1.0);
        if (has_number(e, "memory_reported_gib") && get_number(e, "memory_reported_gib") > 0.0) {
            g.memory_bytes = gib_to_bytes(get_number(e, "memory_reported_gib"));
        } else if (g.unified_memory) {
            const double share = get_number(e, "gpu_share_of_unified", kAppleDefaultShare);
            g.memory_bytes = gib_to_bytes(marketed_gib * (share > 0.0 && share <= 1.0 ? share : kAppleDefaultShare));
        } else {
            g.memory_bytes = gib_to_bytes(marketed_gib * (1.0 - kReservedFraction));
        }
        if (g.name.empty()) problem("gpu " + g.id + ": name missing");
        out.push_back(std::move(g));
    }
    return out;
}

const std::vector<ModelInfo>& model_catalog() { return models_parsed().models; }
const std::vector<Gpu>& gpu_catalog() { return gpus_parsed().gpus; }
const std::vector<int>& models_by_family() { return models_parsed().by_family; }
const std::vector<int>& gpus_by_group() { return gpus_parsed().by_group; }

const std::vector<std::string>& catalog_problems() {
    static const std::vector<std::string> all = [] {
        std::vector<std::string> v = models_parsed().problems;
        v.insert(v.end(), gpus_parsed().problems.begin(), gpus_parsed().problems.end());
        return v;
    }();
    return all;
}

const ModelInfo* find_model(std::string_view id_or_hf_id) {
    const std::string q = lower(id_or_hf_id);
    if (q.empty()) return nullptr;
    if (!g_models_parsed)
        if (const ModelInfo* m = one_entry<ModelInfo>(embedded_models_json(), q, parse_model_catalog)) return m;
    const ModelCatalog& c = models_parsed();
    if (auto it = c.by_id.find(q); it != c.by_id.end()) return &c.models[it->second];
    if (auto it = c.by_hf_id.find(q); it != c.by_hf_id.end()) return &c.models[it->second];
    return nullptr;
}

const Gpu* find_gpu(std::string_view id) {
    const std::string q = lower(id);
    if (q.empty()) return nullptr;
    if (!g_gpus_parsed)
        if (const Gpu* g = one_entry<Gpu>(embedded_gpus_json(), q, parse_gpu_catalog)) return g;
    const GpuCatalog& c = gpus_parsed();
    if (auto it = c.by_id.find(q); it != c.by_id.end()) return &c.gpus[it->second];
    return nullptr;
}

std::vector<std::string> nearest_model_ids(std::string_view id, int n) {
    std::vector<std::string> ids;
    for (const ModelInfo& m : model_catalog()) ids.push_back(m.id);
    return nearest(id, ids, n);
}

std::vector<std::string> nearest_gpu_ids(std::string_view id, int n) {
    std::vector<std::string> ids;
    for (const Gpu& g : gpu_catalog()) ids.push_back(g.id);
    return nearest(id, ids, n);
}

}  // namespace vramcalc
