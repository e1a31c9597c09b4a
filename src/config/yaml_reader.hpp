#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "config/raw_value.hpp"

namespace tradebot::config::detail {

enum class file_status : std::uint8_t { read, missing };

// Parses one YAML file into `values` (key path -> value), expanding ${VAR} in every scalar from
// `env`. Unknown keys, malformed YAML and a key already set by an earlier file are reported to
// `sink`. The only translation unit that sees yaml-cpp.
file_status read_yaml_file(const std::filesystem::path& file, const std::map<std::string, std::string>& env,
                           std::map<std::string, raw_value>& values, error_sink& sink);

}  // namespace tradebot::config::detail
