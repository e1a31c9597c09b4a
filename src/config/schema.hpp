#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/raw_value.hpp"
#include "tradebot/config/settings.hpp"

// The table of every configuration key: how to read it into `settings` and how to print it back.
// Loading, environment overrides, unknown-key detection and dump() all walk this one table, so a
// key added here is automatically documented in known_keys(), overridable and dumped.
namespace tradebot::config::detail {

enum class shape : std::uint8_t { scalar, list, map };

// How dump() shows a value: whole secrets become "***", connection strings lose their password.
enum class secrecy : std::uint8_t { none, whole, url_password };

struct field {
    std::string path;
    shape kind = shape::scalar;
    secrecy secret = secrecy::none;
    std::function<void(settings&, const raw_value&, error_sink&)> assign;
    // The value in YAML flow syntax, unredacted.
    std::function<std::string(const settings&)> print;
    // Text fields only: the value itself, unquoted, for redacting a connection string.
    std::function<std::string(const settings&)> text;
};

[[nodiscard]] const std::vector<field>& fields();
[[nodiscard]] const field* find_field(std::string_view path);
// True for "trading", "protection.aged", "exchanges.binance": a mapping that holds keys.
[[nodiscard]] bool is_section(std::string_view path);
// The known key or section closest to `path`, or empty when nothing is close enough.
[[nodiscard]] std::string closest_key(std::string_view path);

// Why a key that was once documented is gone (docs/CONFIG.md "Removed keys"), or empty.
[[nodiscard]] std::string_view removed_key_reason(std::string_view path);

[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

// Module names accepted in logging.modules.
[[nodiscard]] const std::vector<std::string_view>& log_modules();

}  // namespace tradebot::config::detail
