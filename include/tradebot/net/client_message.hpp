#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tradebot::net {

// Header fields in wire order. Lists are short (a handful of fields), so a flat vector with a
// case-insensitive lookup beats a map.
using header_list = std::vector<std::pair<std::string, std::string>>;

// The value of the first field named `name` (case-insensitive), if any.
[[nodiscard]] std::optional<std::string_view> find_header(const header_list& headers, std::string_view name) noexcept;

struct client_request {
    std::string method = "GET";  // "GET", "POST", "PUT", "DELETE", ...
    std::string target = "/";    // path and query as sent, already percent-encoded
    header_list headers;         // Host, User-Agent and Content-Length are added by the client
    std::string body;
    // Bounds the whole request: connect, TLS handshake, write and read. Zero: the client default.
    std::chrono::milliseconds timeout{0};
};

struct client_response {
    unsigned status = 0;
    header_list headers;
    std::string body;

    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept {
        return find_header(headers, name);
    }
};

}  // namespace tradebot::net
