// tradebot shutdown [--timeout S]: SIGTERM to the instance holding the lock, then wait for it to exit.
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ostream>
#include <thread>

#include <boost/json.hpp>

#include "app/commands/operator_command.hpp"
#include "app/commands/operator_commands.hpp"
#include "tradebot/app/process_lock.hpp"

namespace tradebot::app::commands {

namespace {

constexpr int default_timeout_seconds = 30;

}  // namespace

int run_shutdown(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    const auto timeout = std::chrono::seconds{cl.op.timeout_seconds.value_or(default_timeout_seconds)};
    const auto holder = process_lock::holder_pid(s.app.pid_file);
    boost::json::object o{{"action", "shutdown"}, {"via", "signal"}, {"pid_file", s.app.pid_file.string()}};
    const auto finish = [&](bool ok, std::string text) {
        o["ok"] = ok;
        if (cl.json) {
            out << boost::json::serialize(o) << '\n';
        } else {
            (ok ? out : err) << (ok ? "" : "tradebot: ") << text << '\n';
        }
        return ok ? exit_ok : exit_failed;
    };
    if (!holder) {
        o["running"] = false;
        return finish(true, "no tradebot instance is running (lock " + s.app.pid_file.string() + " is free)");
    }
    o["pid"] = *holder;
    std::string audit_error;
    if (!write_audit(s, "operator_command", "shutdown requested",
                     {{"action", "shutdown"}, {"pid", std::to_string(*holder)}}, audit_error)) {
        err << "tradebot: the audit row was not written (" << audit_error << "); stopping anyway\n";
    }
    if (::kill(*holder, SIGTERM) != 0) {
        o["error"] = std::string{"cannot signal pid "} + std::to_string(*holder) + ": " + std::strerror(errno);
        return finish(false, o["error"].as_string().c_str());
    }
    // The lock is the kernel's word that the process is gone (it drops with the last fd).
    const auto started = std::chrono::steady_clock::now();
    while (process_lock::holder_pid(s.app.pid_file)) {
        if (std::chrono::steady_clock::now() - started > timeout) {
            o["error"] = "still running after " + std::to_string(timeout.count()) + " s";
            return finish(false, "pid " + std::to_string(*holder) + " is still running after " +
                                     std::to_string(timeout.count()) + " s (it may be draining; check its log)");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    o["stopped"] = true;
    o["waited_ms"] = waited.count();
    return finish(true, "tradebot (pid " + std::to_string(*holder) + ") stopped after " +
                            std::to_string(waited.count()) + " ms");
}

}  // namespace tradebot::app::commands
