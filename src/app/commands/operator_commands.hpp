#pragma once

#include <iosfwd>

#include "tradebot/app/cli.hpp"
#include "tradebot/config/settings.hpp"

// The operator's mutating commands, one file each in this folder. Each prints its result to `out`
// (text, or the answer object with --json), explains failures on `err` and returns the exit code
// (operator_command.hpp: 0 done, 1 failed, 2 usage, 3 not confirmed, 4 daemon not reachable).
namespace tradebot::app::commands {

[[nodiscard]] int run_close(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err);
[[nodiscard]] int run_protect(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err);
[[nodiscard]] int run_sync(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err);
[[nodiscard]] int run_orders_zombies(const config::settings& s, const command_line& cl, std::ostream& out,
                                     std::ostream& err);
[[nodiscard]] int run_orders_duplicates(const config::settings& s, const command_line& cl, std::ostream& out,
                                        std::ostream& err);
[[nodiscard]] int run_cleanup(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err);
[[nodiscard]] int run_shutdown(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err);

}  // namespace tradebot::app::commands
