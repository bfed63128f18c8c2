// Hub fetch logic (see hub.h).
#include "hub.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "json_depth.h"
#include "share_link.h"

namespace vramcalc {

namespace {

using nlohmann::json;

bool ends_with(std::string_view s, std::string_view t) { return s.size() >= t.size() && s.substr(s.size() - t.size()) == t; }

bool safe_path(std::string_view f) {
    if (f.empty() || f.size() > 1000 || f.front() == '/' || f.find("..") != std::string_view::npos || f.find('\\') != std::string_view::npos)
        return false;
    return std::all_of(f.begin(), f.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20; });
}

std::string base_name(std::string_view f) {
    const std::size_t slash = f.find_last_of('/');
    return std::string(slash == std::string_view::npos ? f : f.substr(slash + 1));
}

std::string kb(std::uint64_t b) {
    return b < 10'000'000 ? std::to_string((b + 512) / 1024) + " KB" : std::to_string((b + (1 << 19)) >> 20) + " MB";
}

}  // namespace

bool valid_repo_id(std::string_view repo) {
    const std::size_t slash = repo.find('/');
    if (slash == std::string_view::npos || repo.find('/', slash + 1) != std::string_view::npos) return false;
    for (std::string_view part : {repo.substr(0, slash), repo.substr(slash + 1)}) {
        if (part.empty() || part.size() > 96 || part.front() == '-' || part.front() == '.' || part.find("..") != std::string_view::npos)
            return false;
        for (char c : part)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
    }
    return true;
}

std::string hub_endpoint(std::string_view e) {
    std::string s(e);
    while (!s.empty() && (s.back() == '/' || s.back() == ' ')) s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(0, 1);
    if (s.empty()) return kHubDefaultEndpoint;
    if (s.rfind("https://", 0) != 0 && s.rfind("http://", 0) != 0) return "";
    if (s.find_first_of(" \"<>\\^`{|}") != std::string::npos) return "";
    return s;
}

HubSession::HubSession(std::string endpoint, std::string repo, std::string gguf_file)
    : endpoint_(hub_endpoint(endpoint)), repo_(std::move(repo)), gguf_file_(std::move(gguf_file)) {
    if (endpoint_.empty()) fail("the Hub endpoint must be an http(s) URL, got '" + std::string(endpoint) + "'");
    else if (!valid_repo_id(repo_)) fail("'" + repo_ + "' is not a Hugging Face repo id (ORG/NAME)");
}

void HubSession::fail(std::string message) {
    if (failed_) return;
    failed_ = true;
    error_ = std::move(message);
    queue_.clear();
}

std::string HubSession::file_url(const std::string& file) const {
    std::string path;
    std::size_t start = 0;
    while (start <= file.size()) {  // each path segment percent-encoded, the slashes kept
        const std::size_t slash = std::min(file.find('/', start), file.size());
        if (start > 0) path += '/';
        path += percent_encode(file.substr(start, slash - start));
        start = slash + 1;
    }
    return endpoint_ + "/" + repo_ + "/resolve/main/" + path;
}

std::optional<HubRequest> HubSession::next() {
    if (failed_) return std::nullopt;
    if (!started_) {
        started_ = api_pending_ = true;
        return HubRequest{endpoint_ + "/api/models/" + repo_, "", 0, kHubMaxTextBytes};
    }
    if (api_pending_ || in_flight_ || queue_.empty()) return std::nullopt;
    in_flight_ = queue_.front();
    queue_.erase(queue_.begin());
    const Pending& p = *in_flight_;
    return HubRequest{file_url(p.file), p.file, p.header ? p.want : 0, p.header ? p.want : kHubMaxTextBytes};
}

