#include "llamacpp_fit.h"

#include <algorithm>

#include "engine_profile.h"
#include "estimate.h"
#include "text.h"

namespace vramcalc {

namespace {

// common/fit.cpp common_layer_fraction_t: which part of a device's first partial layer stays on it.
enum class Fraction { Attn, Up, Gate, Moe };

std::string overflow_pattern(std::int64_t il, Fraction f) {
    const std::string blk = "blk\\." + std::to_string(il) + "\\.";
    switch (f) {
        case Fraction::Attn: return blk + "ffn_(gate|up|gate_up|down).*";
        case Fraction::Up: return blk + "ffn_(gate|gate_up|down).*";
        case Fraction::Gate: return blk + "ffn_down.*";
        case Fraction::Moe: break;
    }
    return blk + "ffn_(up|down|gate_up|gate)_(ch|)exps";
}

struct Ngl {
    std::int64_t n_layer = 0;  // layers on the device
    std::int64_t n_part = 0;   // of them partial (MoE weights elsewhere), <= n_layer
    Fraction overflow = Fraction::Moe;
    std::int64_t n_full() const { return n_layer - n_part; }
};

struct Fitter {
    ResolvedScenario base;
    std::size_t nd = 1;
    std::int64_t hp_ngl = 0;
    bool moe = false;
    std::vector<std::int64_t> free;     // per device: free memory (given, or its memory less the estimate's overhead)
    std::vector<std::int64_t> targets;  // per device: free less the margin
    std::vector<std::string> overflow_buft;  // per device: where its first partial layer overflows to

    // common_params_fit_impl set_ngl_tensor_split_tbo: -ngl, --tensor-split and -ot for a distribution.
    Scenario apply(const std::vector<Ngl>& ngl) const {
        Scenario s = base.scenario;
        std::int64_t total = 0;
        std::string split;
        for (std::size_t id = 0; id < nd; ++id) {
            total += ngl[id].n_layer;
            if (nd > 1) split += (id ? "," : "") + std::to_string(ngl[id].n_layer);
        }
        s.gpu_layers = static_cast<int>(total);
        // no layers anywhere: llama.cpp reads an all-zero --tensor-split as the default split
        // (llama-model.cpp load_tensors `all_zero`), which our -ts reader would refuse
        s.tensor_split = total > 0 ? split : "";
        s.n_cpu_moe = 0;
        s.cpu_moe = false;
        std::string ot;
        std::int64_t il0 = hp_ngl + 1 - total;
        for (std::size_t id = 0; id < nd; ++id) {
            il0 += ngl[id].n_full();
            for (std::int64_t il = il0; il < il0 + ngl[id].n_part; ++il) {
                const bool first = il == il0;
                ot += (ot.empty() ? "" : ",") + overflow_pattern(il, first ? ngl[id].overflow : Fraction::Moe) + "=" +
                      (first ? overflow_buft[id] : std::string("CPU"));
            }
            il0 += ngl[id].n_part;
        }
        s.override_tensor = ot;
        return s;
    }

