#include "knobs.h"

#include <cmath>
#include <string>

namespace vramcalc {

namespace {

// Member access for the table: a knob is a number, whatever type the Scenario field has.
#define VRAMCALC_KNOB_ACCESS(field)                                                        \
    [](const Scenario& s) { return static_cast<double>(s.field); },                       \
        [](Scenario& s, double v) { s.field = static_cast<decltype(s.field)>(v); }

}  // namespace

const std::vector<Knob>& engine_knobs() {
    static const std::vector<Knob> knobs = {
        {"gpu_mem_util", "util", KnobKind::Real, 0.0, 1.0, "a fraction between 0 and 1",
         VRAMCALC_KNOB_ACCESS(gpu_mem_util)},
        {"max_batched_tokens", "mbt", KnobKind::Integer, 0, 100'000'000, "a token count between 0 and 100M",
         VRAMCALC_KNOB_ACCESS(max_batched_tokens)},
        {"cpu_offload_gib", "off", KnobKind::Real, 0.0, 1e6, "GiB between 0 and 1e6", VRAMCALC_KNOB_ACCESS(cpu_offload_gib)},
        {"gpu_layers", "ngl", KnobKind::Integer, -1, 100000, "a layer count (-1 = all)", VRAMCALC_KNOB_ACCESS(gpu_layers)},
        {"ubatch", "ub", KnobKind::Integer, 1, 1'000'000, "a micro-batch between 1 and 1M", VRAMCALC_KNOB_ACCESS(ubatch)},
        {"n_batch", "nb", KnobKind::Integer, 1, 1'000'000, "a batch between 1 and 1M", VRAMCALC_KNOB_ACCESS(n_batch)},
        {"flash_attn", "fa", KnobKind::Flag, 0, 1, "true or false", VRAMCALC_KNOB_ACCESS(flash_attn)},
        {"parallel", "np", KnobKind::Integer, 0, 65536, "a sequence count between 1 and 65536 (0 = auto)", VRAMCALC_KNOB_ACCESS(parallel)},
        {"n_cpu_moe", "ncmoe", KnobKind::Integer, 0, 1000, "a layer count between 0 and 1000", VRAMCALC_KNOB_ACCESS(n_cpu_moe)},
        {"cpu_moe", "cmoe", KnobKind::Flag, 0, 1, "true or false", VRAMCALC_KNOB_ACCESS(cpu_moe)},
        {"no_mmap", "nommap", KnobKind::Flag, 0, 1, "true or false", VRAMCALC_KNOB_ACCESS(no_mmap)},
        {"main_gpu", "mg", KnobKind::Integer, 0, 65535, "a GPU index (0 = the first)", VRAMCALC_KNOB_ACCESS(main_gpu)},
        {"mlock", "mlock", KnobKind::Flag, 0, 1, "true or false", VRAMCALC_KNOB_ACCESS(mlock)},
        {"enforce_eager", "eager", KnobKind::Flag, 0, 1, "true or false", VRAMCALC_KNOB_ACCESS(enforce_eager)},
        {"kv_cache_memory_bytes", "kvm", KnobKind::Integer, 0, 1e15, "bytes between 0 and 1e15", VRAMCALC_KNOB_ACCESS(kv_cache_memory_bytes)},
        {"max_model_len_auto", "mmla", KnobKind::Flag, 0, 1, "true or false", VRAMCALC_KNOB_ACCESS(max_model_len_auto)},
        {"head_bits", "hb", KnobKind::Real, 0, 16, "bits between 1 and 8, or 16 (0 = the quantizer's default)", VRAMCALC_KNOB_ACCESS(head_bits)},
        {"chunk_size", "chunk", KnobKind::Integer, 0, 1'000'000, "a token count between 0 and 1M", VRAMCALC_KNOB_ACCESS(chunk_size)},
        {"autosplit_reserve_mib", "asr", KnobKind::Real, 0, 1e6, "MiB between 0 and 1e6", VRAMCALC_KNOB_ACCESS(autosplit_reserve_mib)},
        {"cal_non_torch_gib", "cnt", KnobKind::Real, 0.0, 1e4, "GiB between 0 and 10000", VRAMCALC_KNOB_ACCESS(cal_non_torch_gib)},
        {"cal_activation_gib", "cact", KnobKind::Real, 0.0, 1e4, "GiB between 0 and 10000", VRAMCALC_KNOB_ACCESS(cal_activation_gib)},
        {"cal_compute_mib", "ccb", KnobKind::Real, 0.0, 1e7, "MiB between 0 and 10000000", VRAMCALC_KNOB_ACCESS(cal_compute_mib)},
        {"replicas", "dp", KnobKind::Integer, 1, kMaxGpus, "a replica count between 1 and 4096", VRAMCALC_KNOB_ACCESS(replicas)},
        {"enable_expert_parallel", "epx", KnobKind::Flag, 0, 1, "true or false", VRAMCALC_KNOB_ACCESS(enable_expert_parallel)},
        {"ep", "ep", KnobKind::Integer, 0, kMaxGpus, "an expert-parallel size between 0 and 4096 (0 = none)", VRAMCALC_KNOB_ACCESS(ep)},
        {"enable_dp_attention", "dpa", KnobKind::Flag, 0, 1, "true or false", VRAMCALC_KNOB_ACCESS(enable_dp_attention)},
        {"mtp_tokens", "mtp", KnobKind::Integer, 0, 16, "a draft token count between 0 and 16 (0 = off)", VRAMCALC_KNOB_ACCESS(mtp_tokens)},
        {"mm_text_only", "txo", KnobKind::Flag, 0, 1, "true or false", VRAMCALC_KNOB_ACCESS(mm_text_only)},
    };
    return knobs;
}

#undef VRAMCALC_KNOB_ACCESS

const Knob* find_knob(std::string_view id) {
    for (const Knob& k : engine_knobs())
        if (id == k.id) return &k;
    return nullptr;
}

std::string knob_range_error(const Scenario& s) {
    for (const Knob& k : engine_knobs()) {
        const double v = k.get(s);
        if (!std::isfinite(v) || v < k.min || v > k.max) return std::string(k.id) + ": " + k.expected;
    }
    return "";
}

}  // namespace vramcalc
