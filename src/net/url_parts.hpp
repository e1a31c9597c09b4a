#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace tradebot::net {

// The parts of an http(s):// or ws(s):// URL the clients need. Private to the net module.
struct url_parts {
    bool tls = false;
    std::string host;           // without brackets for IPv6 literals
    std::uint16_t port = 0;     // the scheme's default when the URL has none
    std::string path;           // "" or starting with '/', query included
    bool host_is_ip = false;    // IP literals get no SNI and are verified against the IP SAN
    bool default_port = true;   // decides whether the Host header carries the port

    // "host" or "host:port" for the Host header.
    [[nodiscard]] std::string host_header() const;
};

// Accepts http, https (web_socket=false) or ws, wss (web_socket=true).
[[nodiscard]] boost::system::result<url_parts> parse_url(std::string_view url, bool web_socket);

}  // namespace tradebot::net
