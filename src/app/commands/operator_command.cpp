#include "app/commands/operator_command.hpp"

#include <chrono>
#include <iostream>
#include <optional>

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <prometheus/registry.h>

#include "app/option_mapping.hpp"
#include "app/trading_runtime.hpp"
#include "tradebot/app/process_lock.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/db/event_log.hpp"

namespace tradebot::app::commands {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// How long a command waits for the daemon's answer (a close --all waits for every fill).
constexpr std::chrono::seconds control_timeout{120};
// How long the one-shot path waits for its trading runtime to drain after the action.
constexpr std::chrono::seconds drain_limit{15};

json::object failure(const operator_request& r, std::string via, std::string error) {
    return json::object{{"action", r.action}, {"via", std::move(via)}, {"ok", false}, {"error", std::move(error)}};
}

asio::awaitable<void> direct(asio::io_context& io, trading_runtime& rt, db::database& database,
                             const operator_request& request, json::object& out) {
    auto migrated = co_await database.migrate();
    if (!migrated) {
        out = failure(request, "direct", "database: " + migrated.error().describe());
        co_return;
    }
    const bool ready = co_await rt.prepare();
    if (!ready) {
        out = failure(request, "direct", "a venue could not be loaded (instruments or positions); see the log above");
    } else {
        auto copy = request;
        std::string via = "direct";  // named: no temporaries in a co_await (GCC 12)
        out = co_await perform(rt, std::move(copy), std::move(via));
    }
    // Stop and drain: the last audit flush happens here, so the rows of this command are written.
    rt.stop();
    asio::steady_timer poll{co_await asio::this_coro::executor};
    const auto deadline = std::chrono::steady_clock::now() + drain_limit;
    while (!rt.idle() && std::chrono::steady_clock::now() < deadline) {
        poll.expires_after(std::chrono::milliseconds{20});
        boost::system::error_code ec;
        co_await poll.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    io.stop();
}

asio::awaitable<void> flush_once(db::event_log& log, bool& done, std::string& why) {
    auto written = co_await log.flush();
    done = written && *written == 1;
    if (!written) {
        why = written.error().describe();
    }
}

}  // namespace

bool confirmed(const std::string& question, const command_line& cl, std::ostream& err) {
    if (cl.op.yes) {
        return true;
    }
    if (::isatty(STDIN_FILENO) == 0) {
        err << "tradebot: " << question << "\ntradebot: refusing without --yes: stdin is not a terminal\n";
        return false;
    }
    err << question << " [y/N] " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) {
        return false;
    }
    return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES";
}

json::object run_direct(const config::settings& s, const operator_request& request) {
    asio::io_context io;
    auto strand = asio::make_strand(io);
    core::system_clock clock;
    prometheus::Registry registry;
    db::database database{database_options(s, "tradebot-cli")};
    json::object out;
    {
        trading_runtime rt{io, strand, s, clock, database, registry};
        if (auto error = rt.build()) {
            database.stop();
            return failure(request, "direct", *error);
        }
        asio::co_spawn(strand, direct(io, rt, database, request, out), [&out, &request](const std::exception_ptr& e) {
            if (e) {
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                    out = failure(request, "direct", ex.what());
                }
            }
        });
        io.run();
    }
    database.stop();
    return out;
}

bool write_audit(const config::settings& s, std::string type, std::string message,
                 std::vector<std::pair<std::string, std::string>> data, std::string& error) {
    db::database database{database_options(s, "tradebot-cli")};
    db::event_log log{database};
    db::event_record e;
    e.type = std::move(type);
    e.severity = db::event_severity::warning;
    e.message = std::move(message);
    e.data = std::move(data);
    e.data.emplace_back("source", "operator");
    log.append(std::move(e));
    asio::io_context io;
    bool ok = false;
    asio::co_spawn(io, flush_once(log, ok, error), asio::detached);
    io.run();
    database.stop();
    return ok;
}

int run_operator(const config::settings& s, const command_line& cl, operator_request request,
                 const std::optional<std::string>& question, const renderer& render, std::ostream& out,
                 std::ostream& err) {
    if (question && !confirmed(*question, cl, err)) {
        err << "tradebot: not confirmed; nothing was done\n";
        return exit_not_confirmed;
    }
    json::object answer;
    const auto holder = process_lock::holder_pid(s.app.pid_file);
    if (holder) {
        if (!s.control.enabled || s.control.token.empty()) {
            err << "tradebot: a tradebot instance is running (pid " << *holder
                << ") and its control endpoint is off: set control.token (TRADEBOT_CONTROL_TOKEN) for both, or stop it "
                   "first ('tradebot shutdown')\n";
            return exit_no_control;
        }
        const auto host = control_host(s);
        const auto reply = post_control(host, s.control.port, s.control.token, "/v1/command",
                                        json::serialize(to_json(request)), control_timeout);
        if (!reply.error.empty()) {
            err << "tradebot: a tradebot instance is running (pid " << *holder << ") but its control endpoint "
                << host << ':' << s.control.port << " did not answer: " << reply.error << '\n';
            return exit_no_control;
        }
        if (reply.status == 401) {
            err << "tradebot: the running instance (pid " << *holder
                << ") refused the control token: control.token differs from the daemon's\n";
            return exit_no_control;
        }
        boost::system::error_code ec;
        auto parsed = json::parse(reply.body, ec);
        if (ec || !parsed.is_object()) {
            err << "tradebot: the control endpoint answered " << reply.status << " without a JSON object\n";
            return exit_no_control;
        }
        answer = std::move(parsed.as_object());
    } else {
        auto lock = process_lock::acquire(s.app.pid_file);
        if (!lock) {
            err << "tradebot: cannot take the instance lock " << s.app.pid_file.string() << " ("
                << lock.error().message() << "); a daemon may have started meanwhile: run the command again\n";
            return exit_no_control;
        }
        answer = run_direct(s, request);
    }
    if (cl.json) {
        out << json::serialize(answer) << '\n';
    } else {
        render(answer, out);
        if (const auto* e = answer.if_contains("error"); e != nullptr && e->is_string()) {
            err << "tradebot: " << e->as_string() << '\n';
        }
    }
    const auto* ok = answer.if_contains("ok");
    return ok != nullptr && ok->is_bool() && ok->as_bool() ? exit_ok : exit_failed;
}

}  // namespace tradebot::app::commands
