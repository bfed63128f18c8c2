#include "cli/model_input.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cli/hub_http.h"
#include "core/hub.h"
#include "core/model_files.h"
#include "core/scenario_json.h"

namespace vramcalc::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kFirstRead = 256 * 1024;
constexpr std::uint64_t kMaxText = 16ull << 20;

void progress(const std::string& line) { std::fprintf(stderr, "vramcalc: %s\n", line.c_str()); }

bool read_prefix(const fs::path& p, std::uint64_t n, std::vector<std::uint8_t>& out) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return false;
    out.resize(static_cast<std::size_t>(n));
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n));
    out.resize(static_cast<std::size_t>(in.gcount()));
    return true;
}

// One file: its header read in growing prefixes (GGUF, safetensors) or its text (index, config).
std::string read_model_file(const fs::path& path, ModelFile& f) {
    std::error_code ec;
    f.name = path.filename().string();
    f.kind = model_file_kind(f.name);
    f.size = fs::file_size(path, ec);
    if (ec) return path.string() + ": cannot read (" + ec.message() + ")";
    if (f.kind == ModelFileKind::Index || f.kind == ModelFileKind::Config) {
        if (f.size > kMaxText) return path.string() + ": more than 16 MB: not a config or index";
        std::vector<std::uint8_t> bytes;
        if (!read_prefix(path, f.size, bytes)) return path.string() + ": cannot read";
        f.text.assign(bytes.begin(), bytes.end());
        return "";
    }
    if (f.kind != ModelFileKind::Gguf && f.kind != ModelFileKind::Safetensors)
        return path.string() + ": not a .gguf, .safetensors or .json file";
    std::uint64_t want = std::min(f.size, kFirstRead);
    for (;;) {
        std::vector<std::uint8_t> bytes;
        if (!read_prefix(path, want, bytes)) return path.string() + ": cannot read";
        const ParseOutcome outcome = parse_model_file_header(f, bytes);
        if (outcome.status == ParseStatus::Ok) return "";
        if (outcome.status == ParseStatus::Error) return path.string() + ": " + outcome.error;
        if (outcome.bytes_needed > kMaxHeaderBytes) return path.string() + ": a header of more than 512 MB is not plausible";
        want = next_read_size(outcome.bytes_needed, bytes.size(), f.size);
    }
}

// The paths to read: the given ones, the other parts of a split GGUF set beside the first, the shards
// an index names beside it, and config.json beside safetensors when --config is not given.
std::vector<fs::path> expand_paths(const Options& o) {
    std::vector<fs::path> out;
    auto add = [&](const fs::path& p) {
        for (const auto& q : out)
            if (fs::absolute(q) == fs::absolute(p)) return;
        out.push_back(p);
    };
    for (const auto& g : o.gguf_paths) {
        add(g);
        if (o.gguf_paths.size() == 1)
            if (auto split = gguf_split_name(fs::path(g).filename().string()))
                for (int i = 1; i <= split->count; ++i)
                    if (fs::path sib = fs::path(g).parent_path() / gguf_split_file_name(split->prefix, i, split->count); fs::exists(sib)) add(sib);
    }
    if (!o.mmproj_path.empty()) add(o.mmproj_path);
    for (const auto& s : o.safetensors_paths) {
        add(s);
        if (model_file_kind(s) != ModelFileKind::Index) continue;
        std::ifstream in(s);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const SafetensorsIndexParse ip = parse_safetensors_index(text);
        if (ip.ok)
            for (const auto& shard : ip.index.shards)
                if (fs::path p = fs::path(s).parent_path() / fs::path(shard).filename(); fs::exists(p)) add(p);
    }
    if (!o.config_path.empty()) add(o.config_path);
    else if (!o.safetensors_paths.empty())
        if (fs::path c = fs::path(o.safetensors_paths.front()).parent_path() / "config.json"; fs::exists(c)) add(c);
    return out;
}

std::string from_hub(const Options& o, ModelFromFiles& m) {
    const char* endpoint = std::getenv("HF_ENDPOINT");
    const char* token = std::getenv("HF_TOKEN");
    HubSession session(endpoint ? endpoint : "", o.hf_repo, o.hf_file);
    while (auto request = session.next()) {
        progress(session.progress());
        session.on_response(hub_get(*request, token ? token : ""));
    }
    if (session.failed()) {
        std::string e = session.error();
        if (!session.gguf_choices().empty()) {
            e += "; its GGUF models:";
            for (const auto& c : session.gguf_choices()) e += " " + c;
        }
        return e;
    }
    progress(session.progress());
    m = session.result();
    return "";
}

}  // namespace

std::string load_model_input(const Options& o, Scenario& s, std::vector<std::string>& notes) {
    ModelFromFiles m;
    if (!o.hf_repo.empty()) {
        if (std::string e = from_hub(o, m); !e.empty()) return "--hf " + o.hf_repo + ": " + e;
    } else {
        std::vector<ModelFile> files;
        for (const fs::path& p : expand_paths(o)) {
            ModelFile f;
            if (std::string e = read_model_file(p, f); !e.empty()) return e;
            files.push_back(std::move(f));
        }
        m = model_from_files(files);
    }
    if (!m.ok) {
        if (!m.error.empty()) return m.error;
        std::string missing;
        for (const auto& x : m.missing) missing += (missing.empty() ? "" : ", ") + x;
        return "the model's files are incomplete: missing " + missing;
    }
    apply_model_files(m, s);
    // Flags given on the command line (an engine, a weight format) win over what the files say.
    std::vector<std::string> problems;
    apply_scenario_json(o.flag_fields, s, problems);
    notes = m.notes;
    if (m.source != "config")
        notes.insert(notes.begin(), std::to_string(m.tensor_count) + " tensors, " + std::to_string(m.weight_bytes) + " bytes of " +
                                        m.weights_format + " weights read from the " + m.source + " header(s)");
    return "";
}

}  // namespace vramcalc::cli
