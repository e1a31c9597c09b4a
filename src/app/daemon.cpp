#include "tradebot/app/daemon.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "app/daemon_components.hpp"
#include "app/operator_service.hpp"
#include "tradebot/app/cli.hpp"
#include "tradebot/app/process_lock.hpp"
#include "tradebot/app/service_notifier.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/secret.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/net/backoff.hpp"

namespace tradebot::app {
namespace asio = boost::asio;
using logging::kv;

namespace {

// The exit code of a daemon that lost the instance lease: it stopped trading and drained, and its
// supervisor (systemd Restart=on-failure) starts it again, as a standby (EX_TEMPFAIL).
constexpr int exit_lease_lost = 75;

// The process around the daemon's components: start-up (migrations, the instance lease), the
// role (active or standby, a take-over, a lost lease), readiness, SIGINT/SIGTERM and the drain.
class daemon {
public:
    explicit daemon(const config::settings& s)
        : settings_{s},
          log_{logging::get("app")},
          parts_{s, daemon_components::hooks{
                        .database_state = [this](db::connection_state st,
                                                 std::string_view detail) { on_db_state(st, detail); },
                        .listener_state = [this](db::listener_state st,
                                                 std::string_view detail) { on_listener_state(st, detail); },
                        .lease = lease_keeper::hooks{[this](std::int64_t) { on_promoted(); },
                                                     [this](std::string_view reason) { on_demoted(reason); }},
                        .control = [this](net::http_request r) { return on_control(std::move(r)); }}},
          signals_{parts_.io, SIGINT, SIGTERM},
          retry_timer_{parts_.strand},
          deadline_{parts_.io} {}

    int run() {
        if (auto error = parts_.runtime.build()) {
            logging::error(log_, "cannot set up trading", kv("error", *error));
            return 1;
        }
        if (!parts_.open_endpoints(settings_, log_)) {
            return 1;
        }
        const auto ep = parts_.http.local_endpoint();
        const auto http_at = settings_.http.enabled ? ep.address + ":" + std::to_string(ep.port) : std::string{"off"};
        logging::info(log_, "tradebot started", kv("version", version_string()),
                      kv("mode", core::to_string(settings_.app.mode)), kv("pid", static_cast<int>(::getpid())),
                      kv("instance", parts_.instance), kv("http", http_at), kv("db", parts_.database.redacted_url()));
        parts_.health.set("db", monitoring::component_state::degraded, "connecting");
        parts_.health.set("signals.listener", monitoring::component_state::degraded, "connecting");
        parts_.health.set("trading", monitoring::component_state::degraded, "reconciling");
        asio::dispatch(parts_.strand, [this] { parts_.health_feed.start(); });

        signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
            if (!ec) {
                begin_shutdown(signo == SIGINT ? "SIGINT" : "SIGTERM");
            }
        });
        parts_.database.start();
        parts_.lease_db.start();
        if (const auto every = notifier_.watchdog_interval()) {
            logging::info(log_, "systemd watchdog on", kv("interval_ms",
                          std::chrono::duration_cast<std::chrono::milliseconds>(*every).count()));
            asio::dispatch(parts_.strand, [this] { feed_watchdog(); });
        }
        asio::co_spawn(parts_.strand, start_up(), [this](const std::exception_ptr& e) { task_done("start-up", e); });

