#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tradebot/core/types.hpp"

namespace tradebot::app {

enum class command : std::uint8_t { run, check, db_migrate, check_instances, help, version, keys };

struct command_line {
    command cmd = command::run;
    std::optional<core::mode> mode;  // overrides app.mode of the config when given
    std::filesystem::path config_dir = "config";
    bool json = false;
    // command::keys only: the words after "keys", parsed by run_keys (keys_command.hpp).
    std::vector<std::string> keys_args;
};

struct cli_result {
    std::optional<command_line> value;
    std::string error;  // set when value is empty: a one-line reason, print with the usage hint
};

// Parses argv (without argv[0]). Never throws; unknown options and commands are errors.
[[nodiscard]] cli_result parse_command_line(const std::vector<std::string>& args);

[[nodiscard]] std::string usage_text();
[[nodiscard]] std::string_view version_string() noexcept;

}  // namespace tradebot::app
