#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace tradebot::app {

// `tradebot simulate ...`: Monte-Carlo over seeded synthetic markets (backtest::run_simulation):
// parses its own options (everything after the word), loads the configuration with the --set
// overrides, runs the paths on --jobs threads and writes simulation.json and simulation.html into
// --output; prints the distribution's summary. Exit codes: 0 done, 1 a report could not be
// written, 2 usage, configuration or input error.
[[nodiscard]] int run_simulate(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                               std::ostream& out, std::ostream& err);

[[nodiscard]] std::string simulate_usage();

}  // namespace tradebot::app
