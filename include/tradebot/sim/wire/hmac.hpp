#pragma once

#include <string>
#include <string_view>

namespace tradebot::sim::wire {

// Lowercase hex of HMAC-SHA256(key, message). The simulator checks signatures with its own
// one-shot OpenSSL call instead of the client's signer (src/exchange), so a mistake in the client's
// signing can never be mirrored by the simulator that is meant to catch it.
[[nodiscard]] std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace tradebot::sim::wire