        std::vector<std::thread> extra;
        for (int i = 1; i < std::max(1, settings_.app.threads); ++i) {
            extra.emplace_back([this] { parts_.io.run(); });
        }
        parts_.io.run();
        for (auto& t : extra) {
            t.join();
        }
        if (deadline_hit_ && exit_code_ == exit_lease_lost) {
            // Cut off from the database: the DB threads may sit in a read on a dead connection
            // until TCP keepalive gives up (a minute). The lease is gone and nothing of ours can
            // commit any more, so exit now and let the supervisor start a standby.
            logging::warn(log_, "tradebot stopped without waiting for the database", kv("clean", false));
            logging::shutdown();
            std::_Exit(exit_lease_lost);
        }
        // The io_context is drained (or past the deadline); the DB thread finishes its queue now.
        parts_.stop_databases();
        logging::info(log_, "tradebot stopped", kv("clean", !deadline_hit_));
        return exit_code_;
    }

private:
    // Migrations, then LISTEN; /ready turns true once both are done. A database that is not up
    // yet is waited for (with back-off) rather than failing the start: systemd would only restart us.
    asio::awaitable<void> start_up() {
        net::backoff delay{settings_.database.reconnect_backoff_min_ms, settings_.database.reconnect_backoff_max_ms};
        while (!stopping_) {
            auto applied = co_await parts_.database.migrate();
            if (applied) {
                for (const auto& m : *applied) {
                    logging::info(log_, "migration applied", kv("version", m.version), kv("name", m.name));
                }
                break;
            }
            const auto wait = delay.next();
            logging::warn(log_, "database migration failed, retrying", kv("error", applied.error().describe()),
                          kv("retry_ms", wait.count()));
            notifier_.status("waiting for PostgreSQL (migrations), retrying in " + std::to_string(wait.count()) + " ms");
            retry_timer_.expires_after(wait);
            co_await retry_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        if (stopping_) {
            co_return;
        }
        migrated_ = true;
        // Only the holder of the instance lease trades; a lone instance gets it at once.
        const bool active = co_await parts_.lease.first_attempt();
        parts_.lease.start();
        if (!active && !stopping_) {
            parts_.health.set("trading", monitoring::component_state::ok, "standby: market streams warm, not trading");
            co_await parts_.runtime.warm();
            // systemd hears READY=1 from a standby too (it is up and doing its job); /ready stays 503.
            notifier_.ready("standby: another instance holds the lease");
            post_started("standing by: another instance holds the lease; market streams warm, not trading");
        }
        starting_ = false;
        if (parts_.lease.role() == instance_role::active && !stopping_) {
            co_await go_active();
        }
    }

    // The lease is ours: the start-up reconciliation (which also settles what a previous holder
    // left in flight), then the signals.
    asio::awaitable<void> go_active() {
        if (activating_ || stopping_) {
            co_return;
        }
        activating_ = true;
        parts_.health.set("trading", monitoring::component_state::degraded, "reconciling");
        if (notifier_.ready_sent()) {
            notifier_.status("active: reconciling");  // a standby taking over; before READY=1 only WATCHDOG=1 goes out
        }
        // Rule 5: a venue's positions, orders and stops are reconciled before any of its signals
        // is taken. Each venue on its own (issue 19, C3): one whose reconciliation waits (Bybit's
        // 403 ban lasts ten minutes) holds neither the other venue's start nor its signals.
        parts_.runtime.start_each([this](core::exchange_id venue) { on_venue_ready(venue); });
    }

    // On the strand, as each venue's start-up reconciliation finishes.
    void on_venue_ready(core::exchange_id venue) {
        if (stopping_) {
            return;
        }
        const auto waiting = parts_.runtime.not_started();
        logging::info(log_, "venue reconciled, taking its signals", kv("exchange", core::to_string(venue)),
                      kv("still_reconciling", waiting.empty() ? std::string{"none"} : waiting));
        if (parts_.runtime.all_started()) {
            trading_ready_ = true;
            parts_.health.set("trading", monitoring::component_state::ok, "reconciled");
        } else {
            parts_.health.set("trading", monitoring::component_state::degraded, "reconciling " + waiting);
        }
        if (!signals_started_) {
            signals_started_ = true;
            asio::co_spawn(parts_.strand, begin_signals(),
                           [this](const std::exception_ptr& e) { task_done("signals", e); });
            return;
        }
        update_readiness();
        if (trading_ready_ && notifier_.ready_sent()) {
            notifier_.status("active: reconciled, taking signals");
        }
    }

    // Once the first venue is reconciled: the claims stopped instances left, then the signals.
    asio::awaitable<void> begin_signals() {
        // After the reconciliation, which has settled the entries a stopped instance left (a claim
        // whose entry row a venue still reconciling has not settled is left for later).
        co_await parts_.processor.recover_claims();
        if (stopping_) {
            co_return;
        }
        parts_.start_signals();
        if (!parts_.processor.immediate()) {
            waves_running_ = true;
            asio::co_spawn(parts_.strand, parts_.processor.run_waves(), [this](const std::exception_ptr& e) {
                waves_running_ = false;
                task_done("waves", e);
            });
        }
        update_readiness();
        if (trading_ready_ && notifier_.ready_sent()) {
            notifier_.status("active: reconciled, taking signals");
        }
    }

    // A standby's keeper took the lease: take over (on the strand).
    void on_promoted() {
        if (starting_ || stopping_) {
            return;  // start_up() looks at the role itself once its warm-up is done
        }
        logging::info(log_, "taking over: reconciling before trading", kv("instance", parts_.instance));
        asio::co_spawn(parts_.strand, go_active(), [this](const std::exception_ptr& e) { task_done("take-over", e); });
    }

    // The lease is lost (or could not be renewed in time): stop trading now; the drain runs as
    // in a shutdown, and the process exits for its supervisor to restart it as a standby.
    void on_demoted(std::string_view reason) {
        parts_.health.set("trading", monitoring::component_state::failed,
                          "instance lease lost (" + std::string{reason} + ")");
        if (stopping_) {
            return;
        }
        exit_code_ = exit_lease_lost;
        begin_shutdown("instance lease lost");
    }

    // An operator command from the control endpoint (token already checked): it runs on the
    // trading strand, after the start-up reconciliation and never during a shutdown.
    asio::awaitable<net::http_response> on_control(net::http_request request) {
        const command_runner on_strand = [this](operator_request op) {
            return asio::co_spawn(parts_.strand, run_operator(std::move(op)), asio::use_awaitable);
        };
        auto answer = answer_control(std::move(request), on_strand);
        co_return co_await std::move(answer);
    }

    asio::awaitable<boost::json::object> run_operator(operator_request op) {
        if (stopping_ || !trading_ready_ || parts_.lease.role() != instance_role::active) {
            std::string why = "the daemon has not finished its start-up reconciliation";
            if (stopping_) {
                why = "the daemon is shutting down";
            } else if (parts_.lease.role() != instance_role::active) {
                why = "this instance is a standby: run the command on the active instance's host";
            }
            boost::json::object refused{{"action", op.action}, {"via", "daemon"}, {"ok", false}, {"not_ready", true},
                                        {"error", why}};
            co_return refused;
        }
        std::string via = "daemon";
        auto done = co_await perform(parts_.runtime, std::move(op), std::move(via));
        co_return done;
    }

    void on_db_state(db::connection_state st, std::string_view detail) {
        // Runs on the DB thread; health is thread-safe.
        parts_.health.set("db",
                          st == db::connection_state::connected ? monitoring::component_state::ok
                                                                 : monitoring::component_state::degraded,
                          std::string{detail.empty() ? db::to_string(st) : detail});
        parts_.webhook.database_state(st == db::connection_state::connected,
                                      std::string{detail.empty() ? db::to_string(st) : detail});
        if (st == db::connection_state::stopped) {
            return;
        }
        // The trading core learns of an outage and of the way back (a crash of the server may
        // have lost rows committed asynchronously: the book is reloaded from the rows).
        asio::post(parts_.strand, [this, connected = st == db::connection_state::connected] {
            parts_.runtime.database_state(connected);
        });
    }

    void on_listener_state(db::listener_state st, std::string_view detail) {
        const bool listening = st == db::listener_state::listening;
        parts_.health.set("signals.listener",
                          listening ? monitoring::component_state::ok : monitoring::component_state::degraded,
                          std::string{detail.empty() ? db::to_string(st) : detail});
        if (listening) {
            // NOTIFYs sent while we were not listening are lost: catch up from the table.
            parts_.intake.catch_up();
        }
        update_readiness();
    }

    // On the strand. systemd hears READY=1 only once /ready answers 200, so that a unit ordered
    // After=tradebot.service starts against a reconciled book.
    void update_readiness() {
        const bool ready = migrated_ && trading_ready_ && !stopping_ && parts_.lease.role() == instance_role::active &&
                           parts_.listener.state() == db::listener_state::listening;
        parts_.health.set_ready(ready);
        if (ready && !announced_active_) {
            announced_active_ = true;
            post_started(notifier_.ready_sent() ? "took over as the active instance: reconciled, taking signals"
                                                : "reconciled, taking signals");
        }
        if (ready && !notifier_.ready_sent()) {
            notifier_.ready("reconciled, taking signals");
            if (notifier_.enabled()) {
                logging::info(log_, "systemd notified", kv("state", "READY"));
            }
        }
    }

    // The startup alert: the operator hears that the daemon (re)started and in which role.
    void post_started(const std::string& what) {
        parts_.webhook.post(alerts::alert{.kind = alerts::alert_kind::startup,
                                          .text = "started (version " + std::string{version_string()} + ", instance " +
                                                  parts_.instance + "): " + what,
                                          .ts = parts_.clock.now()});
    }

    // WATCHDOG=1 from a timer on the trading strand: a strand that stops turning (a blocking call,
    // a busy loop) stops the pings, and systemd restarts the service after WATCHDOG_USEC.
    void feed_watchdog() {
        notifier_.watchdog();
        watchdog_timer_.expires_after(*notifier_.watchdog_interval());
        watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) {
                feed_watchdog();
            }
        });
    }

    void begin_shutdown(std::string_view why) {
        asio::dispatch(parts_.strand, [this, why = std::string{why}] {
            if (stopping_) {
                return;
            }
            stopping_ = true;
            parts_.health.set_ready(false);
            // The watchdog keeps being fed while the drain runs (bounded by the deadline).
            notifier_.stopping("draining in-flight work");
            logging::info(log_, "shutdown requested", kv("reason", why),
                          kv("deadline_s", settings_.app.shutdown_deadline_seconds.count()));
            parts_.webhook.post(alerts::alert{
                .kind = alerts::alert_kind::shutdown,
                .text = "shutdown requested (" + std::string{why} + "): no new entries; open positions stay under their exchange stops",
                .ts = parts_.clock.now()});
            parts_.webhook.close(settings_.app.shutdown_deadline_seconds);
            parts_.stop_work();
            signals_.cancel();
            retry_timer_.cancel();
            // The lease keeps being renewed while the work in flight drains (its writes must
            // still commit); wait_trading_idle() stops the keeper and releases it.
            deadline_.expires_after(settings_.app.shutdown_deadline_seconds);
            deadline_.async_wait([this](const boost::system::error_code& ec) {
                if (!ec) {
                    deadline_hit_ = true;
                    logging::warn(log_, "shutdown deadline reached, abandoning in-flight work");
                    parts_.io.stop();
                }
            });
            parts_.intake.when_idle([this] { wait_trading_idle(); });
        });
    }

    // Positions stay under their exchange stops; only the work in flight is waited for.
    void wait_trading_idle() {
        if (parts_.idle() && !waves_running_) {
            // Drained: hand the lease on at once instead of letting a standby wait out its duration.
            parts_.lease.stop();
            asio::co_spawn(parts_.strand, parts_.lease.release(), [this](const std::exception_ptr&) {
                deadline_.cancel();
                watchdog_timer_.cancel();
            });
            return;
        }
        idle_poll_.expires_after(std::chrono::milliseconds{20});
        idle_poll_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) {
                wait_trading_idle();
            }
        });
    }

    void task_done(std::string_view task, const std::exception_ptr& e) {
        if (!e) {
            return;
        }
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            logging::critical(log_, "task failed", kv("task", task), kv("error", ex.what()));
        }
        exit_code_ = 1;
        begin_shutdown("task failed");
    }

    const config::settings& settings_;
    std::shared_ptr<spdlog::logger> log_;
    daemon_components parts_;
    asio::signal_set signals_;
    asio::steady_timer retry_timer_;  // between start-up migration attempts
    asio::steady_timer deadline_;     // bounds the shutdown drain
    asio::steady_timer idle_poll_{parts_.strand};  // waits for the trading work in flight at shutdown
    service_notifier notifier_{service_notifier::from_environment()};  // strand only
    asio::steady_timer watchdog_timer_{parts_.strand};
    bool stopping_ = false;
    bool migrated_ = false;
    bool starting_ = true;     // start_up() has not yet looked at the role after its warm-up
    bool activating_ = false;  // go_active() ran
    bool trading_ready_ = false;   // every venue reconciled
    bool signals_started_ = false;  // the first venue reconciled: signals are read
    bool announced_active_ = false;  // the startup alert for the active role went out
    bool waves_running_ = false;
    bool deadline_hit_ = false;
    int exit_code_ = 0;
};

}  // namespace

int run_daemon(const config::settings& settings) {
    auto log = logging::get("app");
    std::optional<process_lock> lock;
    if (settings.app.single_instance) {
        auto acquired = process_lock::acquire(settings.app.pid_file);
        if (!acquired) {
            const auto holder = process_lock::holder_pid(settings.app.pid_file);
            logging::error(log, "another tradebot instance is running", kv("pid", holder.value_or(0)),
                           kv("pid_file", settings.app.pid_file.string()), kv("error", acquired.error().message()));
            return 1;
        }
        lock.emplace(std::move(*acquired));
    }
    if (!settings.control.token.empty()) {
        // Redacted from every log line, should anything ever print it.
        logging::register_secret(settings.control.token);
    }
    if (!settings.alerts.webhook.url.empty()) {
        // A Telegram URL holds the bot token, a Discord one the webhook's token.
        logging::register_secret(settings.alerts.webhook.url);
    }
    daemon d{settings};
    return d.run();
}

}  // namespace tradebot::app
