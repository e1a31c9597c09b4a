#include "tradebot/sim/wire/hmac.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace tradebot::sim::wire {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    std::size_t len = 0;
    char digest[] = "SHA256";
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(),
                  reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), mac.size(),
                  &len) == nullptr) {
        // Only an OpenSSL without SHA-256 gets here: the simulator cannot check any signature.
        throw std::runtime_error("sim: HMAC-SHA256 is not available from OpenSSL");
    }
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (std::size_t i = 0; i < len; ++i) {
        out.push_back(digits[mac[i] >> 4U]);
        out.push_back(digits[mac[i] & 0x0fU]);
    }
    return out;
}

}  // namespace tradebot::sim::wire
