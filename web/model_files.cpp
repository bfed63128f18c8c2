// Models from files and from the Hub on the page (see model_files.h).
#include "web/model_files.h"

#include <algorithm>

#include "web/compute.h"

namespace vramcalc::web {

namespace {

// Bytes read, in the units browsers show downloads in: "412 KB", "2.9 GB".
std::string download_text(Bytes b) { return b < 1'000'000 ? std::to_string((b + 500) / 1000) + " KB" : format_size(b, SizeUnit::GB); }

FileRead& read_entry(ModelFilesState& m, const std::string& name, Bytes size) {
    for (FileRead& r : m.reads)
        if (r.name == name) return r = FileRead{name, size, 0, "reading"};
    m.reads.push_back(FileRead{name, size, 0, "reading"});
    return m.reads.back();
}

void keep(std::vector<ModelFile>& files, ModelFile f) {
    files.erase(std::remove_if(files.begin(), files.end(), [&](const ModelFile& g) { return g.name == f.name; }), files.end());
    files.push_back(std::move(f));
}

// A complete model becomes the scenario's custom model, as a pasted config.json does.
void use_model(AppState& st, const ModelFromFiles& m) {
    Scenario s = st.scenario;
    apply_model_files(m, s);
    set_scenario(st, s);
}

}  // namespace

void begin_local_files(AppState& st) {
    st.model_files.batch.clear();
    st.model_files.reading = 0;
}

std::uint64_t file_header(AppState& st, const std::string& name, Bytes size, std::span<const std::uint8_t> prefix) {
    ModelFilesState& m = st.model_files;
    FileRead* r = nullptr;
    for (FileRead& e : m.reads)
        if (e.name == name) r = &e;
    if (!r || prefix.size() <= r->bytes_read) r = &read_entry(m, name, size);  // a new read of this file
    m.bytes_read += prefix.size();
    r->bytes_read = prefix.size();
    ModelFile f;
    f.name = name;
    f.size = size;
    f.kind = model_file_kind(name);
    ParseOutcome outcome = parse_model_file_header(f, prefix);
    if (outcome.status == ParseStatus::NeedMore) {
        if (outcome.bytes_needed <= kMaxHeaderBytes) return next_read_size(outcome.bytes_needed, prefix.size(), size);
        outcome.error = "a header of more than 512 MB is not plausible";
    }
    if (outcome.status != ParseStatus::Ok) {
        r->status = outcome.error;
        return 0;
    }
    const std::size_t tensors = f.gguf ? f.gguf->tensors.size() : f.safetensors->tensors.size();
    r->status = std::to_string(tensors) + " tensors, header " + download_text(prefix.size()) + " of " + download_text(size) + " read";
    keep(m.batch, std::move(f));
    return 0;
}

void file_text(AppState& st, const std::string& name, const std::string& text) {
    ModelFilesState& m = st.model_files;
    FileRead& r = read_entry(m, name, text.size());
    r.bytes_read = text.size();
    m.bytes_read += text.size();
    r.status = "read";
    ModelFile f;
    f.name = name;
    f.size = text.size();
    f.kind = model_file_kind(name);
    f.text = text;
    keep(m.batch, std::move(f));
}

void json_file_too_large(AppState& st, const std::string& name, Bytes size) {
    read_entry(st.model_files, name, size).status =
        "not read: " + format_size(size) + " is more than the " + format_size(kMaxJsonFileBytes) +
        " a config.json or safetensors index can be";
}

void file_unreadable(AppState& st, const std::string& name, Bytes size) {
    read_entry(st.model_files, name, size).status = "the browser could not read this file (moved, or no permission?)";
}

void end_local_files(AppState& st) {
    ModelFilesState& m = st.model_files;
    if (m.batch.empty()) return;
    // With the files given before (the other parts of a split set, a config.json for shards); a new,
    // unrelated model starts over.
    std::vector<ModelFile> all = m.files;
    for (const ModelFile& f : m.batch) keep(all, f);
    ModelFromFiles combined = model_from_files(all);
    if (!combined.error.empty()) {
        all = m.batch;
        combined = model_from_files(all);
        m.reads.erase(std::remove_if(m.reads.begin(), m.reads.end(), [&](const FileRead& r) {
                          return std::none_of(all.begin(), all.end(), [&](const ModelFile& f) { return f.name == r.name; }) &&
                                 r.status.find("tensors") != std::string::npos;
                      }),
                      m.reads.end());
    }
    m.files = std::move(all);
    m.batch.clear();
    m.model = combined;
    if (combined.ok) {
        use_model(st, combined);
        show_toast(st, "Read " + std::to_string(combined.tensor_count) + " tensors of " + combined.name + " (" +
                           download_text(m.bytes_read) + " read from the files)");
    }
}

void clear_model_files(AppState& st) {
    ModelFilesState& m = st.model_files;
    m.files.clear();
    m.batch.clear();
    m.reads.clear();
    m.model = ModelFromFiles{};
}

void start_hub_fetch(AppState& st, const std::string& repo, const std::string& gguf_file) {
    ModelFilesState& m = st.model_files;
    m.hub_repo = repo;
    m.hub_file = gguf_file;
    m.hub_choices.clear();
    m.hub_request_id = 0;
    m.hub = std::make_shared<HubSession>(m.hub_endpoint, repo, gguf_file);
    m.hub_status = m.hub->failed() ? m.hub->error() : m.hub->progress();
    if (m.hub->failed()) m.hub.reset();
}

std::optional<HubRequest> hub_next_request(AppState& st) {
    ModelFilesState& m = st.model_files;
    if (!m.hub || m.hub_request_id != 0) return std::nullopt;
    auto q = m.hub->next();
    if (q) {
        m.hub_request_id = ++m.hub_requests_made;
        m.hub_status = m.hub->progress();
    }
    return q;
}

void hub_response(AppState& st, const HubResponse& r) {
    ModelFilesState& m = st.model_files;
    if (!m.hub) return;
    m.hub->on_response(r);
    m.hub_request_id = 0;
    m.hub_status = m.hub->progress();
    if (!m.hub->finished()) return;
    if (m.hub->failed()) {
        m.hub_status = "Hugging Face: " + m.hub->error();
        m.hub_choices = m.hub->gguf_choices();
    } else {
        const ModelFromFiles result = m.hub->result();
        if (result.ok) {
            clear_model_files(st);  // the fetched repo replaces files given before
            use_model(st, result);
            m.hub_status = "Fetched " + m.hub_repo + ": " +
                           (result.source == "config" ? std::string("config.json") : std::to_string(result.tensor_count) + " tensors") +
                           ", " + download_text(m.hub->bytes_received()) + " downloaded";
            for (const auto& n : result.notes) m.hub_status += "; " + n;
        } else {
            m.hub_status = "Hugging Face: " + (result.error.empty() ? "the repo's files are incomplete" : result.error);
        }
    }
    m.hub.reset();
}

nlohmann::json model_files_json(const AppState& st) {
    const ModelFilesState& m = st.model_files;
    nlohmann::json files = nlohmann::json::array();
    for (const FileRead& r : m.reads) files.push_back({{"name", r.name}, {"size", r.size}, {"bytes_read", r.bytes_read}, {"status", r.status}});
    return {{"files", files}, {"bytes_read", m.bytes_read}, {"reading", m.reading}, {"ok", m.model.ok}, {"error", m.model.error},
            {"missing", m.model.missing}, {"notes", m.model.notes}, {"name", m.model.name},
            {"hub", {{"endpoint", m.hub_endpoint}, {"busy", static_cast<bool>(m.hub)}, {"status", m.hub_status}, {"choices", m.hub_choices},
                     {"has_token", !m.hub_token.empty()}}}};
}

}  // namespace vramcalc::web
