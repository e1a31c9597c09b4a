#include "tls_util.hpp"

#include <openssl/x509v3.h>

namespace tradebot::net {

boost::system::error_code configure_client_tls(boost::asio::ssl::context& ctx, bool verify_peer,
                                               const std::string& ca_file) {
    namespace ssl = boost::asio::ssl;
    boost::system::error_code ec;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                    ec);
    if (ec) {
        return ec;
    }
    ctx.set_verify_mode(verify_peer ? ssl::verify_peer : ssl::verify_none, ec);
    if (ec) {
        return ec;
    }
    if (!ca_file.empty()) {
        ctx.load_verify_file(ca_file, ec);
    } else {
        ctx.set_default_verify_paths(ec);
    }
    return ec;
}

bool prepare_client_tls(SSL* ssl, const std::string& host, bool host_is_ip, bool verify_peer) {
    if (!host_is_ip) {
        // SSL_set_tlsext_host_name() is a macro with a C cast; this is what it expands to.
        if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(host.c_str())) != 1) {
            return false;
        }
    }
    if (!verify_peer) {
        return true;
    }
    if (host_is_ip) {
        return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
    }
    return SSL_set1_host(ssl, host.c_str()) == 1;
}

}  // namespace tradebot::net
