#pragma once

#include <map>
#include <string>

#include "config/raw_value.hpp"

namespace tradebot::config::detail {

// Replaces every "enc:..." value of a secret key (API keys and secrets, passwords, connection
// URLs; schema.cpp marks them) by its plaintext, opened with the master key from `env`
// (secrets::master_key_from_environment). The key is read only when some value needs it. Any
// failure (no key, bad key file, wrong key, altered value, unknown version, an "enc:" value on a
// key that is not a secret) is an error naming the config key and where the value was written,
// never the value: the configuration fails closed.
void open_sealed_values(std::map<std::string, raw_value>& values, const std::map<std::string, std::string>& env,
                        const std::map<std::string, source_location>& env_origins, error_sink& sink);

}  // namespace tradebot::config::detail
