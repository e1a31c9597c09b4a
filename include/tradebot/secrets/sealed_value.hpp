#pragma once

#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "tradebot/secrets/master_key.hpp"

// A secret sealed for storage in a config file: "enc:v1:" followed by the base64 of
// nonce (12 random bytes) | AES-256-GCM ciphertext | tag (16 bytes), with the "enc:v1" header
// as additional authenticated data. Self-describing and versioned: a reader knows from the text
// alone that it is encrypted and with which scheme; altering any byte, the header included, or
// opening with another key fails closed.
namespace tradebot::secrets {

inline constexpr std::string_view sealed_prefix = "enc:";
inline constexpr std::string_view sealed_v1_prefix = "enc:v1:";

// True for any "enc:" text, whatever its version: such a value must be opened, never used as is.
[[nodiscard]] bool looks_sealed(std::string_view text) noexcept;

// A fresh random nonce per call, so sealing the same text twice gives two different values.
[[nodiscard]] boost::system::result<std::string> seal(const master_key& key, std::string_view plaintext);

[[nodiscard]] boost::system::result<std::string> open(const master_key& key, std::string_view sealed);

}  // namespace tradebot::secrets
