#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/catalog.h"
#include "core/config_parser.h"
#include "core/data/embedded.h"
#include "core/formats.h"
#include "core/scenario_json.h"
#include "core/share_link.h"
#include "test_data.h"

using namespace vramcalc;
using nlohmann::json;

namespace {

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

// Every config.json the project holds: the catalog's (core/data/models.json "config") and the
// validation set's (tests/data/configs.json).
std::vector<std::pair<std::string, json>> all_configs() {
    std::vector<std::pair<std::string, json>> out;
    const std::string_view models = embedded_models_json();
    json catalog = json::parse(models.begin(), models.end(), nullptr, false);
    if (catalog.is_array())
        for (const json& m : catalog)
            if (m.is_object() && m.contains("config") && m["config"].is_object())
                out.emplace_back(m.value("id", std::string("?")), m["config"]);
    const json validation = test_data::load("configs.json");
    REQUIRE(validation.is_object());
    for (auto it = validation.begin(); it != validation.end(); ++it)
        if (it.value().is_object()) out.emplace_back(it.key(), it.value());
    return out;
}

}  // namespace

TEST_CASE("a fresh scenario's link is only the version") {
    CHECK(encode_share_fragment(Scenario{}) == "v=1");
}

TEST_CASE("a hand-written scenario has the expected exact fragment") {
    Scenario s;
    s.model = "qwen2.5-32b-instruct";
    s.weights = "awq";
    s.gpu = "rtx-4090";
    s.gpus = 4;
    s.tp = 4;
    s.context = 32768;
    s.gpu_mem_util = 0.85;
    s.custom_name = "Team A, 50% share";
    // Keys in table order, defaults (kv auto, engine vllm, pp 1, batch 1, ...) left out;
    // ' ' -> %20, ',' -> %2C, '%' -> %25.
    CHECK(encode_share_fragment(s) ==
          "v=1&m=qwen2.5-32b-instruct&w=awq&gpu=rtx-4090&n=4&tp=4&ctx=32768&util=0.85"
          "&name=Team%20A%2C%2050%25%20share");
}

TEST_CASE("numbers in links are short and never need escapes") {
    Scenario s;
    s.custom_params = 7.5e9;
    s.gpu_memory_gib = 23.6;
    s.cpu_offload_gib = 1e-3;
    // %g would give 7.5e+09 and 0.001; the exponent loses its '+' so no %2B is needed.
    CHECK(encode_share_fragment(s) == "v=1&mem=23.6&off=0.001&params=7.5e9");
    DecodedLink d = decode_share_fragment("v=1&mem=23.6&off=0.001&params=7.5e9");
    CHECK(d.ignored.empty());
    CHECK(d.scenario.custom_params == 7.5e9);
    CHECK(d.scenario.gpu_memory_gib == 23.6);
    CHECK(d.scenario.cpu_offload_gib == 1e-3);
}

TEST_CASE("every catalog model survives a link round trip") {
    REQUIRE(!model_catalog().empty());
    for (const ModelInfo& m : model_catalog()) {
        CAPTURE(m.id);
        Scenario s;
        s.model = m.id;
        const std::string link = encode_share_fragment(s);
        DecodedLink d = decode_share_fragment(link);
        CHECK(d.ignored.empty());
        CHECK(d.scenario.model == m.id);
        if (m.id != Scenario{}.model) CHECK(link == "v=1&m=" + percent_encode(m.id));
        // The Hugging Face id opens the same model and is written as the short id.
        if (!m.hf_id.empty()) {
            s.model = m.hf_id;
            CHECK(decode_share_fragment(encode_share_fragment(s)).scenario.model == m.id);
        }
    }
}

TEST_CASE("every weight and KV format survives a link round trip") {
    REQUIRE(!weight_formats().empty());
    REQUIRE(!kv_formats().empty());
    for (const WeightFormat& f : weight_formats()) {
        CAPTURE(f.id);
        Scenario s;
        s.weights = f.id;
        DecodedLink d = decode_share_fragment(encode_share_fragment(s));
        CHECK(d.ignored.empty());
        CHECK(d.scenario.weights == f.id);
    }
    for (const KvFormat& f : kv_formats()) {
        CAPTURE(f.id);
        Scenario s;
        s.kv_dtype = f.id;
        DecodedLink d = decode_share_fragment(encode_share_fragment(s));
        CHECK(d.ignored.empty());
        CHECK(d.scenario.kv_dtype == f.id);
    }
}

TEST_CASE("every GPU in the catalog survives a link round trip") {
    for (const Gpu& g : gpu_catalog()) {
        CAPTURE(g.id);
        Scenario s;
        s.gpu = g.id;
        DecodedLink d = decode_share_fragment(encode_share_fragment(s));
        CHECK(d.ignored.empty());
        CHECK(d.scenario.gpu == g.id);
    }
}

