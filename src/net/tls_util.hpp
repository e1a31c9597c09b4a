#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <openssl/ssl.h>

namespace tradebot::net {

struct ssl_session_deleter {
    void operator()(SSL_SESSION* s) const noexcept { SSL_SESSION_free(s); }
};
using ssl_session_ptr = std::unique_ptr<SSL_SESSION, ssl_session_deleter>;

// TLS 1.2+, peer verification as asked, trust from `ca_file` or the system store.
[[nodiscard]] boost::system::error_code configure_client_tls(boost::asio::ssl::context& ctx, bool verify_peer,
                                                             const std::string& ca_file);

// Per connection: SNI for host names (not for IP literals, RFC 6066) and the name or IP the
// certificate must match. False if OpenSSL refused a setting.
[[nodiscard]] bool prepare_client_tls(SSL* ssl, const std::string& host, bool host_is_ip, bool verify_peer);

}  // namespace tradebot::net
