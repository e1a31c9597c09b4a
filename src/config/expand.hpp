#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tradebot::config::detail {

// Replaces ${NAME} with env[NAME] and ${NAME:-fallback} with env[NAME] when set and non-empty,
// otherwise the fallback. "$${" stays a literal "${"; a '$' not followed by '{' is kept.
// ${NAME} with NAME unset is an error (set `error` and return nullopt), so a forgotten secret
// cannot silently become an empty string.
[[nodiscard]] std::optional<std::string> expand(std::string_view text, const std::map<std::string, std::string>& env,
                                                std::string& error);

[[nodiscard]] bool is_variable_name(std::string_view name) noexcept;

}  // namespace tradebot::config::detail
