// Fetching a model's config and file headers from the Hugging Face Hub, only when the user asks: which
// requests to make, in which order, and what each answer means. No I/O here: the CLI (libcurl) and the
// page (fetch) perform each request and hand the response back, so both behave the same and the logic
// is tested without a network.
//
// The Hub's HTTP layout (huggingface_hub file_download.py / hf_api.py model_info):
//   GET {endpoint}/api/models/{org}/{name}                  JSON: siblings[].rfilename, gated
//   GET {endpoint}/{org}/{name}/resolve/main/{file}          the file (a redirect to storage), honouring
//                                                            "Range: bytes=0-N" with 206 and Content-Range
//   "Authorization: Bearer {token}" for gated and private repos; without it they answer 401/403, with
//   an X-Error-Code header (GatedRepo, RepoNotFound). HF_ENDPOINT replaces https://huggingface.co.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model_files.h"

namespace vramcalc {

inline constexpr const char* kHubDefaultEndpoint = "https://huggingface.co";
inline constexpr std::uint64_t kHubFirstRead = 256 * 1024;        // bytes of each header file asked first
inline constexpr std::uint64_t kHubMaxTextBytes = 16ull << 20;     // API answer, config.json, index
inline constexpr std::size_t kHubMaxFiles = 2000;                  // shards / split parts fetched

struct HubRequest {
    std::string url;
    std::string file;               // the repo file it is for ("" for the API call)
    std::uint64_t range_end = 0;    // ask "Range: bytes=0-(range_end - 1)"; 0 = the whole (small) file
    std::uint64_t max_bytes = 0;    // stop reading the body past this many bytes (a server ignoring Range)
};

struct HubResponse {
    int status = 0;                         // HTTP status; 0 = no answer at all
    std::string transport_error;            // why there was no answer (no network, DNS, TLS, CORS)
    std::string error_code;                 // X-Error-Code header
    std::string body;                       // the bytes received (at most max_bytes)
    std::optional<std::uint64_t> total_size;  // from Content-Range: bytes a-b/TOTAL
};

// "org/name": letters, digits, '-', '_', '.'; no "..", no leading '-' or '.'; at most 96 + 96 bytes.
bool valid_repo_id(std::string_view repo);
// The endpoint to use: the given one without trailing '/', or the default; "" if it is not http(s).
std::string hub_endpoint(std::string_view endpoint);

class HubSession {
public:
    // gguf_file: one GGUF (or the first part of a split set) to use when the repo holds several.
    HubSession(std::string endpoint, std::string repo, std::string gguf_file = "");

    std::optional<HubRequest> next();        // the next request, nullopt when finished
    void on_response(const HubResponse& r);  // the answer to the last request next() gave

    bool finished() const { return failed_ || (queue_.empty() && !api_pending_ && started_); }
    bool failed() const { return failed_; }
    const std::string& error() const { return error_; }
    const std::vector<std::string>& gguf_choices() const { return choices_; }  // several GGUFs, none chosen
    std::string progress() const;            // one line: "reading the header of model.gguf (2 of 3), 300 KB"
    std::uint64_t bytes_received() const { return bytes_; }
    ModelFromFiles result() const;           // when finished without failure

private:
    struct Pending {
        std::string file;
        bool header = false;                 // a GGUF/safetensors header (ranged), else a whole text file
        std::uint64_t want = 0;
    };
    void fail(std::string message);
    void plan(const std::string& api_json);
    void take_text(const Pending& p, const HubResponse& r);
    void take_header(Pending p, const HubResponse& r);
    std::string file_url(const std::string& file) const;

    std::string endpoint_, repo_, gguf_file_;
    bool started_ = false, api_pending_ = false, failed_ = false;
    std::string error_;
    std::vector<std::string> choices_;
    std::vector<Pending> queue_;             // front is in flight after next()
    std::optional<Pending> in_flight_;
    std::vector<ModelFile> files_;
    std::vector<std::string> notes_;
    std::uint64_t bytes_ = 0;
    std::size_t planned_ = 0;
};

}  // namespace vramcalc