void HubSession::on_response(const HubResponse& r) {
    if (failed_) return;
    const std::string what = api_pending_ ? repo_ + "'s file list" : in_flight_ ? in_flight_->file : std::string("?");
    if (r.status == 0) {
        fail("cannot reach " + endpoint_ + " (" + (r.transport_error.empty() ? "no answer" : r.transport_error) +
             "): no network, or the endpoint is blocked");
        return;
    }
    bytes_ += r.body.size();
    const bool not_found = r.status == 404 || r.error_code == "RepoNotFound" || r.error_code == "EntryNotFound";
    if (r.status == 401 || r.status == 403) {
        if (r.error_code == "RepoNotFound") fail(repo_ + " was not found on " + endpoint_ + " (or it is private: set HF_TOKEN)");
        else fail("this repo is gated: set HF_TOKEN to a token whose account accepted " + repo_ + "'s terms (HTTP " +
                  std::to_string(r.status) + " for " + what + ")");
        return;
    }
    if (not_found) {
        fail(api_pending_ ? repo_ + " was not found on " + endpoint_ : what + " is listed in " + repo_ + " but the Hub has no such file");
        return;
    }
    const bool ranged_empty = r.status == 416;  // an empty file asked for a range
    if ((r.status < 200 || r.status >= 300) && !ranged_empty) {
        fail("HTTP " + std::to_string(r.status) + " from " + endpoint_ + " for " + what);
        return;
    }
    if (api_pending_) {
        api_pending_ = false;
        plan(r.body);
        return;
    }
    if (!in_flight_) return;
    Pending p = *in_flight_;
    in_flight_.reset();
    if (p.header) take_header(p, r);
    else take_text(p, r);
}

void HubSession::plan(const std::string& text) {
    if (json_depth(text) > 64) return fail("the Hub's answer nests too deeply");
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail(endpoint_ + " did not answer with a model's JSON (is it a Hub endpoint?)");
    std::vector<std::string> names;
    if (auto s = j.find("siblings"); s != j.end() && s->is_array())
        for (const json& f : *s)
            if (f.is_object() && f.contains("rfilename") && f["rfilename"].is_string() && safe_path(f["rfilename"].get<std::string>()))
                names.push_back(f["rfilename"].get<std::string>());
    if (auto g = j.find("gated"); g != j.end() && ((g->is_string() && !g->get<std::string>().empty()) || (g->is_boolean() && g->get<bool>())))
        notes_.push_back(repo_ + " is gated: its files need HF_TOKEN");
    auto has = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
    std::vector<std::string> shards, ggufs;
    for (const std::string& n : names) {
        if (n.find('/') == std::string::npos && ends_with(n, ".safetensors")) shards.push_back(n);
        if (ends_with(n, ".gguf") && base_name(n).find("mmproj") == std::string::npos) ggufs.push_back(n);
    }
    const bool index = has("model.safetensors.index.json");
    auto header = [](const std::string& f) { return Pending{f, true, kHubFirstRead}; };

    if (!gguf_file_.empty() || ((shards.empty() && !index) && !ggufs.empty())) {
        // GGUF: the chosen file (and the rest of its split set), or the only model in the repo.
        std::map<std::string, std::vector<std::string>> sets;  // split prefix (or the file) -> parts
        for (const std::string& g : ggufs) {
            const auto split = gguf_split_name(base_name(g));
            const std::string dir = g.substr(0, g.size() - base_name(g).size());
            sets[split ? dir + split->prefix + "#split" : g].push_back(g);
        }
        std::vector<std::string>* chosen = nullptr;
        if (!gguf_file_.empty()) {
            for (auto& [key, parts] : sets)
                if (std::find(parts.begin(), parts.end(), gguf_file_) != parts.end()) chosen = &parts;
            if (!chosen) return fail(gguf_file_ + " is not a GGUF model in " + repo_);
        } else if (sets.size() == 1) {
            chosen = &sets.begin()->second;
        } else {
            for (auto& [key, parts] : sets) choices_.push_back(parts.front());
            return fail(repo_ + " holds " + std::to_string(sets.size()) + " GGUF models: choose one (--hf-file " + choices_.front() + ")");
        }
        std::sort(chosen->begin(), chosen->end());
        if (chosen->size() > kHubMaxFiles) return fail("too many split parts");
        for (const std::string& g : *chosen) queue_.push_back(header(g));
        for (const std::string& n : names)
            if (ends_with(n, ".gguf") && base_name(n).find("mmproj") != std::string::npos)
                notes_.push_back(n + " (a vision projector) is in the repo: not counted; give it with --mmproj after downloading");
    } else if (!shards.empty() || index) {
        if (!has("config.json")) return fail(repo_ + " has safetensors weights but no config.json: the architecture is unknown");
        queue_.push_back(Pending{"config.json", false, 0});
        if (index) queue_.push_back(Pending{"model.safetensors.index.json", false, 0});
        else
            for (const std::string& s : shards) queue_.push_back(header(s));
    } else if (has("config.json")) {
        queue_.push_back(Pending{"config.json", false, 0});
    } else {
        return fail(repo_ + " has no config.json, .safetensors or .gguf files: not a model repository");
    }
    planned_ = queue_.size();
}