TEST_CASE("a scenario with every field changed survives a link round trip") {
    Scenario s;
    s.model = "qwen3-8b";
    s.custom_params = 7.5e9;
    s.custom_name = "my model / v2 & more";
    s.weights = "gguf-q4_k_m";
    s.kv_dtype = "q8_0";
    s.engine = "llamacpp";
    s.gpu = "rtx-3090";
    s.gpu_memory_gib = 23.5;
    s.gpus = 8;
    s.nodes = 2;
    s.tp = 4;
    s.pp = 2;
    s.context = 131072;
    s.batch = 16;
    s.input_tokens = 1000;
    s.output_tokens = 500;
    s.gpu_mem_util = 0.92;
    s.max_batched_tokens = 4096;
    s.cpu_offload_gib = 10.5;
    s.gpu_layers = 20;
    s.ubatch = 256;
    s.n_batch = 1024;
    s.flash_attn = true;
    s.parallel = 4;
    s.enforce_eager = true;
    s.kv_cache_memory_bytes = 8LL << 30;
    s.max_model_len_auto = true;
    s.head_bits = 8;
    s.chunk_size = 4096;
    s.autosplit_reserve_mib = 128;
    s.custom_config = R"({"model_type":"llama","hidden_size":1024,"num_hidden_layers":4,"num_attention_heads":8,)"
                      R"("intermediate_size":4096,"vocab_size":32000})";
    DecodedLink d = decode_share_fragment(encode_share_fragment(s));
    CHECK_MESSAGE(d.ignored.empty(), joined(d.ignored));
    CHECK(d.warnings.empty());
    CHECK(scenario_to_json(d.scenario) == scenario_to_json(s));

    // gpu_layers -1 (all) and zero knobs are defaults; a link can still carry ngl=0 (CPU only).
    s = Scenario{};
    s.gpu_layers = 0;
    CHECK(encode_share_fragment(s) == "v=1&ngl=0");
    CHECK(decode_share_fragment("v=1&ngl=0").scenario.gpu_layers == 0);
}

TEST_CASE("a custom config survives a link round trip as the same parsed model") {
    const auto configs = all_configs();
    REQUIRE(configs.size() > 40);
    for (const auto& entry : configs) {
        const std::string& id = entry.first;  // not a structured binding: clang 14 cannot capture those
        const json& cfg = entry.second;
        CAPTURE(id);
        Scenario s;
        s.custom_config = cfg.dump(2);
        s.custom_name = "custom " + id;
        const std::string link = encode_share_fragment(s);
        DecodedLink d = decode_share_fragment(link);
        CHECK(d.ignored.empty());
        CHECK(d.scenario.custom_name == s.custom_name);
        const ParsedConfig a = parse_hf_config(s.custom_config);
        const ParsedConfig b = parse_hf_config(d.scenario.custom_config);
        CHECK(a.ok == b.ok);
        CHECK(a.error == b.error);
        CHECK(a.warnings == b.warnings);
        CHECK(same_model_info(a.model, b.model));
        // The reduction keeps only what the parser reads, so "source" notes etc. are gone.
        CHECK(reduce_config_for_link(s.custom_config).size() <= cfg.dump().size());
    }
}

TEST_CASE("a link keeps only the config keys the parser reads") {
    // Llama 3.1 8B's config.json as published, with the keys the parser ignores.
    const std::string cfg = R"({
      "architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
      "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "hidden_act": "silu",
      "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336,
      "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
      "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
      "pretraining_tp": 1, "rms_norm_eps": 1e-05,
      "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                       "original_max_position_embeddings": 8192, "rope_type": "llama3"},
      "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
      "transformers_version": "4.43.0.dev0", "use_cache": true, "vocab_size": 128256,
      "id2label": {"0": "LABEL_0", "1": "LABEL_1"}})";
    const std::string reduced = reduce_config_for_link(cfg);
    // rope_scaling is read (type, factor, original window: the context warning needs them)
    CHECK(reduced.find("rope_scaling") != std::string::npos);
    CHECK(reduced.find("\"factor\":8.0") != std::string::npos);
    CHECK(reduced.find("rms_norm_eps") == std::string::npos);
    CHECK(reduced.find("id2label") == std::string::npos);
    CHECK(reduced.find("transformers_version") == std::string::npos);
    CHECK(reduced.find("\"num_key_value_heads\":8") != std::string::npos);
    CHECK(same_model_info(parse_hf_config(cfg).model, parse_hf_config(reduced).model));
    // Text that is not JSON is carried as it is (and refused when the link is opened).
    CHECK(reduce_config_for_link("not json {") == "not json {");
}

