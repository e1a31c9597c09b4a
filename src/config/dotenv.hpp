#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "config/raw_value.hpp"

namespace tradebot::config::detail {

// Reads KEY=VALUE lines ("export KEY=VALUE", '#' comments, single or double quotes) and adds each
// key that `env` does not already have, so the real environment always wins. `origins` records
// the file and line of every added key. A missing file is not an error.
void read_dotenv(const std::filesystem::path& file, std::map<std::string, std::string>& env,
                 std::map<std::string, source_location>& origins, error_sink& sink);

}  // namespace tradebot::config::detail
