// Files -> model (see model_files.h).
#include "model_files.h"

#include "engine_profile.h"

#include <algorithm>
#include <map>
#include <set>

#include "config_parser.h"
#include "file_weights.h"
#include "gguf_config.h"

namespace vramcalc {

namespace {

bool ends_with(std::string_view s, std::string_view t) { return s.size() >= t.size() && s.substr(s.size() - t.size()) == t; }

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

bool is_mmproj(const ModelFile& f) {
    return f.gguf && (f.gguf->text("general.architecture") == "clip" || lower(f.name).find("mmproj") != std::string::npos);
}

// The format of a safetensors checkpoint: its quantization_config, else the dtype most bytes are in.
std::string safetensors_format(const ModelInfo& m, const std::vector<SafetensorsHeader>& shards) {
    if (!m.default_format.empty()) return m.default_format;
    std::map<std::string, Bytes> by_dtype;
    for (const SafetensorsHeader& h : shards)
        for (const SafetensorsTensor& t : h.tensors)
            if (t.shape.size() >= 2) by_dtype[t.dtype] += t.bytes();
    std::string best;
    Bytes most = 0;
    for (const auto& [d, b] : by_dtype)
        if (b > most) most = b, best = d;
    if (best == "F16") return "fp16";
    if (best == "F32") return "fp32";
    if (best == "F8_E4M3" || best == "F8_E5M2") return "fp8";
    return "bf16";
}

void from_gguf(const std::vector<const ModelFile*>& models, const ModelFile* mmproj, ModelFromFiles& out) {
    // Split sets: part 1 names the count (split.count); the parts come in any order.
    std::vector<const ModelFile*> parts = models;
    std::stable_sort(parts.begin(), parts.end(), [](const ModelFile* a, const ModelFile* b) {
        return a->gguf->integer("split.no").value_or(0) < b->gguf->integer("split.no").value_or(0);
    });
    const ModelFile& first = *parts.front();
    const std::int64_t count = std::clamp<std::int64_t>(first.gguf->integer("split.count").value_or(1), 1, 100000);
    const auto split = gguf_split_name(first.name);
    std::set<std::int64_t> have;
    for (const ModelFile* p : parts) {
        const std::int64_t no = p->gguf->integer("split.no").value_or(0);
        if (p->gguf->integer("split.count").value_or(1) != count || !have.insert(no).second) {
            out.error = "several GGUF models given (" + first.name + ", " + p->name + "): give one model, with all parts of a split set";
            return;
        }
    }
    // Only part 1 carries the model's metadata (gguf-split writes it there); all parts hold tensors.
    for (std::int64_t i = 0; i < count; ++i)
        if (!have.count(i))
            out.missing.push_back(split ? gguf_split_file_name(split->prefix, static_cast<int>(i + 1), static_cast<int>(count))
                                        : "part " + std::to_string(i + 1) + " of " + std::to_string(count));
    if (!out.missing.empty()) return;

    std::vector<GgufHeader> headers;
    for (const ModelFile* p : parts) headers.push_back(*p->gguf);
    const GgufModelInfo info = gguf_model_info(headers);
    if (!info.ok) {
        out.error = first.name + ": " + info.error;
        return;
    }
    int skipped = 0;
    const FileWeights w = file_weights_from_gguf(headers, mmproj ? &*mmproj->gguf : nullptr, info.format, info.num_layers, &skipped);
    out.source = "gguf";
    out.name = info.name.empty() ? (split ? split->prefix : first.name.substr(0, first.name.size() - 5)) : info.name;
    out.config_json = info.config_json;
    out.weights_format = info.format;
    out.unsplit_mla_gguf = info.unsplit_mla;
    out.tensors = encode_file_weights(w);
    out.weight_bytes = w.total_bytes();
    for (const GgufHeader& h : headers) out.tensor_count += h.tensors.size();
    out.notes = info.notes;
    if (mmproj) out.notes.push_back("vision projector " + mmproj->name + ": " + std::to_string(mmproj->gguf->tensors.size()) + " tensors");
    out.ok = true;
}

void from_safetensors(const std::vector<const ModelFile*>& shards, const ModelFile* index, const ModelFile* config,
                      ModelFromFiles& out) {
    std::set<std::string> given;
    for (const ModelFile* s : shards) given.insert(s->name);
    if (index) {
        const SafetensorsIndexParse ip = parse_safetensors_index(index->text);
        if (!ip.ok) {
            out.error = index->name + ": " + ip.error;
            return;
        }
        for (const std::string& s : ip.index.shards)
            if (!given.count(s)) out.missing.push_back(s);
        for (const ModelFile* s : shards)
            if (std::find(ip.index.shards.begin(), ip.index.shards.end(), s->name) == ip.index.shards.end())
                out.notes.push_back(s->name + " is not in the index: counted anyway");
    }
    if (!config) out.missing.push_back("config.json");
    if (!out.missing.empty() || shards.empty()) {
        if (shards.empty() && out.missing.empty()) out.missing.push_back("the .safetensors shard files");
        return;
    }
    const ParsedConfig parsed = parse_hf_config(config->text);
    if (!parsed.ok) {
        out.error = config->name + ": " + parsed.error;
        return;
    }
    std::vector<SafetensorsHeader> headers;
    for (const ModelFile* s : shards) headers.push_back(*s->safetensors);
    const std::string format = safetensors_format(parsed.model, headers);
    int skipped = 0;
    const FileWeights w = file_weights_from_safetensors(headers, format, parsed.model.arch.num_layers, &skipped);
    if (skipped > 0)
        out.notes.push_back(std::to_string(skipped) + " tensor(s) past num_hidden_layers or rotary buffers: not loaded, left out");
    out.source = "safetensors";
    out.name = parsed.model.name;
    out.config_json = config->text;
    out.weights_format = format;
    out.tensors = encode_file_weights(w);
    out.weight_bytes = w.total_bytes();
    for (const SafetensorsHeader& h : headers) out.tensor_count += h.tensors.size();
    out.ok = true;
}

}  // namespace

ModelFileKind model_file_kind(std::string_view name) {
    const std::string n = lower(name);
    if (ends_with(n, ".gguf")) return ModelFileKind::Gguf;
    if (ends_with(n, ".safetensors")) return ModelFileKind::Safetensors;
    if (ends_with(n, ".index.json")) return ModelFileKind::Index;
    if (ends_with(n, ".json")) return ModelFileKind::Config;
    return ModelFileKind::Other;
}

ParseOutcome parse_model_file_header(ModelFile& f, std::span<const std::uint8_t> prefix) {
    if (f.kind == ModelFileKind::Gguf) {
        GgufParse g = parse_gguf_header(prefix, f.size);
        if (g.status == ParseStatus::Ok) f.gguf = std::move(g.header);
        return g;
    }
    if (f.kind == ModelFileKind::Safetensors) {
        SafetensorsParse s = parse_safetensors_header(prefix, f.size);
        if (s.status == ParseStatus::Ok) f.safetensors = std::move(s.header);
        return s;
    }
    ParseOutcome o;
    o.error = f.name + " is not a .gguf or .safetensors file";
    return o;
}

ModelFromFiles model_from_files(const std::vector<ModelFile>& files) {
    ModelFromFiles out;
    std::vector<const ModelFile*> ggufs, shards;
    const ModelFile *mmproj = nullptr, *index = nullptr, *config = nullptr;
    for (const ModelFile& f : files) {
        if (f.kind == ModelFileKind::Gguf && f.gguf) {
            if (is_mmproj(f)) mmproj = &f;
            else ggufs.push_back(&f);
        } else if (f.kind == ModelFileKind::Safetensors && f.safetensors) {
            shards.push_back(&f);
        } else if (f.kind == ModelFileKind::Index) {
            index = &f;
        } else if (f.kind == ModelFileKind::Config) {
            config = &f;
        }
    }
    if (!ggufs.empty() && (!shards.empty() || index)) {
        out.error = "both GGUF and safetensors files given: give one model's files";
        return out;
    }
    if (!ggufs.empty()) {
        from_gguf(ggufs, mmproj, out);
        if (out.ok && config) out.notes.push_back(config->name + " not used: the GGUF carries its own metadata");
    } else if (!shards.empty() || index) {
        from_safetensors(shards, index, config, out);
    } else if (mmproj) {
        out.missing.push_back("the model's .gguf (" + mmproj->name + " is only its vision projector)");
    } else {
        out.error = "no model file: give a .gguf, .safetensors shards (with config.json) or a model.safetensors.index.json";
    }
    return out;
}

void apply_model_files(const ModelFromFiles& m, Scenario& s) {
    s.custom_config = m.config_json;
    s.custom_tensors = m.tensors;
    s.custom_params = 0;
    s.custom_name = m.name;
    if (!m.weights_format.empty()) s.weights = m.weights_format;
    s.unsplit_mla_gguf = m.unsplit_mla_gguf;
    // Files the chosen engine does not load move the scenario to the first engine (picker order) that does.
    const EngineProfile* current = find_engine(s.engine);
    if (current && m.source == current->checkpoint_files) return;
    for (const EngineProfile* p : engine_profiles())
        if (m.source == p->checkpoint_files) {
            s.engine = p->id;
            s.engine_version.clear();
            return;
        }
}

}  // namespace vramcalc
