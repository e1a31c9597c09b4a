#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tradebot/config/settings.hpp"

namespace tradebot::config {

// One problem found while loading. `file` is the YAML or .env file as given (config_dir / name),
// or "environment:NAME" for a process environment variable; line and column are 1-based, 0 when
// unknown. key_path is the dotted key ("trading.position_size_usd"), empty for file-level errors.
struct load_error {
    std::string file;
    int line = 0;
    int column = 0;
    std::string key_path;
    std::string message;

    // "config/tradebot.yaml:12:3: trading.position_size_usd: expected a decimal number, got 'abc'"
    [[nodiscard]] std::string to_string() const;
    bool operator==(const load_error&) const = default;
};

// Either a complete, validated configuration or every error found (never both, never neither).
struct load_result {
    std::optional<settings> value;
    std::vector<load_error> errors;
};

// Builds the effective configuration: defaults < config_dir/{tradebot,exchanges,strategies}.yaml
// < TRADEBOT_<SECTION>_<KEY> environment variables. `env` is the process environment (see
// process_environment()); config_dir/.env adds variables that `env` does not already have.
// tradebot.yaml is required; exchanges.yaml and strategies.yaml are optional.
// Never throws on bad input: every problem is returned in errors.
[[nodiscard]] load_result load(const std::filesystem::path& config_dir,
                               const std::map<std::string, std::string>& env);

// A snapshot of the process environment (environ) as a map.
[[nodiscard]] std::map<std::string, std::string> process_environment();

// The environment variable that overrides a key: "trading.position_size_usd" ->
// "TRADEBOT_TRADING_POSITION_SIZE_USD".
[[nodiscard]] std::string env_name(std::string_view key_path);

// Every key path the loader accepts, in documentation order.
[[nodiscard]] std::vector<std::string> known_keys();

}  // namespace tradebot::config
