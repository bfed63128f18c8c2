// Benchmark: how long the core takes to sweep the whole catalog (every model x weight format x
// engine), the work behind the page's fit matrix. Run by hand: build/vramcalc_bench [repeats].
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/catalog.h"
#include "core/estimate.h"
#include "core/solvers.h"
#include "core/tensors.h"

int main(int argc, char** argv) {
    using namespace vramcalc;
    using clock = std::chrono::steady_clock;
    const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;

    long evaluations = 0, answered = 0;
    double best_ms = 1e300;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = clock::now();
        for (const EngineProfile* engine : engine_profiles())
            for (const auto& model : model_catalog())
                for (const auto& format : engine->formats_by_quality) {
                    Scenario s;
                    s.model = model.id;
                    s.engine = engine->id;
                    s.weights = format;
                    s.gpu = "h100-sxm";
                    Estimate e = estimate(s);
                    ++evaluations;
                    answered += e.ok ? 1 : 0;
                }
        const double ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
        best_ms = std::min(best_ms, ms);
    }
    evaluations /= repeats;
    answered /= repeats;
    std::printf("catalog sweep: %ld estimates (%ld answered) in %.2f ms (best of %d), %.1f us each\n", evaluations,
                answered, best_ms, repeats, 1000.0 * best_ms / static_cast<double>(evaluations));

    // Parameter counts of the whole catalog, 10 times (was a unit test with `ms < 1000`; timings belong
    // here, where sanitizers and shared CI cores cannot fail the suite).
    {
        const auto t0 = clock::now();
        double sum = 0;
        for (int rep = 0; rep < 10; ++rep)
            for (const ModelInfo& m : model_catalog()) sum += count_params(m.arch).total;
        const double ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
        std::printf("parameter counts: 10 sweeps of %zu models in %.2f ms (%.3g parameters)\n", model_catalog().size(), ms, sum);
    }

    // The solvers re-run the estimate; one full set of answers for the default scenario:
    Scenario s;
    const auto t0 = clock::now();
    auto ctx = largest_context(s);
    auto conc = largest_concurrency(s);
    auto gpus = fewest_gpus(s);
    auto fmt = best_fitting_format(s);
    auto sug = suggestions(s);
    const double ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    std::printf("answers for one scenario: %.2f ms (context %lld, concurrency %lld, gpus %d, format %s, %zu suggestions)\n", ms,
                static_cast<long long>(ctx.value_or(0)), static_cast<long long>(conc.value_or(0)), gpus ? gpus->gpus : 0,
                fmt.value_or("-").c_str(), sug.size());
    return 0;
}
