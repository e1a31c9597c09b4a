#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace tradebot::app {

// `tradebot backtest ...`: parses its own options (everything after the word), loads the
// configuration with the --set overrides, replays the history (backtest::run) and writes
// backtest.json, backtest-trades.csv and backtest.html into --out. Exit codes: 0 done, 1 the run
// failed, 2 usage, configuration or input error (the message names the file and line).
[[nodiscard]] int run_backtest(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                               std::ostream& out, std::ostream& err);

[[nodiscard]] std::string backtest_usage();

}  // namespace tradebot::app
