#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/catalog.h"
#include "core/data/embedded.h"
#include "core/tensors.h"
#include "core/units.h"

using namespace vramcalc;

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

TEST_CASE("the embedded catalogs load without problems") {
    for (const std::string& p : catalog_problems()) MESSAGE(p);
    CHECK(catalog_problems().empty());
    CHECK(model_catalog().size() >= 40);
    CHECK(gpu_catalog().size() >= 38);
}

TEST_CASE("every models.json entry parses into the catalog") {
    nlohmann::json raw = nlohmann::json::parse(embedded_models_json(), nullptr, false);
    REQUIRE(raw.is_array());
    CHECK(model_catalog().size() == raw.size());
}

TEST_CASE("model ids are unique, lower case, and entries carry the required fields") {
    std::set<std::string> ids;
    for (const ModelInfo& m : model_catalog()) {
        CAPTURE(m.id);
        CHECK(ids.insert(m.id).second);
        CHECK(m.id == lower(m.id));
        CHECK(m.id.find(' ') == std::string::npos);
        CHECK_FALSE(m.name.empty());
        CHECK(m.hf_id.find('/') != std::string::npos);
        CHECK_FALSE(m.family.empty());
        CHECK_FALSE(m.license.empty());
        CHECK(m.year >= 2018);
        CHECK(m.year <= 2030);
        CHECK((m.modality == "text" || m.modality == "vision"));
        CHECK(m.arch.num_layers == static_cast<std::int64_t>(m.arch.layer_attention.size()));
    }
}

TEST_CASE("head_dim x heads equals hidden_size wherever the config gives no head_dim") {
    nlohmann::json raw = nlohmann::json::parse(embedded_models_json(), nullptr, false);
    REQUIRE(raw.is_array());
    for (const auto& e : raw) {
        const nlohmann::json& cfg = e["config"];
        const nlohmann::json& text = cfg.contains("text_config") ? cfg["text_config"] : cfg;
        if (text.contains("head_dim") || text.contains("kv_lora_rank") || text.contains("kv_channels")) continue;
        const ModelInfo* m = find_model(e["id"].get<std::string>());
        REQUIRE(m != nullptr);
        CAPTURE(m->id);
        if (m->arch.model_type == "gemma3_text") continue;  // Gemma3TextConfig head_dim defaults to 256
        CHECK(m->arch.head_dim * m->arch.num_heads == m->arch.hidden_size);
    }
}

TEST_CASE("MoE entries have complete expert fields") {
    for (const ModelInfo& m : model_catalog()) {
        if (!m.arch.is_moe() || !m.arch.unmodelled_cache.empty()) continue;
        CAPTURE(m.id);
        CHECK(m.arch.experts_per_token >= 1);
        CHECK(m.arch.experts_per_token <= m.arch.num_experts);
        CHECK(m.arch.moe_intermediate_size > 0);
        int moe_layers = 0;
        for (std::int64_t l = 0; l < m.arch.num_layers; ++l) moe_layers += m.arch.is_moe_layer(l) ? 1 : 0;
        CHECK(moe_layers > 0);
        ParamCount pc = count_params(m.arch);
        CHECK(pc.active < pc.total);
        if (m.active_params_published > 0) {
            // Cards round active counts and some leave the embeddings out (gpt-oss): 25% band.
            CHECK(std::fabs(pc.active - m.active_params_published) / m.active_params_published < 0.25);
        }
    }
}

