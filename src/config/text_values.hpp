#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Conversions from configuration text to values, and the YAML spelling of values.
namespace tradebot::config::detail {

[[nodiscard]] std::optional<std::int64_t> parse_integer(std::string_view text) noexcept;
// true/false, yes/no, on/off, 1/0 in any case.
[[nodiscard]] std::optional<bool> parse_boolean(std::string_view text) noexcept;
[[nodiscard]] std::string_view trim(std::string_view text) noexcept;
// "a, b,c" -> {"a","b","c"}; an empty or blank text is an empty list.
[[nodiscard]] std::vector<std::string> split_list(std::string_view text);
// A YAML double-quoted scalar.
[[nodiscard]] std::string quote(std::string_view text);

}  // namespace tradebot::config::detail
