#pragma once

#include "tradebot/config/settings.hpp"

namespace tradebot::app {

// Runs the daemon until SIGINT/SIGTERM and returns the process exit code:
// 0 after a clean shutdown, 1 when start-up failed (instance lock held, port in use, ...).
// Logging must already be initialised.
[[nodiscard]] int run_daemon(const config::settings& settings);

}  // namespace tradebot::app
