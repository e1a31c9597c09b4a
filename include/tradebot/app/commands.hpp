#pragma once

#include <iosfwd>

#include "tradebot/app/cli.hpp"
#include "tradebot/config/settings.hpp"

// The one-shot subcommands. Each writes its result to `out` (tables for people, JSON with
// --json) and returns the process exit code.
namespace tradebot::app {

// Pre-start check: the configuration is valid (it was loaded to get here), PostgreSQL answers,
// and which migrations are pending. 0 when everything is ready to run, 1 otherwise.
[[nodiscard]] int run_check(const config::settings& s, const command_line& cl, std::ostream& out);

// Applies pending migrations and lists them. 0 on success, 1 on failure.
[[nodiscard]] int run_db_migrate(const config::settings& s, std::ostream& out);

// 1 when another process holds the instance lock (naming its pid), 0 when none does.
[[nodiscard]] int run_check_instances(const config::settings& s, const command_line& cl, std::ostream& out);

}  // namespace tradebot::app
