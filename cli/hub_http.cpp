#include "cli/hub_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace vramcalc::cli {

namespace {

struct Transfer {
    HubResponse response;
    std::uint64_t max_bytes = 0;
    bool cut = false;  // we stopped reading at max_bytes
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    const std::uint64_t room = t->max_bytes - std::min<std::uint64_t>(t->max_bytes, t->response.body.size());
    t->response.body.append(data, static_cast<std::size_t>(std::min<std::uint64_t>(n, room)));
    if (n > room) {
        t->cut = true;
        return 0;  // abort the transfer: a server ignoring Range would send the whole file
    }
    return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string line(data, size * count);
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto value = [&] {
        std::string v = line.substr(line.find(':') + 1);
        v.erase(0, v.find_first_not_of(" \t"));
        while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.pop_back();
        return v;
    };
    if (lower.rfind("http/", 0) == 0) {  // a new response (after a redirect): forget the last one's headers
        t->response.error_code.clear();
        t->response.total_size.reset();
    } else if (lower.rfind("x-error-code:", 0) == 0) {
        t->response.error_code = value();
    } else if (lower.rfind("content-range:", 0) == 0) {
        const std::string v = value();
        const std::size_t slash = v.find('/');
        if (slash != std::string::npos && v.substr(slash + 1) != "*") {
            try {
                t->response.total_size = std::stoull(v.substr(slash + 1));
            } catch (...) {
            }
        }
    }
    return size * count;
}

}  // namespace

HubResponse hub_get(const HubRequest& q, const std::string& token) {
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    Transfer t;
    t.max_bytes = q.max_bytes > 0 ? q.max_bytes : kHubMaxTextBytes;
    CURL* c = initialised ? curl_easy_init() : nullptr;
    if (!c) {
        t.response.transport_error = "libcurl did not start";
        return t.response;
    }
    curl_slist* headers = nullptr;
    if (!token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
    const std::string range = q.range_end > 0 ? "0-" + std::to_string(q.range_end - 1) : "";
    curl_easy_setopt(c, CURLOPT_URL, q.url.c_str());
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "vramcalc");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (!range.empty()) curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    const CURLcode res = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (res != CURLE_OK && !(res == CURLE_WRITE_ERROR && t.cut)) {
        t.response.status = 0;
        t.response.transport_error = curl_easy_strerror(res);
    } else {
        t.response.status = static_cast<int>(status);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    return t.response;
}

}  // namespace vramcalc::cli
