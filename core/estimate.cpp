// resolve(): ids -> catalog entries and engine profile, and every user-caused error as one clear message.
// estimate(): the engine profile's accounting for the chosen release, then the figures every engine shares.
#include "estimate.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "cache_support.h"
#include "catalog.h"
#include "checked.h"
#include "config_parser.h"
#include "knobs.h"
#include "metal_limit.h"
#include "mtp.h"
#include "parallel_layout.h"
#include "kv_cache.h"
#include "rope_scaling.h"
#include "rule_of_thumb.h"
#include "tensors.h"
#include "text.h"

namespace vramcalc {

namespace {

constexpr std::int64_t kMaxTokensInFlight = 10'000'000'000;

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// Only a parameter count is known: weights are params x bits, nothing else can be said.
Estimate estimate_params_only(const ResolvedScenario& r) {
    Estimate e;
    e.ok = true;
    e.engine_version = "weights only (no architecture)";
    // One replica's GPUs (engines with TP/PP), or every GPU (engines that split layers over all).
    const ParallelRules& par = r.engine ? r.engine->parallel : ParallelRules{};
    const int gpus = std::max(1, par.tensor_parallel || par.pipeline_parallel ? r.scenario.tp * r.scenario.pp : r.scenario.gpus);
    const double bytes = r.model.params_published * r.weights.bits_per_weight / 8.0;
    const std::string how = "parameters x " + std::to_string(r.weights.bits_per_weight).substr(0, 5) + " bits / 8";
    e.total.weights = {bytes_from(bytes), how};
    e.total.total_bytes = e.total.weights.bytes;
    e.per_gpu.weights = {bytes_from(bytes / gpus), how + ", split over " + std::to_string(gpus) + " GPU(s)"};
    e.per_gpu.total_bytes = e.per_gpu.weights.bytes;
    e.gpus.assign(static_cast<std::size_t>(gpus), e.per_gpu);
    e.startup_peak = {e.per_gpu.total_bytes, "weights only"};
    e.fits = e.per_gpu.total_bytes <= r.gpu.memory_bytes;
    e.headroom_bytes = signed_difference(r.gpu.memory_bytes, e.per_gpu.total_bytes);
    return e;
}

// Beyond this a per-GPU figure is no device's: 4 EiB, far above any GPU and below the point where four
// parts could wrap a 64-bit sum. bytes_from() saturates at 2^63 - 1, so a saturated part lands here.
constexpr Bytes kFigureLimit = Bytes{1} << 62;

// One GPU's total as the exact sum of its parts (checked: false when a part or the sum leaves the range).
bool settle_load(GpuLoad& g) {
    const CheckedU64 t = CheckedU64(g.weights.bytes) + g.kv_cache.bytes + g.activation.bytes + g.overhead.bytes;
    g.total_bytes = t.value;
    return t.ok() && t.value < kFigureLimit;
}

// The usable memory of GPU i as the estimate states it: llama.cpp places on each listed device by its
// own memory; every other engine gives each rank the same budget (gpu_memory_bytes, the smallest).
Bytes memory_of(const Estimate& e, const ResolvedScenario& r, std::size_t i) {
    const bool own = r.engine && r.engine->id == std::string("llamacpp") && i < r.devices.size();
    return own ? r.devices[i].memory_bytes : e.gpu_memory_bytes;
}

// The sums every engine's answer is printed with, computed here once (issue 12): each GPU's total is
// the exact sum of its parts, the overall total the exact sum over the GPUs (part by part), all with
// checked arithmetic; `fits` is kept only if every printed GPU total is within its memory. Returns an
// error when a figure leaves the representable range (never a wrapped number).
std::string settle_sums(Estimate& e, const ResolvedScenario& r) {
    bool ok = settle_load(e.per_gpu);
    if (e.needed_per_gpu) ok = settle_load(*e.needed_per_gpu) && ok;
    CheckedU64 w, kv, act, over, all;
    bool all_within = true;
    std::int64_t least_free = INT64_MAX;
    for (std::size_t i = 0; i < e.gpus.size(); ++i) {
        GpuLoad& g = e.gpus[i];
        ok = settle_load(g) && ok;
        w += g.weights.bytes;
        kv += g.kv_cache.bytes;
        act += g.activation.bytes;
        over += g.overhead.bytes;
        all += g.total_bytes;
        if (g.total_bytes == 0) continue;  // an unused device (llama.cpp split, transformers device_map)
        const Bytes mem = memory_of(e, r, i);
        all_within = all_within && g.total_bytes <= mem;
        least_free = std::min(least_free, signed_difference(mem, g.total_bytes));
    }
    e.total.weights.bytes = w.value;
    e.total.kv_cache.bytes = kv.value;
    e.total.activation.bytes = act.value;
    e.total.overhead.bytes = over.value;
    e.total.total_bytes = all.value;
    // The overall total is printed and written to JSON as a signed-safe integer: at most 2^63 - 1.
    const auto signed_safe = [](CheckedU64 x) { return x.ok() && x.value <= static_cast<Bytes>(INT64_MAX); };
    ok = ok && signed_safe(w) && signed_safe(kv) && signed_safe(act) && signed_safe(over) && signed_safe(all);
    if (!ok)
        return "estimate: the figures exceed 4 EiB per GPU (or 8 EiB over all GPUs): no GPU holds this scenario "
               "(lower the context, the batch or the model's sizes)";
    if (!all_within) {
        // The verdict agrees with the printed sums: a GPU whose total exceeds its memory does not fit,
        // and the headroom says by how much (whatever the engine's own KV-pool accounting said).
        e.fits = false;
        e.headroom_bytes = std::min(e.headroom_bytes, least_free);
    }
    e.headroom_bytes = std::max(e.headroom_bytes, -INT64_MAX);  // never INT64_MIN
    return "";
}

// The model a scenario names: its config parsed, its files decoded, its tensors listed (once).
bool resolve_model_into(const Scenario& s, ResolvedModel& r, std::string& error) {
    if (!s.custom_config.empty()) {
        ParsedConfig parsed = parse_hf_config(s.custom_config);
        if (!parsed.ok) {
            error = "config.json: " + parsed.error;
            return false;
        }
        r.model = parsed.model;
        if (!s.custom_tensors.empty()) {
            std::string why;
            auto files = decode_file_weights(s.custom_tensors, why);
            if (!files) {
                error = "custom_tensors: " + why;
                return false;
            }
            r.files = std::move(*files);
        }
        if (r.model.id.empty()) r.model.id = "custom";
        if (!s.custom_name.empty()) r.model.name = s.custom_name;
        if (r.model.name.empty()) r.model.name = "Custom model";
    } else if (s.custom_params > 0) {
        if (!(s.custom_params >= 1e6 && s.custom_params <= 1e14)) {
            error = "custom_params: a parameter count between 1e6 and 1e14 is needed";
            return false;
        }
        r.model.id = "custom";
        r.model.name = s.custom_name.empty() ? "Custom model (parameters only)" : s.custom_name;
        r.model.params_published = s.custom_params;
        r.model.params_only = true;
    } else {
        const ModelInfo* m = find_model(s.model);
        if (!m) {
            auto near = nearest_model_ids(s.model);
            error = "model: unknown model '" + s.model + "'" + (near.empty() ? "" : " (did you mean " + join(near) + "?)");
            return false;
        }
        r.model = *m;
    }
    if (!r.model.params_only)
        r.tensors = std::make_shared<const std::vector<TensorGroup>>(tensor_inventory(r.model.arch));
    return true;
}

// Formats
bool resolve_formats(ResolvedScenario& r, std::string& error) {
    const Scenario& s = r.scenario;
    auto wf = find_weight_format(s.weights);
    if (!wf) {
        error = "weights: unknown format '" + s.weights + "' (see `vramcalc formats`)";
        return false;
    }
    r.weights = *wf;
    auto kf = find_kv_format(s.kv_dtype);
    if (!kf) {
        error = "kv_dtype: unknown KV-cache format '" + s.kv_dtype + "' (auto, fp16, bf16, fp8, q8_0, q4_0)";
        return false;
    }
    r.kv = *kf;
    return true;
}

// Engine and release (and whether the engine loads the formats)
bool resolve_engine(ResolvedScenario& r, std::string& error) {
    Scenario& s = r.scenario;
    r.engine = find_engine(s.engine);
    if (!r.engine) {
        error = "engine: unknown engine '" + s.engine + "' (" + engine_ids_text() + ")";
        return false;
    }
    s.engine = r.engine->id;
    const ReleaseChoice rel = choose_release(*r.engine, s.engine_version);
    if (!rel.release) {
        error = rel.error;
        return false;
    }
    r.release = rel.release;
    r.release_note = rel.note;
    r.release_older_than_known = rel.older_than_known;
    if (std::string e = engine_load_error(*r.engine, r.weights, r.kv); !e.empty()) {
        error = e;
        return false;
    }
    return true;
}

// GPU: a custom memory size or a catalog id
bool resolve_gpu(ResolvedScenario& r, std::string& error) {
    const Scenario& s = r.scenario;
    if (s.gpu_memory_gib > 0) {
        if (!(s.gpu_memory_gib >= 0.25 && s.gpu_memory_gib <= 1e5)) {
            error = "gpu_memory_gib: between 0.25 and 100000 GiB per GPU";
            return false;
        }
        r.gpu.id = "custom";
        r.gpu.name = "Custom GPU";
        r.gpu.vendor = "custom";
        r.gpu.memory_marketed = s.gpu_memory_gib;
        r.gpu.memory_unit = "GiB";
        r.gpu.memory_bytes = gib_to_bytes(s.gpu_memory_gib);
    } else {
        const Gpu* g = find_gpu(s.gpu);
        if (!g) {
            auto near = nearest_gpu_ids(s.gpu);
            error = "gpu: unknown GPU '" + s.gpu + "'" + (near.empty() ? "" : " (did you mean " + join(near) + "?)");
            return false;
        }
        r.gpu = *g;
    }
    return true;
}

// A list of GPUs (mixed sizes): the devices, their count, and the smallest as r.gpu.
bool resolve_gpu_list(ResolvedScenario& r, std::string& error) {
    Scenario& s = r.scenario;
    if (s.gpu_list.empty()) return true;
    if (s.gpu_list.size() > 4096) { error = "gpu_list: longer than 4096 bytes"; return false; }
    std::string id;
    for (std::size_t i = 0; i <= s.gpu_list.size(); ++i) {
        if (i < s.gpu_list.size() && s.gpu_list[i] != ',') { id += s.gpu_list[i]; continue; }
        const Gpu* g = find_gpu(id);
        if (!g) {
            auto near = id.size() <= 200 ? nearest_gpu_ids(id) : std::vector<std::string>{};
            error = "gpu_list: unknown GPU '" + id + "'" + (near.empty() ? "" : " (did you mean " + join(near) + "?)");
            return false;
        }
        r.devices.push_back(*g);
        id.clear();
    }
    // The layout's GPUs are the list; engines that shard evenly are bound by the smallest one.
    s.gpus = static_cast<int>(r.devices.size());
    r.gpu = *std::min_element(r.devices.begin(), r.devices.end(),
                              [](const Gpu& x, const Gpu& y) { return x.memory_bytes < y.memory_bytes; });
    return true;
}

// Layout and workload
static_assert(kMaxGpus == 4096, "the gpus message below spells the limit");
bool check_workload(const ResolvedScenario& r, std::string& error) {
    const Scenario& s = r.scenario;
    if (s.gpus < 1 || s.gpus > kMaxGpus) { error = "gpus: between 1 and 4096"; return false; }
    if (s.nodes < 1 || s.nodes > s.gpus) { error = "nodes: between 1 and the GPU count"; return false; }
    if (s.tp < 0 || s.pp < 0) { error = "tp/pp: at least 1 (0 = auto)"; return false; }
    if (s.context < 1 || s.context > 100'000'000) { error = "context: between 1 and 100M tokens"; return false; }
    if (s.batch < 1 || s.batch > 1'000'000) { error = "batch: between 1 and 1M sequences"; return false; }
    if (std::string e = knob_range_error(s); !e.empty()) { error = e; return false; }
    // Each bound alone is generous; their product wrapped the engines' 64-bit sums (issue 12). 1e10
    // tokens in flight is 10x a 1M-token context at 1,000 sequences.
    if (!product_within(s.context, s.batch, kMaxTokensInFlight)) {
        error = "context x batch: at most 1e10 tokens in flight (got " + std::to_string(s.context) + " x " +
                std::to_string(s.batch) + ")";
        return false;
    }
    if (const int most = r.engine->parallel.max_devices; most > 0 && s.gpus > most) {
        error = "gpus: " + std::string(r.engine->name) + " uses at most " + std::to_string(most) + " devices";
        return false;
    }
    return true;
}

// The layout: auto TP/PP pooled over the GPUs (core/parallel_layout.h); the engines see numbers.
bool resolve_layout(ResolvedScenario& r, std::string& error) {
    Scenario& s = r.scenario;
    const ParallelRules& par = r.engine->parallel;
    const std::int64_t heads = r.model.params_only ? 0 : r.model.arch.num_heads;
    const auto layout = scenario_layout(s, heads, par, error);
    if (!layout) return false;
    if (!par.tensor_parallel && !par.pipeline_parallel && (s.tp > 1 || s.pp > 1))
        r.ignored_layout = (s.tp > 1 ? "tp " + std::to_string(s.tp) : "") + (s.tp > 1 && s.pp > 1 ? ", " : "") +
                           (s.pp > 1 ? "pp " + std::to_string(s.pp) : "");
    s.tp = layout->tp;
    s.pp = layout->pp;
    s.replicas = layout->replicas;
    if (r.model.params_only) return true;
    const Architecture& a = r.model.arch;
    if (par.heads_divide_tp && a.num_heads % s.tp != 0) {
        error = "tp: tensor parallel " + std::to_string(s.tp) + " does not divide the " + std::to_string(a.num_heads) +
                " attention heads of " + r.model.name + " (" + r.engine->name + " requires it)";
        return false;
    }
    if (par.pipeline_parallel && s.pp > a.num_layers) {
        error = "pp: pipeline parallel " + std::to_string(s.pp) + " exceeds the " + std::to_string(a.num_layers) + " layers";
        return false;
    }
    return true;
}

// Everything but the model: formats, engine and release, GPU, layout and workload, checked against
// the model in r.model.
bool resolve_setup(ResolvedScenario& r, std::string& error) {
    return resolve_formats(r, error) && resolve_engine(r, error) && resolve_gpu(r, error) && resolve_gpu_list(r, error) &&
           check_workload(r, error) && resolve_layout(r, error);
}

}  // namespace

std::optional<ResolvedModel> resolve_model(const Scenario& s, std::string& error) {
    ResolvedModel m;
    if (!resolve_model_into(s, m, error)) return std::nullopt;
    return m;
}

std::optional<ResolvedScenario> resolve_with_model(const ResolvedModel& model, const Scenario& s, std::string& error) {
    ResolvedScenario r;
    r.scenario = s;
    r.model = model.model;
    r.files = model.files;
    r.tensors = model.tensors;
    if (!resolve_setup(r, error)) return std::nullopt;
    return r;
}

std::optional<ResolvedScenario> resolve(const Scenario& s, std::string& error) {
    const auto model = resolve_model(s, error);
    if (!model) return std::nullopt;
    return resolve_with_model(*model, s, error);
}

namespace {

// A hand-built ResolvedScenario (tests) may leave the profile and release to the scenario's ids.
const ResolvedScenario& with_profile(const ResolvedScenario& r_in, ResolvedScenario& filled) {
    if (r_in.engine && r_in.release && (r_in.tensors || r_in.model.params_only)) return r_in;
    filled = r_in;
    if (!filled.engine) filled.engine = &engine_profile(r_in.scenario.engine);
    if (!filled.release) filled.release = choose_release(*filled.engine, r_in.scenario.engine_version).release;
    if (!filled.release) filled.release = &newest_release(*filled.engine);
    if (!filled.tensors && !filled.model.params_only)
        filled.tensors = std::make_shared<const std::vector<TensorGroup>>(tensor_inventory(filled.model.arch));
    return filled;
}

// What the release cannot run at all (its cache for this architecture, MTP it does not use): the refusal.
std::optional<Estimate> refusal(const ResolvedScenario& r) {
    if (!r.model.params_only) {
        if (std::string why = unsupported_cache_reason(r.model.arch, *r.engine, r.release); !why.empty()) {
            Estimate refused;
            refused.error = r.model.name + ": " + why;
            refused.error_field = ErrorField::Model;
            return refused;
        }
    }
    if (std::string why = mtp_refusal(r.model.arch, *r.engine, r.scenario.mtp_tokens); !why.empty()) {
        Estimate refused;
        refused.error = why;
        refused.error_field = error_field_of(why);
        return refused;
    }
    return std::nullopt;
}

// The engine profile's accounting for the release, its sums settled; not ok (with the error) when it
// does not answer.
Estimate engine_answer(const ResolvedScenario& r) {
    Estimate e = r.model.params_only ? estimate_params_only(r) : r.engine->estimate(r, *r.release);
    if (!e.ok && e.error.empty()) e.error = "the estimator could not answer this scenario";
    if (!e.ok) {
        e.error_field = error_field_of(e.error);
        return e;
    }
    if (r.devices.empty() || e.gpu_memory_bytes == 0) e.gpu_memory_bytes = r.gpu.memory_bytes;
    if (std::string why = settle_sums(e, r); !why.empty()) {
        Estimate refused;
        refused.error = std::move(why);
        refused.error_field = ErrorField::Other;
        return refused;
    }
    return e;
}

// Whose accounting this is: the profile's name, the release and what that release follows.
void name_release(Estimate& e, const ResolvedScenario& r) {
    const EngineRelease& release = *r.release;
    if (e.engine_version.empty())
        e.engine_version = std::string(r.engine->name) + " " + release.id + (*release.label ? std::string(" (") + release.label + ")" : "");
    if (!r.release_note.empty()) e.engine_version += "; " + r.release_note;
    if (r.release_older_than_known) e.warnings.push_back("engine_version: " + r.release_note);
}

// Figures every engine shares.
void shared_figures(Estimate& e, const ResolvedScenario& r) {
    if (!r.model.params_only) {
        ParamCount p = count_params(*r.tensors, r.model.arch);
        e.params = p.total + r.model.arch.extra_params;
        e.active_params = p.active + r.model.arch.extra_params;
        // Engines that size cells their own way (llama.cpp's ggml blocks, ExLlama's quantized caches) set it.
        if (e.kv_bytes_per_token == 0) e.kv_bytes_per_token = kv_bytes_per_token(r.model.arch, kv_bits(r.kv, r.model.arch, r.weights));
    } else {
        e.params = r.model.params_published;
        e.active_params = r.model.params_published;
    }
}

// Devices of mixed sizes under an engine that budgets by the smallest, and llama.cpp flags given to another.
void device_warnings(Estimate& e, const ResolvedScenario& r) {
    const EngineProfile& profile = *r.engine;
    if (!r.devices.empty() && profile.id != std::string("llamacpp")) {
        bool mixed = false;
        for (const Gpu& g : r.devices) mixed |= g.memory_bytes != r.gpu.memory_bytes;
        if (mixed)
            e.warnings.push_back(std::string(profile.name) + " gives every rank the same budget: the smallest GPU (" + r.gpu.name +
                                 ") sets it, and the larger GPUs' extra memory goes unused");
    }
    // llama.cpp's placement flags mean nothing to the other engines.
    if (profile.id != std::string("llamacpp") &&
        (!r.scenario.override_tensor.empty() || !r.scenario.tensor_split.empty() || !r.scenario.split_mode.empty()))
        e.warnings.push_back("override_tensor / tensor_split / split_mode are llama.cpp settings: ignored by " + std::string(profile.name));
}

// Knobs the engine ignores and GPUs the layout leaves idle.
void setting_warnings(Estimate& e, const ResolvedScenario& r) {
    const EngineProfile& profile = *r.engine;
    // Knobs of other engines (kept when the page switches engine) change nothing here: say so.
    for (const Knob& k : engine_knobs())
        if (!uses_knob(profile, k.id) && k.get(r.scenario) != k.get(Scenario{}))
            e.warnings.push_back(std::string(k.id) + " is not a " + profile.name + " setting: ignored");
    if (!r.ignored_layout.empty())
        e.warnings.push_back(r.ignored_layout + ": " + profile.name + " places whole layers on the GPUs itself (no tensor or pipeline parallel setting): ignored");
    const ParallelLayout run{r.scenario.tp, r.scenario.pp, r.scenario.replicas, 0,
                             profile.parallel.dp_attention && r.scenario.enable_dp_attention && r.scenario.replicas > 1};
    if (const std::int64_t used = layout_gpus(run);
        (profile.parallel.tensor_parallel || profile.parallel.pipeline_parallel) && used < r.scenario.gpus)
        e.warnings.push_back("the layout " + layout_text(run) + " uses " +
                             std::to_string(used) + " of the " + std::to_string(r.scenario.gpus) + " GPUs: the others stay idle");
}

// What the model's description limits: a parameter count only, a context past training, files in
// another format (or, when they match, their exact parameter count).
void model_warnings(Estimate& e, const ResolvedScenario& r) {
    const EngineProfile& profile = *r.engine;
    if (r.model.params_only && profile.counts_kv_cache)
        e.warnings.push_back("only a parameter count is known: weights are exact, KV cache and activations are not counted");
    if (!r.model.params_only)
        if (std::string w = context_warning(r.model.arch, r.scenario.context); !w.empty()) e.warnings.push_back(std::move(w));
    if (r.files && !matching_file_weights(r)) {
        const auto files_format = find_weight_format(r.files->format);
        const bool loads_files = files_format && engine_load_error(profile, *files_format, r.kv).empty();
        e.warnings.push_back("the model's " + r.files->source + " files hold " + r.files->format + " weights; " +
                             (loads_files ? r.weights.id + " weights" : std::string(profile.name) + " does not load them as they are") +
                             ": estimated by the format's rules, not read from the files");
    } else if (r.files && r.files->params > 0) {
        e.params = r.files->params;  // every element in the files, vision projector included
    }
}

}  // namespace

Estimate estimate(const ResolvedScenario& r_in) {
    ResolvedScenario filled;
    const ResolvedScenario& r = with_profile(r_in, filled);
    if (std::optional<Estimate> refused = refusal(r)) return *refused;
    Estimate e = engine_answer(r);
    if (!e.ok) return e;
    name_release(e, r);
    shared_figures(e, r);
    device_warnings(e, r);
    e.rule_of_thumb = rule_of_thumb_estimate(r).rule_of_thumb;
    if (std::string m = metal_working_set_note(r.gpu, e); !m.empty()) e.warnings.push_back(std::move(m));
    setting_warnings(e, r);
    model_warnings(e, r);
    return e;
}

Estimate estimate_resolved(const std::optional<ResolvedScenario>& r, const std::string& error) {
    if (r) return estimate(*r);
    Estimate e;
    e.ok = false;
    e.error = error;
    e.error_field = error_field_of(error);
    return e;
}

Estimate estimate(const Scenario& s) {
    std::string error;
    const auto r = resolve(s, error);
    return estimate_resolved(r, error);
}

}  // namespace vramcalc
