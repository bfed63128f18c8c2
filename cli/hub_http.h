// The CLI's HTTP client for the Hub fetch (core/hub.h decides what to ask): libcurl from Debian,
// following redirects, http(s) only, the token in an Authorization header only (curl drops it on a
// redirect to another host, as the Hub's storage URLs are signed).
#pragma once
#include <string>

#include "core/hub.h"

namespace vramcalc::cli {

HubResponse hub_get(const HubRequest& request, const std::string& token);

}  // namespace vramcalc::cli