TEST_CASE("every catalog model with a published total counts within 1% of it") {
    // Counted = language model + extra_params (vision tower and projector, from the entry's source).
    // Two conventions are accepted: tied embeddings counted once (what engines load), or counted
    // twice when the published figure is the safetensors total of a checkpoint that stores the copy.
    // Entries whose notes call the figure nominal (a name like "7B", not a count) are printed and only
    // checked against a 10% band that catches a wrong shape, not rounding.
    std::printf("\n%-36s %14s %14s %8s\n", "model", "counted", "published", "miss");
    int misses = 0, checked = 0;
    double worst = 0;
    nlohmann::json raw = nlohmann::json::parse(embedded_models_json(), nullptr, false);
    for (const ModelInfo& m : model_catalog()) {
        if (!(m.params_published > 0)) continue;
        // A layout the parser cannot count (latent MoE, DeepSeek V4 ...) is refused by the estimate;
        // its count is not compared.
        if (!m.arch.unmodelled_cache.empty()) continue;
        std::string notes;
        for (const auto& e : raw)
            if (e.value("id", "") == m.id && e.contains("notes") && e["notes"].is_string()) notes = lower(e["notes"].get<std::string>());
        const bool nominal = notes.find("nominal") != std::string::npos;
        ParamCount pc = count_params(m.arch);
        pc.total += m.arch.extra_params;
        double miss = (pc.total - m.params_published) / m.params_published;
        if (m.arch.tied_embeddings) {
            const double copy = static_cast<double>(m.arch.vocab_size) * static_cast<double>(m.arch.hidden_size);
            double with_copy = (pc.total + copy - m.params_published) / m.params_published;
            if (std::fabs(with_copy) < std::fabs(miss)) miss = with_copy;
        }
        const double tol = nominal ? 0.10 : 0.01;
        ++checked;
        worst = std::max(worst, std::fabs(miss));
        if (std::fabs(miss) >= 0.001)
            std::printf("%-36s %13.3fB %13.3fB %+7.2f%%%s\n", m.id.c_str(), pc.total / 1e9, m.params_published / 1e9,
                        miss * 100, nominal ? " (nominal)" : "");
        if (std::fabs(miss) >= tol) {
            ++misses;
            MESSAGE(m.id << ": counted " << pc.total << " vs published " << m.params_published);
        }
        CHECK(std::fabs(miss) < tol);
    }
    std::printf("%d models checked, %d outside tolerance, worst |miss| %.2f%%\n", checked, misses, worst * 100);
    CHECK(checked > 0);
}

TEST_CASE("models are found by id or Hugging Face id, in any case") {
    REQUIRE_FALSE(model_catalog().empty());
    const ModelInfo& first = model_catalog().front();
    CHECK(find_model(first.id) == &first);
    std::string upper = first.id;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(find_model(upper) == &first);
    CHECK(find_model(first.hf_id) == &first);
    CHECK(find_model(lower(first.hf_id)) == &first);
    CHECK(find_model("no-such-model-anywhere") == nullptr);
    CHECK(find_model("") == nullptr);
    // a typo suggests the real id
    std::string typo = first.id;
    typo[typo.size() / 2] = typo[typo.size() / 2] == 'x' ? 'y' : 'x';
    std::vector<std::string> near = nearest_model_ids(typo);
    REQUIRE_FALSE(near.empty());
    CHECK(std::find(near.begin(), near.end(), first.id) != near.end());
    CHECK(nearest_model_ids("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz").empty());
}

TEST_CASE("a duplicate id is skipped and reported, never a crash") {
    const char* text = R"([
      {"id": "tiny", "name": "Tiny A", "hf_id": "a/tiny", "config": {"hidden_size": 64, "num_attention_heads": 4,
       "num_hidden_layers": 2, "vocab_size": 100}},
      {"id": "Tiny", "name": "Tiny B", "hf_id": "b/tiny", "config": {"hidden_size": 64, "num_attention_heads": 4,
       "num_hidden_layers": 2, "vocab_size": 100}},
      {"id": "broken", "name": "Broken", "hf_id": "c/broken", "config": {"hidden_size": 64}},
      {"name": "no id"},
      42
    ])";
    std::vector<std::string> problems;
    std::vector<ModelInfo> models = parse_model_catalog(text, &problems);
    REQUIRE(models.size() == 1);
    CHECK(models[0].name == "Tiny A");
    auto mentions = [&](const char* s) {
        return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) { return p.find(s) != std::string::npos; });
    };
    CHECK(mentions("duplicate id"));
    CHECK(mentions("broken: config: num_hidden_layers missing"));
    CHECK(mentions("id missing"));
    CHECK(mentions("not an object"));
    CHECK(parse_model_catalog("not json", &problems).empty());
    CHECK(parse_gpu_catalog(R"([{"id": "x", "name": "X", "memory": 8}, {"id": "x", "name": "X2", "memory": 16}])", &problems).size() == 1);
}

TEST_CASE("GPU ids are unique and every GPU has positive memory") {
    std::set<std::string> ids;
    for (const Gpu& g : gpu_catalog()) {
        CAPTURE(g.id);
        CHECK(ids.insert(g.id).second);
        CHECK(g.id == lower(g.id));
        CHECK_FALSE(g.name.empty());
        CHECK((g.vendor == "NVIDIA" || g.vendor == "AMD" || g.vendor == "Intel" || g.vendor == "Apple"));
        CHECK(g.memory_marketed > 0);
        CHECK(g.memory_bytes > 0);
        CHECK(g.memory_bytes <= gib_to_bytes(g.memory_marketed));  // never more than the marketed GiB
        CHECK(g.bandwidth_gbps > 0);
        CHECK_FALSE(g.source.empty());
    }
    for (const char* id : {"rtx-4090", "rtx-3090", "rtx-5090", "h100-sxm", "h100-pcie", "a100-80gb", "a100-40gb",
                           "l40s", "l4", "t4", "h200", "b200", "mi300x", "m3-max-128gb", "m2-ultra-192gb", "gaudi3"}) {
        CAPTURE(id);
        CHECK(find_gpu(id) != nullptr);
    }
    CHECK(find_gpu("H100-SXM") == find_gpu("h100-sxm"));
    CHECK(find_gpu("nope") == nullptr);
    std::vector<std::string> near = nearest_gpu_ids("rtx4090");
    REQUIRE_FALSE(near.empty());
    CHECK(near.front() == "rtx-4090");
}