    // llama_memory_breakdown per device: model + context + compute (no CUDA context).
    std::vector<std::int64_t> memory(const Scenario& s, std::string& error) const {
        ResolvedScenario r = base;
        r.scenario = s;
        const Estimate e = estimate(r);
        std::vector<std::int64_t> out(nd, 0);
        if (!e.ok) {
            error = e.error;
            return out;
        }
        for (std::size_t id = 0; id < nd && id < e.gpus.size(); ++id) {
            const GpuLoad& g = e.gpus[id];
            out[id] = static_cast<std::int64_t>(g.weights.bytes + g.kv_cache.bytes + g.activation.bytes);
        }
        return out;
    }
    std::vector<std::int64_t> memory(const std::vector<Ngl>& ngl, std::string& error) const { return memory(apply(ngl), error); }
};

// Step 3: fill devices back to front, each as far as its target allows (method of false position).
void fill_back_to_front(Fitter& f, std::vector<Ngl>& ngl, std::vector<std::int64_t>& mem, std::string& error) {
    const std::size_t nd = f.nd;
    for (std::size_t idx = nd; idx-- > 0;) {
        std::int64_t n_unassigned = f.hp_ngl + 1;
        for (std::size_t jd = idx + 1; jd < nd; ++jd) n_unassigned -= ngl[jd].n_layer;
        std::vector<Ngl> high = ngl;
        high[idx].n_layer = n_unassigned;
        if (f.moe) high[idx].n_part = idx < nd - 1 ? high[idx].n_layer : high[idx].n_layer - 1;
        if (high[idx].n_layer <= 0) continue;
        std::vector<std::int64_t> mem_high = f.memory(high, error);
        if (!error.empty()) return;
        if (mem_high[idx] <= f.targets[idx]) {
            ngl = high;
            mem = mem_high;
            continue;
        }
        std::int64_t delta = high[idx].n_layer - ngl[idx].n_layer;
        while (delta > 1) {
            const std::int64_t headroom = mem_high[idx] - mem[idx];
            std::int64_t step = headroom > 0 ? delta * (f.targets[idx] - mem[idx]) / headroom : delta - 1;
            step = std::clamp<std::int64_t>(step, 1, delta - 1);
            std::vector<Ngl> test = ngl;
            test[idx].n_layer += step;
            if (f.moe) test[idx].n_part += idx == nd - 1 && test[idx].n_part == 0 ? step - 1 : step;  // output layer is full
            const std::vector<std::int64_t> mem_test = f.memory(test, error);
            if (!error.empty()) return;
            if (mem_test[idx] <= f.targets[idx]) {
                ngl = test;
                mem = mem_test;
            } else {
                high = test;
                mem_high = mem_test;
            }
            delta = high[idx].n_layer - ngl[idx].n_layer;
        }
    }
}

// Step 4 for one device: move the front dense-only layers onto it as full layers, then try one more layer
// with part of its FFN on the device.
void convert_to_full(Fitter& f, std::vector<Ngl>& ngl, std::vector<std::int64_t>& mem, std::size_t id, std::size_t& dense_start,
                     std::string& error) {
    const std::size_t nd = f.nd;
    std::vector<Ngl> high = ngl;
    for (std::size_t jd = dense_start; jd < nd; ++jd) {
        const std::int64_t move = jd < nd - 1 ? high[jd].n_layer : high[jd].n_layer - 1;
        high[id].n_layer += move;
        high[jd].n_layer -= move;
        high[jd].n_part = 0;
    }
    std::size_t dense_start_high = nd - 1;
    std::vector<std::int64_t> mem_high = f.memory(high, error);
    if (!error.empty()) return;
    if (mem_high[id] > f.targets[id]) {
        std::int64_t delta = high[id].n_full() - ngl[id].n_full();
        while (delta > 1) {
            const std::int64_t headroom = mem_high[id] - mem[id];
            std::int64_t step = headroom > 0 ? delta * (f.targets[id] - mem[id]) / headroom : delta - 1;
            step = std::clamp<std::int64_t>(step, 1, delta - 1);
            std::vector<Ngl> test = ngl;
            std::size_t ds = dense_start;
            std::int64_t converted = 0;
            for (; ds < nd; ++ds) {
                const std::int64_t n = std::min(step - converted, test[ds].n_part);
                test[ds].n_layer -= n;
                test[ds].n_part -= n;
                test[id].n_layer += n;
                converted += n;
                if (test[ds].n_part > 0) break;
            }
            const std::vector<std::int64_t> mem_test = f.memory(test, error);
            if (!error.empty()) return;
            if (mem_test[id] <= f.targets[id]) {
                ngl = test;
                mem = mem_test;
                dense_start = ds;
            } else {
                high = test;
                mem_high = mem_test;
                dense_start_high = ds;
            }
            delta = high[id].n_full() - ngl[id].n_full();
        }
    } else {
        ngl = high;
        mem = mem_high;
        dense_start = dense_start_high;
    }
    // "try to fit at least part of one more layer"
    if (dense_start >= nd || ngl[dense_start].n_layer <= (id < nd - 1 ? 0 : 1)) return;
    std::vector<Ngl> test = ngl;
    std::size_t ds = dense_start;
    test[ds].n_layer--;
    test[ds].n_part--;
    test[id].n_layer++;
    test[id].n_part++;
    if (test[ds].n_part == 0) ++ds;
    std::vector<std::string> bufts = f.overflow_buft;
    if (id < nd - 1) bufts[id] = "CUDA" + std::to_string(id + 1);
    auto fits = [&](const std::vector<std::int64_t>& m) { return m[id] < f.targets[id] && (id + 1 == nd || m[id + 1] < f.targets[id + 1]); };
    auto attempt = [&](Fraction fr) {
        test[id].overflow = fr;
        std::swap(f.overflow_buft, bufts);
        const std::vector<std::int64_t> m = f.memory(test, error);
        std::swap(f.overflow_buft, bufts);
        if (!error.empty() || !fits(m)) return false;
        ngl = test;
        f.overflow_buft = bufts;
        mem = m;
        dense_start = ds;
        return true;
    };
    if (attempt(Fraction::Up)) attempt(Fraction::Gate);
    else if (error.empty()) attempt(Fraction::Attn);
}

std::string flags_text(const Scenario& s, std::size_t nd) {
    // -ngl left at its default (all layers) is written as llama-server's launch command writes it
    std::string t = "-c " + std::to_string(s.context) + " -ngl " + (s.gpu_layers < 0 ? std::string("999") : std::to_string(s.gpu_layers));
    if (nd > 1 && !s.tensor_split.empty()) t += " -ts " + s.tensor_split;
    if (!s.override_tensor.empty()) t += " -ot " + s.override_tensor;
    return t;
}

// The first build known to start the context search at n_ctx_train x slots: PR #28849 (merged
// 2026-09-13..22) for the default unified KV, after PR #27496 (Aug. 2026) for -no-kvu -np N. b11232
// (Ollama v0.35.1-rc0, by 2026-09-30) follows both; b11004 (2026-09-17) is not known to.
constexpr std::int64_t kFitSlotsBuild = 11232;

// Slots the context search multiplies: -np N, or the 4 of llama-server's default -np auto.
std::int64_t fit_slots(const Scenario& s) {
    const ReleaseChoice c = choose_release(engine_profile("llamacpp"), s.engine_version);
    if (!c.release || c.release->order < kFitSlotsBuild) return 1;
    return s.parallel > 0 ? s.parallel : 4;
}

// -c unset: llama_context would use the training context (n_ctx 0), so start there; newer builds
// start at the training context of every slot (common/fit.cpp, PR #28849).
Scenario starting_scenario(const Scenario& given, const FitOptions& options) {
    Scenario input = given;
    if (options.context_auto) {
        std::string error;
        if (auto m = resolve_model(given, error); m && m->model.arch.max_context > 0)
            input.context = m->model.arch.max_context * fit_slots(given);
    }
    return input;
}

// The fitter over a resolved scenario: per device its free memory and the target that keeps the margin.
Fitter make_fitter(const ResolvedScenario& r, const Scenario& input, const Estimate& first, const FitOptions& options) {
    Fitter f;
    f.base = r;
    f.nd = static_cast<std::size_t>(std::max(1, input.gpus));
    f.hp_ngl = r.model.arch.num_layers;
    f.moe = r.model.arch.is_moe();
    f.free.assign(f.nd, 0);
    for (std::size_t id = 0; id < f.nd; ++id) {
        const Bytes overhead = id < first.gpus.size() ? first.gpus[id].overhead.bytes : 0;
        f.free[id] = id < options.free.size() ? static_cast<std::int64_t>(options.free[id])
                                              : static_cast<std::int64_t>(r.gpu.memory_bytes) - static_cast<std::int64_t>(overhead);
        f.targets.push_back(f.free[id] - static_cast<std::int64_t>(options.margin));
    }
    f.overflow_buft.assign(f.nd, "CPU");
    return f;
}

// The answer: scenario s, per device its layers and memory m against its free memory, and the flags.
FitPlan finish(FitPlan& plan, const Fitter& f, const Scenario& s, const std::vector<std::int64_t>& m, const std::vector<Ngl>* ngl) {
    plan.scenario = s;
    plan.fits = true;
    for (std::size_t id = 0; id < f.nd; ++id) {
        FitDeviceLine line{ngl ? (*ngl)[id].n_layer : 0, ngl ? (*ngl)[id].n_part : 0, static_cast<Bytes>(std::max<std::int64_t>(0, m[id])),
                           static_cast<Bytes>(std::max<std::int64_t>(0, f.free[id]))};
        plan.fits &= m[id] <= f.targets[id];
        plan.devices.push_back(line);
        plan.log.push_back("  - GPU" + std::to_string(id) + ": " + std::to_string(line.layers) + " layers (" +
                           std::to_string(line.overflowing) + " overflowing), " + std::to_string(m[id] >> 20) + " MiB used, " +
                           std::to_string((f.free[id] - m[id]) >> 20) + " MiB free");
    }
    plan.flags = flags_text(plan.scenario, f.nd);
    return plan;
}

FitPlan failed(FitPlan& plan, const std::string& error) {
    plan.ok = false;
    plan.error = error;
    return plan;
}

// Step 1: the user's parameters as they are (memory mem); true when every device keeps its margin.
bool user_parameters_fit(FitPlan& plan, const Fitter& f, const std::vector<std::int64_t>& mem) {
    std::int64_t used = 0, sum_free = 0;
    bool all_fit = true;
    for (std::size_t id = 0; id < f.nd; ++id) {
        used += mem[id];
        sum_free += f.free[id];
        all_fit &= mem[id] <= f.targets[id];
    }
    plan.log.push_back("projected to use " + std::to_string(used >> 20) + " MiB of device memory vs. " +
                       std::to_string(sum_free >> 20) + " MiB of free device memory");
    return all_fit;
}

// llama.cpp refuses to change what the user set (common_params_fit_impl aborts)
bool user_set_placement(const Scenario& input) {
    return input.gpu_layers >= 0 || !input.tensor_split.empty() || !input.override_tensor.empty() || input.n_cpu_moe > 0 || input.cpu_moe;
}

// Step 2: a smaller context, when -c was left unset (common_params_fit_impl "try reducing memory use
// by reducing the context size"). Lowers input.context; true when that alone fits the model.
bool reduce_context(FitPlan& plan, Fitter& f, Scenario& input, const std::vector<std::int64_t>& mem, const Estimate& first,
                    const FitOptions& options, std::string& error) {
    std::int64_t surplus = 0, target_sum = 0, model_sum = 0;
    for (std::size_t id = 0; id < f.nd; ++id) {
        surplus += f.targets[id] - mem[id];
        target_sum += f.targets[id];
        if (id < first.gpus.size()) model_sum += static_cast<std::int64_t>(first.gpus[id].weights.bytes);
    }
    if (!(surplus < 0 && options.context_auto && input.context > options.n_ctx_min)) {
        plan.log.push_back(std::string(options.context_auto ? "context size " : "context size set by the user to ") +
                           std::to_string(input.context) + ": no change");
        return false;
    }
    const std::int64_t n_ctx_max = input.context;
    std::int64_t target = target_sum;
    // several devices: only whole layers (dense) or tensors (~1/3 layer, MoE) move, ~0.5 wasted per device
    if (f.nd > 1) target -= static_cast<std::int64_t>(f.nd + 1) * (model_sum / (f.hp_ngl + 1)) / (f.moe ? 6 : 2);
    Scenario at_min = input;
    at_min.context = options.n_ctx_min;
    const std::vector<std::int64_t> mem_min = f.memory(at_min, error);
    std::int64_t used_min = 0, used_max = 0;
    for (std::size_t id = 0; id < f.nd; ++id) {
        used_min += mem_min[id];
        used_max += mem[id];
    }
    input.context = interpolate_context(options.n_ctx_min, n_ctx_max, used_min, used_max, target);
    plan.log.push_back("context size reduced from " + std::to_string(n_ctx_max) + " to " + std::to_string(input.context));
    f.base.scenario.context = input.context;
    if (error.empty() && target > used_min && f.nd <= 1) {
        plan.log.push_back("entire model can be fit by reducing context");
        return true;
    }
    return false;
}

// Before step 4: with every MoE weight in host memory, do the dense weights fit (summed over devices)?
bool dense_only_fits(FitPlan& plan, const Fitter& f, const Scenario& input, const FitOptions& options, std::string& error) {
    Scenario all_cpu = input;
    all_cpu.cpu_moe = true;
    const std::vector<std::int64_t> m = f.memory(all_cpu, error);
    std::int64_t surplus = 0;
    for (std::size_t id = 0; id < f.nd; ++id) surplus += f.free[id] - m[id] - static_cast<std::int64_t>(options.margin);
    const bool dense_fits = surplus > 0;
    plan.log.push_back(std::string("with only dense weights in device memory there is a total ") + (dense_fits ? "surplus" : "deficit") +
                       " of " + std::to_string((dense_fits ? surplus : -surplus) >> 20) + " MiB");
    return dense_fits;
}

// Steps 3 and 4: layers onto the devices back to front; then, when the dense weights fit, partial MoE
// layers made full from the front device on. mem ends as the distribution's memory.
std::vector<Ngl> place_layers(FitPlan& plan, Fitter& f, const Scenario& input, const FitOptions& options, std::vector<std::int64_t>& mem,
                              std::string& error) {
    std::vector<Ngl> ngl(f.nd);
    mem = f.memory(ngl, error);
    if (error.empty()) fill_back_to_front(f, ngl, mem, error);
    const bool dense_fits = error.empty() && f.moe && dense_only_fits(plan, f, input, options, error);
    if (error.empty() && f.moe && dense_fits) {
        std::size_t dense_start = f.nd;
        for (std::size_t id = f.nd; id-- > 0;) {
            if (ngl[id].n_layer > 0) dense_start = id;
            else break;
        }
        for (std::size_t id = 0; id <= dense_start && dense_start < f.nd && error.empty(); ++id)
            convert_to_full(f, ngl, mem, id, dense_start, error);
    }
    return ngl;
}

}  // namespace

std::int64_t interpolate_context(std::int64_t n_ctx_min, std::int64_t n_ctx_max, std::int64_t used_min, std::int64_t used_max,
                                 std::int64_t target, std::int64_t align) {
    if (target <= used_min || used_max <= used_min || n_ctx_max <= n_ctx_min) return n_ctx_min;
    // n_ctx_min + (n_ctx_max - n_ctx_min) x (target - used_min) / (used_max - used_min); the product can
    // pass 2^63 (1e7 tokens x 1e12 bytes), so in long double, then truncated as the integer division.
    const long double span = static_cast<long double>(n_ctx_max - n_ctx_min) * static_cast<long double>(target - used_min) /
                             static_cast<long double>(used_max - used_min);
    std::int64_t n_ctx = n_ctx_min + static_cast<std::int64_t>(std::min<long double>(span, static_cast<long double>(n_ctx_max - n_ctx_min)));
    n_ctx -= n_ctx % std::max<std::int64_t>(1, align);
    return std::max(n_ctx, n_ctx_min);
}

FitPlan plan_llamacpp_fit(const Scenario& given, const FitOptions& options) {
    FitPlan plan;
    Scenario input = starting_scenario(given, options);
    plan.scenario = input;
    std::string error;
    auto r = resolve(input, error);
    if (!r) {
        plan.error = error;
        return plan;
    }
    if (input.engine != "llamacpp") {
        plan.error = "--fit is llama.cpp's: choose the llamacpp engine";
        return plan;
    }
    const Estimate first = estimate(*r);
    if (!first.ok) {
        plan.error = first.error;
        return plan;
    }
    Fitter f = make_fitter(*r, input, first, options);

    std::vector<std::int64_t> mem = f.memory(input, error);
    const bool all_fit = user_parameters_fit(plan, f, mem);
    plan.ok = true;
    if (all_fit) {
        plan.log.push_back("every device keeps its " + std::to_string(options.margin >> 20) + " MiB margin: no changes needed");
        return finish(plan, f, input, mem, nullptr);
    }
    if (user_set_placement(input)) {
        plan.error = "--fit changes only what the user left at its default: clear -ngl, --tensor-split, -ot and --n-cpu-moe";
        return plan;
    }
    plan.changed = true;
    if (reduce_context(plan, f, input, mem, first, options, error)) return finish(plan, f, input, f.memory(input, error), nullptr);
    if (!error.empty()) return failed(plan, error);
    const std::vector<Ngl> ngl = place_layers(plan, f, input, options, mem, error);
    if (!error.empty()) return failed(plan, error);
    return finish(plan, f, f.apply(ngl), mem, &ngl);
}

}  // namespace vramcalc
