#include "tradebot/sim/server/tls.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <system_error>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace tradebot::sim::server {

namespace ssl = boost::asio::ssl;
using boost::system::error_code;
using context_ptr = std::shared_ptr<ssl::context>;

namespace {

struct pkey_free {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct x509_free {
    void operator()(X509* p) const noexcept { X509_free(p); }
};
struct ext_free {
    void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
};
struct bio_free {
    void operator()(BIO* p) const noexcept { BIO_free(p); }
};

// The last OpenSSL error as an asio ssl error code (a generic one if the queue is empty).
error_code openssl_error() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return {static_cast<int>(ssl::error::unspecified_system_error), ssl::error::get_stream_category()};
    }
    return {static_cast<int>(code), boost::asio::error::get_ssl_category()};
}

// Server side: TLS 1.2+, as the venues (TLS 1.0/1.1 are refused there too).
error_code new_server_context(context_ptr& out) {
    out = std::make_shared<ssl::context>(ssl::context::tls_server);
    error_code ec;
    out->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                     ec);
    return ec;
}

bool add_extension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, ext_free> ext{X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str())};
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

std::unique_ptr<X509, x509_free> make_certificate(EVP_PKEY* key, const self_signed_options& options) {
    std::unique_ptr<X509, x509_free> cert{X509_new()};
    if (!cert || X509_set_version(cert.get(), 2) != 1) {
        return nullptr;
    }
    // A random serial, so a browser or Node that saw an earlier run's certificate does not mix them up.
    std::array<unsigned char, 16> serial{};
    if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) {
        return nullptr;
    }
    serial[0] &= 0x7f;  // positive
    BIGNUM* bn = BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr);
    const bool serial_ok = bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) != nullptr;
    BN_free(bn);
    if (!serial_ok) {
        return nullptr;
    }
    // Valid from an hour ago: a client whose clock runs a little behind still accepts it.
    const long validity = static_cast<long>(std::chrono::seconds{options.validity}.count());
    if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity) == nullptr) {
        return nullptr;
    }
    X509_NAME* name = X509_get_subject_name(cert.get());
    const auto* cn = reinterpret_cast<const unsigned char*>(options.common_name.c_str());
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key) != 1) {
        return nullptr;
    }
    std::string san;
    for (const auto& dns : options.dns_names) {
        san += (san.empty() ? "DNS:" : ",DNS:") + dns;
    }
    for (const auto& ip : options.ip_addresses) {
        san += (san.empty() ? "IP:" : ",IP:") + ip;
    }
    // The extensions `openssl req -x509` adds: the certificate is its own trust anchor.
    if (!add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
        !add_extension(cert.get(), NID_subject_key_identifier, "hash") ||
        !add_extension(cert.get(), NID_authority_key_identifier, "keyid:always") ||
        (!san.empty() && !add_extension(cert.get(), NID_subject_alt_name, san))) {
        return nullptr;
    }
    if (X509_sign(cert.get(), key, EVP_sha256()) == 0) {
        return nullptr;
    }
    return cert;
}

error_code write_pem(X509* cert, const std::filesystem::path& path) {
    std::unique_ptr<BIO, bio_free> file{BIO_new_file(path.c_str(), "w")};
    if (!file) {
        ERR_clear_error();
        return std::make_error_code(std::errc::permission_denied);
    }
    if (PEM_write_bio_X509(file.get(), cert) != 1) {
        return openssl_error();
    }
    return {};
}

}  // namespace

boost::system::result<context_ptr> make_self_signed_tls(const std::filesystem::path& cert_pem_out,
                                                        const self_signed_options& options) {
    // P-256: generated in microseconds and accepted by every TLS client.
    std::unique_ptr<EVP_PKEY, pkey_free> key{EVP_EC_gen("P-256")};
    if (!key) {
        return openssl_error();
    }
    auto cert = make_certificate(key.get(), options);
    if (!cert) {
        return openssl_error();
    }
    context_ptr ctx;
    if (auto ec = new_server_context(ctx); ec) {
        return ec;
    }
    if (SSL_CTX_use_certificate(ctx->native_handle(), cert.get()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx->native_handle(), key.get()) != 1 ||
        SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
        return openssl_error();
    }
    if (!cert_pem_out.empty()) {
        if (auto ec = write_pem(cert.get(), cert_pem_out); ec) {
            return ec;
        }
    }
    return ctx;
}

boost::system::result<context_ptr> load_tls(const std::filesystem::path& cert_chain_pem,
                                            const std::filesystem::path& key_pem) {
    context_ptr ctx;
    if (auto ec = new_server_context(ctx); ec) {
        return ec;
    }
    error_code ec;
    ctx->use_certificate_chain_file(cert_chain_pem.string(), ec);
    if (!ec) {
        ctx->use_private_key_file(key_pem.string(), ssl::context::pem, ec);
    }
    if (ec) {
        return ec;
    }
    return ctx;
}

}  // namespace tradebot::sim::server
