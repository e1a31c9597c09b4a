#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "app/exit_codes.hpp"
#include "app/operator_service.hpp"
#include "tradebot/app/cli.hpp"
#include "tradebot/config/settings.hpp"

// What the operator's mutating commands share: the confirmation, the single-writer choice (the
// running daemon's control endpoint, or the instance lock and a trading runtime of our own), the
// output (--json: the answer object as is) and the exit code.
namespace tradebot::app::commands {

// Operator exit codes (docs/OPERATIONS.md).
using app::exit_failed;
using app::exit_ok;
using app::exit_usage;
inline constexpr int exit_not_confirmed = 3;  // declined, or no TTY and no --yes
inline constexpr int exit_no_control = 4;    // a daemon runs but could not be asked

// Asks `question` on the terminal unless --yes; without a terminal on stdin only --yes proceeds.
[[nodiscard]] bool confirmed(const std::string& question, const command_line& cl, std::ostream& err);

using renderer = std::function<void(const boost::json::object& answer, std::ostream& out)>;

// Runs `request` through the running daemon or, when none runs, under the instance lock on a
// trading runtime of our own; prints the answer (JSON with --json, else `render`) and returns the
// exit code. `question` set: a destructive command, confirmed first.
[[nodiscard]] int run_operator(const config::settings& s, const command_line& cl, operator_request request,
                               const std::optional<std::string>& question, const renderer& render, std::ostream& out,
                               std::ostream& err);

// The one-shot path: migrations, a trading runtime loaded without reconciling (prepare()), the
// action, then a drained stop. The caller holds the instance lock.
[[nodiscard]] boost::json::object run_direct(const config::settings& s, const operator_request& request);

struct control_reply {
    unsigned status = 0;
    std::string body;
    std::string error;  // connection-level failure; status and body are empty then
};

// POSTs `body` to the control endpoint with the bearer token; blocking, bounded by `timeout`.
[[nodiscard]] control_reply post_control(const std::string& host, int port, const std::string& token,
                                         const std::string& path, const std::string& body,
                                         std::chrono::seconds timeout);

// GETs `path` from an HTTP server on host:port (the daemon's /status); no token.
[[nodiscard]] control_reply get_http(const std::string& host, int port, const std::string& path,
                                     std::chrono::seconds timeout);

// The address a client reaches the endpoint on: a wildcard bind is reached on loopback.
[[nodiscard]] std::string control_host(const config::settings& s);

// Writes one audit row straight to the database (commands that run no trading runtime).
[[nodiscard]] bool write_audit(const config::settings& s, std::string type, std::string message,
                               std::vector<std::pair<std::string, std::string>> data, std::string& error);

}  // namespace tradebot::app::commands
