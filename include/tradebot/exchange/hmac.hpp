#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace tradebot::exchange {

// Lowercase hex of HMAC-SHA256(key, message), as both venues expect it. Keeps one keyed context
// per thread for the last key used, so repeated signing with the same secret neither fetches the
// algorithm nor hashes the key blocks again.
[[nodiscard]] std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// One keyed HMAC-SHA256 context (OpenSSL 3 EVP_MAC): the key is absorbed once, each signature
// starts from that state. Not thread-safe; one per thread or per credentials owner.
class hmac_sha256_signer {
public:
    explicit hmac_sha256_signer(std::string_view key);
    ~hmac_sha256_signer();
    hmac_sha256_signer(hmac_sha256_signer&&) noexcept;
    hmac_sha256_signer& operator=(hmac_sha256_signer&&) noexcept;
    hmac_sha256_signer(const hmac_sha256_signer&) = delete;
    hmac_sha256_signer& operator=(const hmac_sha256_signer&) = delete;

    [[nodiscard]] std::string hex(std::string_view message);
    // True when this signer was keyed with `key` (constant time in the key bytes).
    [[nodiscard]] bool has_key(std::string_view key) const noexcept;

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace tradebot::exchange