TEST_CASE("RFC 4648 base64url and percent escapes") {
    // RFC 4648 section 10 test vectors, without padding.
    CHECK(base64url_encode("") == "");
    CHECK(base64url_encode("f") == "Zg");
    CHECK(base64url_encode("fo") == "Zm8");
    CHECK(base64url_encode("foo") == "Zm9v");
    CHECK(base64url_encode("foob") == "Zm9vYg");
    CHECK(base64url_encode("fooba") == "Zm9vYmE");
    CHECK(base64url_encode("foobar") == "Zm9vYmFy");
    CHECK(base64url_encode("\xfb\xff") == "-_8");  // standard base64 "+/8="
    CHECK(base64url_decode("Zm9vYg==") == std::optional<std::string>("foob"));
    CHECK(base64url_decode("-_8") == std::optional<std::string>("\xfb\xff"));
    CHECK(base64url_decode("+/8=") == std::optional<std::string>("\xfb\xff"));
    CHECK(!base64url_decode("Zm9vY"));  // 5 characters cannot come from whole bytes
    CHECK(!base64url_decode("Zm9v!"));

    CHECK(percent_encode("a b/c,\xc3\xa4~") == "a%20b%2Fc%2C%C3%A4~");
    CHECK(percent_decode("a+b%2f%2B") == std::optional<std::string>("a b/+"));
    CHECK(!percent_decode("%4"));
    CHECK(!percent_decode("%g0"));
    CHECK(!percent_decode("abc%"));
}

TEST_CASE("a link opens with or without its hash, from a whole URL, and over a base") {
    CHECK(decode_share_fragment("#v=1&tp=2").scenario.tp == 2);
    CHECK(decode_share_fragment("?v=1&tp=2").scenario.tp == 2);
    CHECK(decode_share_fragment("https://example.org/vramcalc.html#v=1&tp=2").scenario.tp == 2);
    Scenario base;
    base.context = 4096;
    DecodedLink d = decode_share_fragment("v=1&tp=2", base);
    CHECK(d.scenario.context == 4096);  // not named by the link: base's value
    CHECK(d.scenario.tp == 2);
    CHECK(decode_share_fragment("").ignored.empty());
    CHECK(decode_share_fragment("#").ignored.empty());
    CHECK(decode_share_fragment("&&v=1&&").ignored.empty());
}

TEST_CASE("link versions: missing reads as 1, newer reads best-effort with a warning") {
    DecodedLink d = decode_share_fragment("m=qwen3-8b&ctx=4096");
    CHECK(d.ignored.empty());
    CHECK(d.warnings.empty());
    CHECK(d.scenario.model == "qwen3-8b");
    CHECK(d.scenario.context == 4096);

    d = decode_share_fragment("v=2&m=qwen3-8b&spec=eagle");
    CHECK(d.scenario.model == "qwen3-8b");
    REQUIRE(d.warnings.size() == 1);
    CHECK(d.warnings[0].find("v=2") != std::string::npos);
    CHECK(d.ignored == std::vector<std::string>{"spec=eagle: unknown key"});

    d = decode_share_fragment("v=abc&tp=2");
    CHECK(d.scenario.tp == 2);
    CHECK(d.ignored == std::vector<std::string>{"v=abc: not a link version; read as v=1"});
}

