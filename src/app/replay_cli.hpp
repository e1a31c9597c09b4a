#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <boost/program_options/variables_map.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/decimal.hpp"

// What `tradebot backtest` and `tradebot simulate` share on the command line. `command` names the
// command in the messages ("backtest").
namespace tradebot::app::replay_cli {

[[nodiscard]] bool known_key(const std::string& key);

// The configuration in `dir` with `overrides` (environment names) over the files; errors printed.
[[nodiscard]] std::optional<config::settings> load_settings(const std::string& dir,
                                                            const std::map<std::string, std::string>& overrides,
                                                            std::string_view command, const std::string& what,
                                                            std::ostream& err);

// `--set KEY=VALUE` words into `overrides`; false (message printed) on a malformed or unknown key.
[[nodiscard]] bool add_sets(const boost::program_options::variables_map& vm, std::string_view command,
                            std::map<std::string, std::string>& overrides, std::ostream& err);

[[nodiscard]] bool write_file(const std::filesystem::path& p, const std::string& text, std::string_view command,
                              std::ostream& err);

// Option `name` as a non-negative decimal; nullopt (message printed) otherwise.
[[nodiscard]] std::optional<core::decimal> non_negative(const boost::program_options::variables_map& vm, const char* name,
                                                        std::string_view command, std::ostream& err);

}  // namespace tradebot::app::replay_cli
