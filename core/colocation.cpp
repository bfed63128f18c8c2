#include "colocation.h"
#include "checked.h"

#include "text.h"

namespace vramcalc {

Colocation colocate(const std::vector<Scenario>& list) {
    Colocation c;
    if (list.empty()) {
        c.error = "no deployments";
        return c;
    }
    Bytes used = 0;
    int index = 0;
    for (const Scenario& s0 : list) {
        ++index;
        Scenario s = s0;
        // Co-located deployments share the first one's hardware.
        s.gpu = list.front().gpu;
        s.gpu_memory_gib = list.front().gpu_memory_gib;
        if (s.gpus < list.front().gpus) s.gpus = list.front().gpus;
        ColocatedDeployment d;
        std::string error;
        const auto r = resolve(s, error);
        d.estimate = r ? estimate(*r) : Estimate{};
        if (!r) d.estimate.error = error;
        if (!d.estimate.ok) {
            c.error = "deployment " + std::to_string(index) + ": " + d.estimate.error;
            return c;
        }
        const Bytes mem = d.estimate.gpu_memory_bytes;
        if (c.gpu_memory_bytes == 0) c.gpu_memory_bytes = mem;
        const std::string name = std::string(r->engine->name) + " #" + std::to_string(index);
        if (r->engine->reserved_fraction) {
            const double util = r->engine->reserved_fraction(*r);
            d.reserved_fraction = util;
            d.reserved_bytes = bytes_from(util * static_cast<double>(mem));
            d.how = format_fixed(util, 2) + " x " + format_size(mem) + " reserved for the process";
            // vLLM's start-up check: free memory must be at least util x total.
            const Bytes free_at_start = mem > used ? mem - used : 0;
            if (d.reserved_bytes > free_at_start)
                c.problems.push_back(name + " needs " + format_fixed(util, 2) + " x " + format_size(mem) + " = " +
                                     format_size(d.reserved_bytes) + " free at start, but only " +
                                     format_size(free_at_start) + " is left: lower its gpu_memory_utilization");
            if (!d.estimate.fits) c.problems.push_back(name + " does not fit in its own reservation");
        } else {
            d.reserved_bytes = d.estimate.per_gpu.total_bytes;
            d.how = "what the engine allocates";
            if (!d.estimate.fits) c.problems.push_back(name + " does not fit on its own");
        }
        used = saturating_add(used, d.reserved_bytes);
        c.deployments.push_back(std::move(d));
    }
    c.ok = true;
    c.reserved_bytes = used;
    c.headroom_bytes = signed_difference(c.gpu_memory_bytes, used);
    if (c.headroom_bytes < 0)
        c.problems.push_back("together they reserve " + format_size(used) + " of " + format_size(c.gpu_memory_bytes) + " per GPU");
    c.fits = c.problems.empty();
    return c;
}

}  // namespace vramcalc
