// The Hub fetch logic against an in-memory Hub that answers as huggingface.co does (the API's siblings
// list, resolve URLs honouring Range with 206 + Content-Range, 401/403 with X-Error-Code): the same
// session the CLI drives with libcurl and the page with fetch.
#include <doctest/doctest.h>

#include <functional>
#include <map>

#include "core/estimate.h"
#include "core/hub.h"
#include "model_file_writer.h"

using namespace vramcalc;
using namespace vramcalc::test;

namespace {

struct FakeHub {
    std::string endpoint = "http://127.0.0.1:9";
    std::map<std::string, std::string> repos;  // repo -> API JSON
    std::map<std::string, std::string> files;  // "repo/file" -> whole contents (headers + zero data)
    std::string gated_repo;
    bool honour_range = true;
    int requests = 0;

    HubResponse answer(const HubRequest& q) {
        ++requests;
        HubResponse r;
        const std::string api = endpoint + "/api/models/";
        if (q.url.rfind(api, 0) == 0) {
            auto it = repos.find(q.url.substr(api.size()));
            if (it == repos.end()) return r.status = 401, r.error_code = "RepoNotFound", r;
            r.status = 200;
            r.body = it->second;
            return r;
        }
        const std::string rest = q.url.substr(endpoint.size() + 1);  // org/name/resolve/main/file
        const std::size_t at = rest.find("/resolve/main/");
        const std::string repo = rest.substr(0, at), file = rest.substr(at + 14);
        if (repo == gated_repo) return r.status = 401, r.error_code = "GatedRepo", r;
        auto it = files.find(repo + "/" + file);
        if (it == files.end()) return r.status = 404, r.error_code = "EntryNotFound", r;
        const std::string& body = it->second;
        if (q.range_end > 0 && honour_range) {
            r.status = 206;
            r.body = body.substr(0, std::min<std::size_t>(q.range_end, body.size()));
            r.total_size = body.size();
        } else {
            r.status = 200;
            r.body = body.substr(0, q.max_bytes ? std::min<std::size_t>(q.max_bytes, body.size()) : body.size());
        }
        return r;
    }

    ModelFromFiles run(HubSession& s) {
        while (auto q = s.next()) s.on_response(answer(*q));
        REQUIRE(s.finished());
        return s.result();
    }
};

std::string bytes_of(const ByteVec& v, std::uint64_t size) {
    std::string s(v.begin(), v.end());
    s.resize(size, '\0');
    return s;
}

std::string api(std::initializer_list<const char*> names, const char* gated = "false") {
    std::string out = std::string(R"({"id": "x", "gated": )") + gated + R"(, "siblings": [)";
    bool first = true;
    for (const char* n : names) {
        out += std::string(first ? "" : ",") + R"({"rfilename": ")" + n + "\"}";
        first = false;
    }
    return out + "]}";
}

FakeHub hub_with_models() {
    FakeHub h;
    // A safetensors repo: config, index, two shards.
    h.repos["acme/tiny-st"] = api({"config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors",
                                   "model-00002-of-00002.safetensors", "README.md"});
    h.files["acme/tiny-st/config.json"] = R"({"model_type": "llama", "hidden_size": 256, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 4, "intermediate_size": 512, "vocab_size": 1000,
        "max_position_embeddings": 2048, "tie_word_embeddings": true, "torch_dtype": "bfloat16"})";
    h.files["acme/tiny-st/model.safetensors.index.json"] = R"({"weight_map": {"model.embed_tokens.weight": "model-00001-of-00002.safetensors",
        "model.layers.1.mlp.up_proj.weight": "model-00002-of-00002.safetensors"}})";
    std::uint64_t size = 0;
    ByteVec hd = safetensors_header({{"model.embed_tokens.weight", "BF16", {1000, 256}}, {"model.layers.0.mlp.up_proj.weight", "BF16", {512, 256}}}, size);
    h.files["acme/tiny-st/model-00001-of-00002.safetensors"] = bytes_of(hd, size);
    hd = safetensors_header({{"model.layers.1.mlp.up_proj.weight", "BF16", {512, 256}}, {"model.norm.weight", "BF16", {256}}}, size);
    h.files["acme/tiny-st/model-00002-of-00002.safetensors"] = bytes_of(hd, size);

    // A GGUF repo: two quantizations, one split in two parts, a big vocabulary (a header past the first read).
    h.repos["acme/tiny-gguf"] = api({"tiny-Q8_0.gguf", "Q4_K_M/tiny-Q4_K_M-00001-of-00002.gguf",
                                     "Q4_K_M/tiny-Q4_K_M-00002-of-00002.gguf", "mmproj-tiny-f16.gguf"});
    auto gguf = [](std::uint32_t ftype, int no, int count, bool big_vocab) {
        GgufWriter w;
        if (count > 1) {
            w.u32("split.no", static_cast<std::uint32_t>(no));
            w.u32("split.count", static_cast<std::uint32_t>(count));
        }
        if (no == 0) {
            w.str("general.architecture", "llama");
            w.u32("general.file_type", ftype);
            w.u32("llama.block_count", 2);
            w.u32("llama.embedding_length", 256);
            w.u32("llama.attention.head_count", 4);
            w.u32("llama.context_length", 2048);
            std::vector<std::string> vocab(big_vocab ? 40000 : 16, std::string("tok"));
            w.strings("tokenizer.ggml.tokens", vocab);  // 40000 x 11 bytes: 440 KB of header
            w.tensor("token_embd.weight", kQ8_0, {256, 16});
        }
        if (no == count - 1) w.tensor("blk.0.attn_q.weight", ftype == 7 ? kQ8_0 : kQ4_K, {256, 256});
        ByteVec h = w.header();
        return bytes_of(h, w.file_size());
    };
    h.files["acme/tiny-gguf/tiny-Q8_0.gguf"] = gguf(7, 0, 1, true);
    h.files["acme/tiny-gguf/Q4_K_M/tiny-Q4_K_M-00001-of-00002.gguf"] = gguf(15, 0, 2, false);
    h.files["acme/tiny-gguf/Q4_K_M/tiny-Q4_K_M-00002-of-00002.gguf"] = gguf(15, 1, 2, false);
    h.repos["acme/dataset-like"] = api({"README.md", "data.csv"});
    h.repos["acme/gated"] = api({"config.json", "model.safetensors"}, "\"manual\"");
    h.gated_repo = "acme/gated";
    return h;
}

}  // namespace

