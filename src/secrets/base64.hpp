#pragma once

#include <optional>
#include <string>
#include <string_view>

// Standard base64 (RFC 4648 §4, with padding), strict on input: a character outside the
// alphabet, a wrong length or misplaced padding is an error, never skipped.
namespace tradebot::secrets::detail {

[[nodiscard]] std::string base64_encode(std::string_view bytes);
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace tradebot::secrets::detail
