// Several deployments sharing one set of GPUs (seed 001: two models on one 96 GB GPU).
// vLLM and SGLang reserve a fixed fraction of the WHOLE GPU per process (gpu_memory_utilization is
// not a share of what is left: a second process at 0.88 fails its start-up free-memory check), so
// their reservations add up; llama.cpp and transformers take what they use.
#pragma once
#include <string>
#include <vector>

#include "estimate.h"

namespace vramcalc {

struct ColocatedDeployment {
    Estimate estimate;
    Bytes reserved_bytes = 0;   // per GPU: util x memory for vLLM/SGLang, the estimate's total otherwise
    double reserved_fraction = 0;  // that util (the deployment's own or its engine's default), 0 otherwise
    std::string how;
};

struct Colocation {
    bool ok = false;            // every deployment could be estimated
    std::string error;
    bool fits = false;          // all of them start and run together
    std::vector<ColocatedDeployment> deployments;
    Bytes gpu_memory_bytes = 0; // per GPU (of the first deployment's GPU)
    Bytes reserved_bytes = 0;   // per GPU, summed over deployments
    std::int64_t headroom_bytes = 0;
    std::vector<std::string> problems;  // "vLLM #2 needs 0.88 x 95.0 GiB free at start but 11.4 GiB are left"
};

// All deployments are taken to run on the same GPUs (the first one's GPU type and count decide).
Colocation colocate(const std::vector<Scenario>& deployments);

}  // namespace vramcalc
