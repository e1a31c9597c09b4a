#pragma once

#include <string>
#include <string_view>

namespace tradebot::exchange {

// Lowercase hex of HMAC-SHA256(key, message), as both venues expect it.
[[nodiscard]] std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace tradebot::exchange
