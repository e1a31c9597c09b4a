#include "url_parts.hpp"

#include <charconv>

#include <boost/asio/ip/address.hpp>

#include "tradebot/net/client_errc.hpp"

namespace tradebot::net {

std::string url_parts::host_header() const {
    const bool v6 = host.find(':') != std::string::npos;
    // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict for `":" + std::to_string(...)`
    // (operator+(const char*, string&&) inlined into an insert at offset 0), an error under -Werror.
    std::string out;
    out.reserve(host.size() + 8);  // brackets, ':' and at most five digits
    if (v6) {
        out += '[';
    }
    out += host;
    if (v6) {
        out += ']';
    }
    if (!default_port) {
        out += ':';
        out += std::to_string(port);
    }
    return out;
}

boost::system::result<url_parts> parse_url(std::string_view url, bool web_socket) {
    url_parts out;
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return make_error_code(client_errc::invalid_url);
    }
    const std::string_view scheme = url.substr(0, scheme_end);
    const std::string_view plain = web_socket ? "ws" : "http";
    const std::string_view secure = web_socket ? "wss" : "https";
    if (scheme == secure) {
        out.tls = true;
        out.port = 443;
    } else if (scheme == plain) {
        out.port = 80;
    } else {
        return make_error_code(client_errc::invalid_url);
    }
    std::string_view rest = url.substr(scheme_end + 3);
    const auto path_start = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, path_start);
    if (path_start != std::string_view::npos) {
        out.path = std::string{rest.substr(path_start)};
        if (out.path.front() == '?') {
            out.path.insert(out.path.begin(), '/');
        }
    }
    if (authority.find('@') != std::string_view::npos) {
        // Credentials in URLs would end up in logs; they are not accepted.
        return make_error_code(client_errc::invalid_url);
    }
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return make_error_code(client_errc::invalid_url);
        }
        out.host = std::string{authority.substr(1, close - 1)};
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                return make_error_code(client_errc::invalid_url);
            }
            port_text = after.substr(1);
        }
    } else {
        const auto colon = authority.find(':');
        out.host = std::string{authority.substr(0, colon)};
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
        }
    }
    if (out.host.empty()) {
        return make_error_code(client_errc::invalid_url);
    }
    if (!port_text.empty()) {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
            return make_error_code(client_errc::invalid_url);
        }
        out.default_port = value == out.port;
        out.port = static_cast<std::uint16_t>(value);
    }
    boost::system::error_code ip_ec;
    (void)boost::asio::ip::make_address(out.host, ip_ec);
    out.host_is_ip = !ip_ec;
    return out;
}

}  // namespace tradebot::net
