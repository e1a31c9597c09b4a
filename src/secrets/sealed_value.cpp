#include "tradebot/secrets/sealed_value.hpp"

#include <memory>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "secrets/base64.hpp"

namespace tradebot::secrets {
namespace {

constexpr std::size_t nonce_size = 12;
constexpr std::size_t tag_size = 16;
// The header without its trailing colon is the additional authenticated data: a value cannot
// be relabelled as another version without failing authentication.
constexpr std::string_view aad = sealed_v1_prefix.substr(0, sealed_v1_prefix.size() - 1);

struct ctx_free {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, ctx_free>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

int length(std::size_t n) { return static_cast<int>(n); }

}  // namespace

bool looks_sealed(std::string_view text) noexcept { return text.starts_with(sealed_prefix); }

boost::system::result<std::string> seal(const master_key& key, std::string_view plaintext) {
    std::string payload(nonce_size + plaintext.size() + tag_size, '\0');
    auto* nonce = bytes(payload);
    auto* body = nonce + nonce_size;
    auto* tag = body + plaintext.size();
    const cipher_ctx ctx{EVP_CIPHER_CTX_new()};
    int n = 0;
    int tail = 0;
    const bool ok = ctx && RAND_bytes(nonce, length(nonce_size)) == 1 &&
                    EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
                    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, length(nonce_size), nullptr) == 1 &&
                    EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes().data(), nonce) == 1 &&
                    EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(aad), length(aad.size())) == 1 &&
                    EVP_EncryptUpdate(ctx.get(), body, &n, bytes(plaintext), length(plaintext.size())) == 1 &&
                    EVP_EncryptFinal_ex(ctx.get(), body + n, &tail) == 1 &&
                    static_cast<std::size_t>(n + tail) == plaintext.size() &&
                    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, length(tag_size), tag) == 1;
    if (!ok) {
        OPENSSL_cleanse(payload.data(), payload.size());
        return make_error_code(errc::crypto_failure);
    }
    return std::string{sealed_v1_prefix} + detail::base64_encode(payload);
}

boost::system::result<std::string> open(const master_key& key, std::string_view sealed) {
    if (!looks_sealed(sealed)) {
        return make_error_code(errc::not_sealed);
    }
    if (!sealed.starts_with(sealed_v1_prefix)) {
        return make_error_code(errc::unsupported_version);
    }
    auto payload = detail::base64_decode(sealed.substr(sealed_v1_prefix.size()));
    if (!payload || payload->size() < nonce_size + tag_size) {
        return make_error_code(errc::malformed);
    }
    const std::string_view all{*payload};
    const auto nonce = all.substr(0, nonce_size);
    const auto body = all.substr(nonce_size, all.size() - nonce_size - tag_size);
    std::string tag{all.substr(all.size() - tag_size)};
    std::string plaintext(body.size(), '\0');
    const cipher_ctx ctx{EVP_CIPHER_CTX_new()};
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, length(nonce_size), nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes().data(), bytes(nonce)) != 1) {
        return make_error_code(errc::crypto_failure);
    }
    int n = 0;
    int tail = 0;
    // Nothing decrypted is returned unless the tag verifies in EVP_DecryptFinal_ex.
    const bool ok = EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(aad), length(aad.size())) == 1 &&
                    EVP_DecryptUpdate(ctx.get(), bytes(plaintext), &n, bytes(body), length(body.size())) == 1 &&
                    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, length(tag_size), tag.data()) == 1 &&
                    EVP_DecryptFinal_ex(ctx.get(), bytes(plaintext) + n, &tail) == 1;
    if (!ok) {
        OPENSSL_cleanse(plaintext.data(), plaintext.size());
        return make_error_code(errc::authentication_failed);
    }
    plaintext.resize(static_cast<std::size_t>(n + tail));
    return plaintext;
}

}  // namespace tradebot::secrets