TEST_CASE("an 80 GB H100 SXM reports 79.19 GiB, which is 85.03 GB") {
    const Gpu* h = find_gpu("h100-sxm");
    REQUIRE(h != nullptr);
    CHECK(h->memory_marketed == 80);
    CHECK(h->memory_unit == "GB");
    // vLLM logs on H100 80GB (validation rows): total 79.19 GiB
    CHECK(to_gib(h->memory_bytes) == doctest::Approx(79.19).epsilon(1e-6));
    // 79.19 x 2^30 = 85,030,659,850 B = 85.03 GB (decimal)
    CHECK(to_gb(h->memory_bytes) == doctest::Approx(85.03).epsilon(1e-4));
    // A part with no runtime figure: marketed GiB less the 1% reservation: 80 x 0.99 = 79.2 GiB
    const Gpu* p = find_gpu("h100-pcie");
    REQUIRE(p != nullptr);
    CHECK(to_gib(p->memory_bytes) == doctest::Approx(79.2).epsilon(1e-6));
}

TEST_CASE("Apple unified memory counts only the GPU's default share") {
    // Metal recommendedMaxWorkingSetSize is 75% of RAM on 64-96 GB Macs (llama.cpp #1870, #3213):
    // 128 GB x 0.75 = 96 GiB
    const Gpu* m = find_gpu("m3-max-128gb");
    REQUIRE(m != nullptr);
    CHECK(m->unified_memory);
    CHECK(to_gib(m->memory_bytes) == doctest::Approx(96.0));
    const Gpu* u = find_gpu("m2-ultra-192gb");
    REQUIRE(u != nullptr);
    CHECK(to_gib(u->memory_bytes) == doctest::Approx(144.0));  // 192 x 0.75
}

TEST_CASE("unified-memory machines record the GPU's default share of the pool") {
    // 16 GB Mac: recommendedMaxWorkingSetSize 10922.67 MB = 2/3 x 16 GiB = 10.667 GiB
    const Gpu* m4 = find_gpu("m4-16gb");
    REQUIRE(m4 != nullptr);
    CHECK(m4->unified_memory);
    CHECK(to_gib(m4->memory_bytes) == doctest::Approx(16.0 * 2.0 / 3.0).epsilon(1e-5));
    // 64 GB M4 Pro: 75% = 48 GiB (49152 MiB, llama.cpp #1870)
    const Gpu* pro = find_gpu("m4-pro-64gb");
    REQUIRE(pro != nullptr);
    CHECK(to_gib(pro->memory_bytes) == doctest::Approx(48.0));
    // Strix Halo 128 GB: default GTT about half of RAM = 64 GiB
    const Gpu* halo = find_gpu("ryzen-ai-max-395-128gb");
    REQUIRE(halo != nullptr);
    CHECK(halo->unified_memory);
    CHECK(to_gib(halo->memory_bytes) == doctest::Approx(64.0));
    // DGX Spark: CUDA addresses the whole 128 GiB pool
    const Gpu* spark = find_gpu("dgx-spark");
    REQUIRE(spark != nullptr);
    CHECK(to_gib(spark->memory_bytes) == doctest::Approx(128.0));
    // B300: 275040 MiB reported by nvidia-smi = 268.59 GiB
    const Gpu* b300 = find_gpu("b300");
    REQUIRE(b300 != nullptr);
    CHECK(to_gib(b300->memory_bytes) == doctest::Approx(268.59).epsilon(1e-6));
    for (const char* id : {"rtx-5060", "rtx-5060-ti-8gb", "rtx-5060-ti-16gb", "rtx-5070", "gb300", "arc-b580", "arc-pro-b60",
                           "m4-max-36gb", "m3-ultra-256gb", "rtx-pro-6000-server"}) {
        CAPTURE(id);
        CHECK(find_gpu(id) != nullptr);
    }
}
