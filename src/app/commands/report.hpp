#pragma once

#include <iosfwd>

#include "tradebot/app/cli.hpp"
#include "tradebot/config/settings.hpp"

namespace tradebot::app::commands {

// `tradebot report`: the performance of the closed positions of app.mode (from positions and
// their fills in trades), as text, JSON, CSV or a self-contained HTML page. Reads only: no
// instance lock, no write, safe beside a running daemon. 0 written, 1 database or file error,
// 2 usage error.
[[nodiscard]] int run_report(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err);

}  // namespace tradebot::app::commands
