#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

// Only the type is named here; callers that configure the context include <boost/asio/ssl/context.hpp>.
namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace tradebot::sim::server {

struct self_signed_options {
    std::string common_name = "localhost";
    std::vector<std::string> dns_names{"localhost"};
    std::vector<std::string> ip_addresses{"127.0.0.1"};
    std::chrono::hours validity{24 * 30};
};

// A server TLS context (TLS 1.2+) with a fresh P-256 key and a self-signed X.509 certificate
// made in memory. The certificate (PEM) is written to `cert_pem_out` so that clients can trust
// it (net::https_client / net::ws_client ca_file, NODE_EXTRA_CA_CERTS, curl --cacert). The key
// never touches the disk. Fails with an OpenSSL (asio ssl category) or file error.
[[nodiscard]] boost::system::result<std::shared_ptr<boost::asio::ssl::context>> make_self_signed_tls(
    const std::filesystem::path& cert_pem_out, const self_signed_options& options = {});

// A server TLS context from PEM files: the certificate chain (leaf first) and its private key.
[[nodiscard]] boost::system::result<std::shared_ptr<boost::asio::ssl::context>> load_tls(
    const std::filesystem::path& cert_chain_pem, const std::filesystem::path& key_pem);

}  // namespace tradebot::sim::server
