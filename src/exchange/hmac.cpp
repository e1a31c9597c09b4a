#include "tradebot/exchange/hmac.hpp"

#include <array>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace tradebot::exchange {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_len = 0;
    // OpenSSL wants a non-null key pointer even for an empty key.
    static constexpr unsigned char empty_key = 0;
    const void* key_ptr = key.empty() ? static_cast<const void*>(&empty_key) : static_cast<const void*>(key.data());
    const auto* data_ptr = reinterpret_cast<const unsigned char*>(message.data());
    if (HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()), data_ptr, message.size(), digest.data(),
             &digest_len) == nullptr) {
        // Only an allocation failure inside OpenSSL gets here.
        throw std::runtime_error{"HMAC-SHA256 failed"};
    }
    static constexpr std::string_view hex = "0123456789abcdef";
    std::string out;
    out.reserve(static_cast<std::size_t>(digest_len) * 2);
    for (unsigned int i = 0; i < digest_len; ++i) {
        out.push_back(hex[digest[i] >> 4U]);
        out.push_back(hex[digest[i] & 0x0FU]);
    }
    return out;
}

}  // namespace tradebot::exchange