TEST_CASE("Fetching a safetensors repo reads config, index and each shard's header by range") {
    FakeHub h = hub_with_models();
    HubSession s(h.endpoint, "acme/tiny-st");
    const ModelFromFiles m = h.run(s);
    REQUIRE(m.ok);
    CHECK(m.source == "safetensors");
    CHECK(m.name == "acme/tiny-st");
    CHECK(m.weights_format == "bf16");
    // 1000 x 256 + 2 x 512 x 256 + 256 elements x 2 bytes
    CHECK(m.weight_bytes == 2 * (256000 + 262144 + 256));
    CHECK(h.requests == 5);  // API, config, index, 2 shard headers
    Scenario sc;
    apply_model_files(m, sc);
    CHECK(estimate(sc).ok);
}

TEST_CASE("Fetching a GGUF repo: several models ask for a choice; a chosen split set is read whole") {
    FakeHub h = hub_with_models();
    HubSession any(h.endpoint, "acme/tiny-gguf");
    ModelFromFiles m = h.run(any);
    CHECK_FALSE(m.ok);
    CHECK(any.error().find("holds 2 GGUF models") != std::string::npos);
    CHECK(any.gguf_choices().size() == 2);

    HubSession split(h.endpoint, "acme/tiny-gguf", "Q4_K_M/tiny-Q4_K_M-00001-of-00002.gguf");
    m = h.run(split);
    REQUIRE(m.ok);
    CHECK(m.weights_format == "gguf-q4_k_m");
    CHECK(m.tensor_count == 2);
    CHECK(m.notes.front().find("mmproj-tiny-f16.gguf") != std::string::npos);

    // The Q8_0 file's header (a 40,000-token vocabulary) is longer than the first 256 KB read.
    h.requests = 0;
    HubSession big(h.endpoint, "acme/tiny-gguf", "tiny-Q8_0.gguf");
    m = h.run(big);
    REQUIRE(m.ok);
    CHECK(h.requests == 3);  // API, 256 KB, then the rest of the header
    CHECK(big.bytes_received() < h.files["acme/tiny-gguf/tiny-Q8_0.gguf"].size() + 2 * kHubFirstRead);
}

TEST_CASE("Hub failures say what happened: offline, not found, gated, not a model, no Range") {
    FakeHub h = hub_with_models();
    HubSession gated(h.endpoint, "acme/gated");
    h.run(gated);
    CHECK(gated.error().find("this repo is gated: set HF_TOKEN") != std::string::npos);

    HubSession missing(h.endpoint, "acme/nope");
    h.run(missing);
    CHECK(missing.error().find("was not found") != std::string::npos);

    HubSession data(h.endpoint, "acme/dataset-like");
    h.run(data);
    CHECK(data.error().find("not a model repository") != std::string::npos);

    HubSession offline(h.endpoint, "acme/tiny-st");
    auto q = offline.next();
    REQUIRE(q);
    HubResponse none;
    none.transport_error = "Failed to fetch";
    offline.on_response(none);
    CHECK(offline.failed());
    CHECK(offline.error().find("cannot reach http://127.0.0.1:9") != std::string::npos);

    CHECK_FALSE(HubSession(h.endpoint, "not a repo").next());
    CHECK(HubSession(h.endpoint, "../etc/passwd").failed());
    CHECK(HubSession("file:///etc", "acme/tiny-st").failed());
    CHECK(hub_endpoint("") == "https://huggingface.co");
    CHECK(hub_endpoint("https://hf-mirror.com/") == "https://hf-mirror.com");

    // A server that ignores Range: the body is cut at what was asked, and the header still parses.
    h.honour_range = false;
    HubSession no_range(h.endpoint, "acme/tiny-st");
    CHECK(h.run(no_range).ok);
}
