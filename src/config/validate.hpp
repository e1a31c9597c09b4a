#pragma once

#include <map>
#include <string>

#include "config/raw_value.hpp"
#include "tradebot/config/settings.hpp"

namespace tradebot::config::detail {

// Fills exchange URLs that were not given from the chosen endpoint, then checks the rules that
// involve more than one key (leverage within max_leverage, keys present in production, ...).
// `values` says which keys were set and where, so errors point at the line that caused them.
void resolve_and_validate(settings& s, const std::map<std::string, raw_value>& values, error_sink& sink);

}  // namespace tradebot::config::detail