void HubSession::take_text(const Pending& p, const HubResponse& r) {
    ModelFile f;
    f.name = base_name(p.file);
    f.kind = model_file_kind(p.file);
    f.text = r.body;
    f.size = r.body.size();
    if (f.kind == ModelFileKind::Index) {
        const SafetensorsIndexParse ip = parse_safetensors_index(r.body);
        if (!ip.ok) return fail(p.file + ": " + ip.error);
        if (ip.index.shards.size() > kHubMaxFiles) return fail(p.file + " names more than " + std::to_string(kHubMaxFiles) + " shards");
        for (const std::string& s : ip.index.shards) {
            if (!safe_path(s) || s.find('/') != std::string::npos) return fail(p.file + " names an odd shard file '" + s + "'");
            queue_.push_back(Pending{s, true, kHubFirstRead});
        }
        planned_ += ip.index.shards.size();
    }
    files_.push_back(std::move(f));
}

void HubSession::take_header(Pending p, const HubResponse& r) {
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(r.body.data()), r.body.size());
    // The file's size: Content-Range's total; an answer shorter than asked is the whole file; else
    // unknown (a server that ignored Range, its body cut at what was asked).
    std::uint64_t size = r.total_size.value_or(kUnknownFileSize);
    if (!r.total_size && r.body.size() < p.want) size = r.body.size();
    ModelFile f;
    f.name = base_name(p.file);
    f.kind = model_file_kind(p.file);
    f.size = size;
    const ParseOutcome outcome = parse_model_file_header(f, bytes);
    if (outcome.status == ParseStatus::Error) return fail(p.file + ": " + outcome.error);
    if (outcome.status == ParseStatus::NeedMore) {
        if (outcome.bytes_needed > kMaxHeaderBytes) return fail(p.file + ": a header of more than 512 MB is not plausible");
        p.want = next_read_size(outcome.bytes_needed, r.body.size(), size);
        queue_.insert(queue_.begin(), p);  // ask again for a longer prefix
        return;
    }
    files_.push_back(std::move(f));
}

std::string HubSession::progress() const {
    if (failed_) return error_;
    if (!started_ || api_pending_) return "asking " + endpoint_ + " for " + repo_ + "'s file list";
    const std::size_t done = files_.size();
    if (in_flight_)
        return std::string(in_flight_->header ? "reading the header of " : "reading ") + in_flight_->file + " (" +
               std::to_string(std::min(done + 1, planned_)) + " of " + std::to_string(planned_) + "), " + kb(bytes_) + " so far";
    return "read " + std::to_string(done) + " file(s) from " + repo_ + ", " + kb(bytes_);
}

ModelFromFiles HubSession::result() const {
    ModelFromFiles m;
    if (failed_) {
        m.error = error_;
        return m;
    }
    if (files_.size() == 1 && files_[0].kind == ModelFileKind::Config) {
        // A repo with only config.json (weights elsewhere): the architecture alone, weights by rule.
        m.ok = true;
        m.source = "config";
        m.config_json = files_[0].text;
        m.notes.push_back("no weight files in " + repo_ + ": weights estimated from config.json by the format's rules");
    } else {
        m = model_from_files(files_);
    }
    if (m.ok) m.name = repo_;
    m.notes.insert(m.notes.begin(), notes_.begin(), notes_.end());
    return m;
}

}  // namespace vramcalc