TEST_CASE("a broken part of a link is named and the rest still applies") {
    struct Case {
        std::string part;
        std::string message;  // the start of the one line it must produce
    };
    const std::string not_json = base64url_encode("{\"hidden_size\": 10");
    const std::string array = base64url_encode("[1,2]");
    const std::vector<Case> cases = {
        {"ctx=abc", "ctx=abc: not a number"},
        {"ctx=1e99", "ctx=1e99: expected a context length between 1 and 100M tokens"},
        {"ctx=99999999999999999999999", "ctx=99999999999999999999999: expected a context length"},
        {"ctx=-5", "ctx=-5: expected a context length"},
        {"ctx=8192.5", "ctx=8192.5: expected a context length"},
        {"ctx=0x10", "ctx=0x10: not a number"},
        {"ctx=%208192", "ctx= 8192: not a number"},
        {"n=", "n=: empty value"},
        {"n=0", "n=0: expected a GPU count"},
        {"util=1.5", "util=1.5: expected a fraction between 0 and 1"},
        {"ngl=-2", "ngl=-2: expected a layer count"},
        {"zzz=1", "zzz=1: unknown key"},
        {"justtext", "justtext: no value"},
        {"m=%zz", "m=%zz: invalid percent escape"},
        {"m=abc%4", "m=abc%4: invalid percent escape"},
        {"m=qwen2.5-7b-instrukt", "m=qwen2.5-7b-instrukt: unknown model (did you mean "},
        {"gpu=rtx-9999", "gpu=rtx-9999: unknown GPU"},
        {"w=int3", "w=int3: unknown weight format"},
        {"kv=fp7", "kv=fp7: unknown KV-cache format"},
        {"e=tensorrt", "e=tensorrt: expected one of vllm, sglang, llamacpp"},
        {"fa=maybe", "fa=maybe: expected true or false"},
        {"name=%FF%FE", "name=%FF%FE: not valid UTF-8"},
        {"cfg=!!!", "cfg=!!!: not valid base64"},
        {"cfg=Zm9vY", "cfg=Zm9vY: not valid base64"},
        {"cfg=" + not_json, "cfg=" + not_json + ": not valid JSON"},
        {"cfg=" + array, "cfg=" + array + ": not a JSON object"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.part);
        DecodedLink d = decode_share_fragment("v=1&b=3&" + c.part + "&tp=2&n=2");
        CHECK(d.scenario.batch == 3);
        CHECK(d.scenario.tp == 2);
        CHECK(d.scenario.gpus == 2);
        REQUIRE(d.ignored.size() == 1);
        CHECK(d.ignored[0].rfind(c.message, 0) == 0);
        CHECK(d.scenario.context == Scenario{}.context);
        CHECK(d.scenario.custom_config.empty());
    }
}

TEST_CASE("a repeated key keeps its first valid value") {
    DecodedLink d = decode_share_fragment("v=1&tp=2&tp=4");
    CHECK(d.scenario.tp == 2);
    CHECK(d.ignored == std::vector<std::string>{"tp=4: repeated key, the first tp kept"});
    d = decode_share_fragment("v=1&tp=abc&tp=4");  // the first was not valid: the second applies
    CHECK(d.scenario.tp == 4);
    CHECK(d.ignored.size() == 1);
}

TEST_CASE("a long bad value is shortened in its message") {
    DecodedLink d = decode_share_fragment("v=1&m=" + std::string(5000, 'x'));
    REQUIRE(d.ignored.size() == 1);
    CHECK(d.ignored[0].size() < 100);
    CHECK(d.scenario.model == Scenario{}.model);
}

TEST_CASE("random bytes, truncated and tampered links never crash the decoder") {
    Scenario s;
    s.model = "qwen2.5-32b-instruct";
    s.weights = "awq";
    s.gpu = "rtx-4090";
    s.gpus = 4;
    s.tp = 4;
    s.custom_name = "n\xc3\xa4me, 100%";
    s.custom_config = R"({"model_type":"qwen2","hidden_size":5120,"num_hidden_layers":64,"num_attention_heads":40,)"
                      R"("num_key_value_heads":8,"intermediate_size":27648,"vocab_size":152064,"text_config":{}})";
    const std::string link = encode_share_fragment(s);

    // Everything the decoder returns must be printable and JSON-safe (the page dumps it).
    auto check_result = [](const DecodedLink& d) {
        CHECK_NOTHROW((void)scenario_to_json(d.scenario).dump());
        CHECK_NOTHROW((void)json(d.ignored).dump());
        CHECK_NOTHROW((void)json(d.warnings).dump());
        CHECK(d.scenario.gpus >= 1);
        CHECK(d.scenario.context >= 1);
    };
    for (std::size_t n = 0; n <= link.size(); ++n) {
        DecodedLink d;
        CHECK_NOTHROW(d = decode_share_fragment(link.substr(0, n)));
        check_result(d);
    }
    std::mt19937 rng(12345);
    for (std::size_t i = 0; i < link.size(); ++i) {  // one byte changed at every position
        std::string t = link;
        t[i] = static_cast<char>(rng() & 0xFF);
        DecodedLink d;
        CHECK_NOTHROW(d = decode_share_fragment(t));
        check_result(d);
    }
    const std::string linkish = "v=1&%#+-_.~mwkvegpuctxcfgZm9v019=&&%zz%41";
    for (int i = 0; i < 3000; ++i) {
        std::string t(rng() % 120, '\0');
        for (char& c : t) c = (i % 2) ? static_cast<char>(rng() & 0xFF) : linkish[rng() % linkish.size()];
        DecodedLink d;
        CHECK_NOTHROW(d = decode_share_fragment(t));
        check_result(d);
    }
    // A config of ten thousand nested arrays is refused before anything recurses into it.
    DecodedLink deep = decode_share_fragment("v=1&cfg=" + base64url_encode(std::string(10000, '[') + std::string(10000, ']')));
    CHECK(deep.ignored.size() == 1);
    CHECK(deep.scenario.custom_config.empty());
}
