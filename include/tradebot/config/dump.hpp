#pragma once

#include <string>

#include "tradebot/config/settings.hpp"

namespace tradebot::config {

// The effective configuration as YAML, one key per line in documentation order, loadable again by
// config::load(). API keys, secrets and passwords print as "***" (the password inside
// database.url too); an empty secret prints as "" so a missing key is visible.
[[nodiscard]] std::string dump(const settings& s);

}  // namespace tradebot::config
