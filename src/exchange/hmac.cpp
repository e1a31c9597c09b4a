#include "tradebot/exchange/hmac.hpp"

#include <array>
#include <memory>
#include <stdexcept>
#include <string>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace tradebot::exchange {
namespace {

// Fetched once per process: the per-call fetch (lock, name lookup) was ~15 % of a signature.
EVP_MAC* hmac_algorithm() {
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) {
        throw std::runtime_error{"HMAC unavailable in OpenSSL"};
    }
    return mac;
}

}  // namespace

struct hmac_sha256_signer::state {
    EVP_MAC_CTX* ctx = nullptr;
    std::string key;  // to tell whether a cached signer fits a key; cleansed on destruction

    state() = default;
    state(const state&) = delete;
    state& operator=(const state&) = delete;
    ~state() {
        EVP_MAC_CTX_free(ctx);
        if (!key.empty()) {
            OPENSSL_cleanse(key.data(), key.size());
        }
    }
};

hmac_sha256_signer::hmac_sha256_signer(std::string_view key) : state_{std::make_unique<state>()} {
    state_->key.assign(key);
    state_->ctx = EVP_MAC_CTX_new(hmac_algorithm());
    if (state_->ctx == nullptr) {
        throw std::runtime_error{"HMAC-SHA256 context allocation failed"};
    }
    char digest[] = "SHA256";
    const std::array<OSSL_PARAM, 2> params{OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                           OSSL_PARAM_construct_end()};
    // OpenSSL wants a non-null key pointer even for an empty key.
    static constexpr unsigned char empty_key = 0;
    const auto* key_ptr = key.empty() ? &empty_key : reinterpret_cast<const unsigned char*>(key.data());
    if (EVP_MAC_init(state_->ctx, key_ptr, key.size(), params.data()) != 1) {
        throw std::runtime_error{"HMAC-SHA256 key setup failed"};
    }
}

hmac_sha256_signer::~hmac_sha256_signer() = default;
hmac_sha256_signer::hmac_sha256_signer(hmac_sha256_signer&&) noexcept = default;
hmac_sha256_signer& hmac_sha256_signer::operator=(hmac_sha256_signer&&) noexcept = default;

bool hmac_sha256_signer::has_key(std::string_view key) const noexcept {
    return state_->key.size() == key.size() &&
           (key.empty() || CRYPTO_memcmp(state_->key.data(), key.data(), key.size()) == 0);
}

std::string hmac_sha256_signer::hex(std::string_view message) {
    // Re-initialising with no key restarts from the already keyed inner/outer state.
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    std::size_t digest_len = 0;
    if (EVP_MAC_init(state_->ctx, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(state_->ctx, reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
        EVP_MAC_final(state_->ctx, digest.data(), &digest_len, digest.size()) != 1) {
        // Only an allocation failure inside OpenSSL gets here.
        throw std::runtime_error{"HMAC-SHA256 failed"};
    }
    static constexpr std::string_view hex_digits = "0123456789abcdef";
    std::string out(digest_len * 2, '\0');
    for (std::size_t i = 0; i < digest_len; ++i) {
        out[2 * i] = hex_digits[digest[i] >> 4U];
        out[2 * i + 1] = hex_digits[digest[i] & 0x0FU];
    }
    return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    // A daemon signs with one secret per venue thread, so the last key's context is nearly always it.
    thread_local std::unique_ptr<hmac_sha256_signer> cached;
    if (!cached || !cached->has_key(key)) {
        cached.reset();
        cached = std::make_unique<hmac_sha256_signer>(key);
    }
    return cached->hex(message);
}

}  // namespace tradebot::exchange
