#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <functional>

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>

#include "tradebot/backtest/runner.hpp"
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

// The options both commands take for the replay: --config, --set, --intrabar, --balance,
// --slippage-bps, --maker-fee, --taker-fee, --log-level, --quiet.
void add_replay_options(boost::program_options::options_description& o);

// The configuration: the files in --config, the environment, then --set, mode forced to test.
// Nullopt (message printed) on a bad --set or a configuration error.
[[nodiscard]] std::optional<config::settings> settings_from(const boost::program_options::variables_map& vm,
                                                            const std::map<std::string, std::string>& env,
                                                            std::string_view command, std::ostream& err,
                                                            std::map<std::string, std::string>* overrides_out = nullptr);

// run_options from the replay options (the taker fee defaults to trading.commission_percent / 100);
// nullopt (message printed) on a bad value.
[[nodiscard]] std::optional<backtest::run_options> run_options_from(const boost::program_options::variables_map& vm,
                                                                    const config::settings& settings,
                                                                    std::string_view command, std::ostream& err);

// The trading core's log on stderr at --log-level, without the configured file.
void start_logging(const boost::program_options::variables_map& vm, const config::settings& settings);

// The progress line on `err` ("backtest: 10/20 minutes (50 %)"): in place on a terminal, a line per
// 10 % otherwise; empty with --quiet.
[[nodiscard]] std::function<void(std::size_t, std::size_t)> progress_line(const boost::program_options::variables_map& vm,
                                                                          std::ostream& err, std::string_view command,
                                                                          std::string_view unit);

}  // namespace tradebot::app::replay_cli
