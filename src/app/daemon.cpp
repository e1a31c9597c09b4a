#include "tradebot/app/daemon.hpp"

#include <array>
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
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "app/lease_keeper.hpp"
#include "app/operator_service.hpp"
#include "app/option_mapping.hpp"
#include "app/trading_runtime.hpp"
#include "tradebot/alerts/webhook_notifier.hpp"
#include "tradebot/app/cli.hpp"
#include "tradebot/app/process_lock.hpp"
#include "tradebot/app/service_notifier.hpp"
#include "tradebot/control/server.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/net/backoff.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/instance_lease.hpp"
#include "tradebot/db/listener.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/secret.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/monitoring/health.hpp"
#include "tradebot/monitoring/health_feed.hpp"
#include "tradebot/monitoring/server.hpp"
#include "tradebot/pipeline/signal_intake.hpp"
#include "tradebot/pipeline/signal_metrics.hpp"
#include "tradebot/pipeline/signal_processor.hpp"
#include "tradebot/signals/external_source.hpp"
#include "tradebot/trading/risk_manager.hpp"

namespace tradebot::app {
namespace asio = boost::asio;
using logging::kv;

namespace {

// Unique per process start and host: a restarted process may get the pid of the one it replaces
// (always so as pid 1 in a container), and PostgreSQL keeps at most 63 bytes of application_name.
std::string instance_name() {
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) {
        host[0] = '\0';
    }
    const auto started = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
    auto name = "tradebot-" + std::to_string(::getpid()) + "-" + std::to_string(started) + "@" + host.data();
    name.resize(std::min<std::size_t>(name.size(), 63));
    return name;
}

// "tradebot production@host": names the instance in every webhook alert.
std::string alert_label(const config::settings& s) {
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) {
        host[0] = '\0';
    }
    return "tradebot " + std::string{core::to_string(s.app.mode)} + "@" + host.data();
}

// The exit code of a daemon that lost the instance lease: it stopped trading and drained, and its
// supervisor (systemd Restart=on-failure) starts it again, as a standby (EX_TEMPFAIL).
constexpr int exit_lease_lost = 75;

// The lease's own connection: short timeouts, so a stuck renewal ends well inside the lease.
db::database_options lease_database_options(const config::settings& s, const std::string& instance) {
    auto o = database_options(s, instance);
    o.statement_timeout = s.ha.lease_duration_ms / 2;
    o.reconnect_max = s.ha.renew_interval_ms;
    o.reconnect_min = std::min(o.reconnect_min, s.ha.renew_interval_ms);
    return o;
}

std::string lease_scope(const config::settings& s) {
    return s.ha.scope.empty() ? std::string{core::to_string(s.app.mode)} : s.ha.scope;
}

// Everything the running daemon owns, in construction order; destroyed in reverse.
class daemon {
public:
    explicit daemon(const config::settings& s)
        : settings_{s},
          log_{logging::get("app")},
          io_{std::max(1, s.app.threads)},
          strand_{asio::make_strand(io_)},
          health_{clock_},
          http_{io_, server_options(s, std::string{version_string()}), registry_, health_, clock_},
          instance_{instance_name()},
          database_{database_options(s, instance_),
                    [this](db::connection_state st, std::string_view detail) { on_db_state(st, detail); }},
          lease_db_{lease_database_options(s, instance_)},
          lease_sql_{lease_db_},
          lease_{strand_, clock_, lease_sql_, database_, lease_scope(s), instance_,
                 lease_timing{s.ha.lease_duration_ms, s.ha.renew_interval_ms}, registry_,
                 lease_keeper::hooks{[this](std::int64_t) { on_promoted(); },
                                     [this](std::string_view reason) { on_demoted(reason); }}},
          trading_{io_, strand_, s, clock_, database_, registry_},
          alerts_{io_, clock_, registry_, s.alerts.webhook, alert_label(s)},
          health_feed_{strand_, trading_.router(), health_, clock_, s.signals.stale_after_seconds},
          signal_metrics_{strand_, trading_.router(), trading_.metrics()},
          processor_{trading_.port(), trading_.router(), trading_.metrics(), database_, s, clock_, instance_},
          intake_{strand_, [this](bool read_table) { return processor_.drain_immediate(read_table); },
                  [this](db::signal_row row) { return processor_.notified(std::move(row)); }, pipeline::signal_processor::batch_size,
                  registry_, s.database.poll_interval_ms},
          listener_{strand_, listener_options(s),
                    [this](const db::notification& n) { intake_.on_notification(n); },
                    [this](db::listener_state st, std::string_view detail) { on_listener_state(st, detail); }},
          signals_{io_, SIGINT, SIGTERM},
          retry_timer_{strand_},
          deadline_{io_} {
        database_.on_lease_lost([this] { lease_.fenced(); });
        // Parentheses: a braced boost::json::value is an array.
        http_.add_status_section("role", [this] { return boost::json::value(std::string{to_string(lease_.role())}); });
        http_.add_status_section("lease", [this] { return boost::json::value(lease_.status()); });
        if (s.control.enabled && !s.control.token.empty()) {
            control::server_options co;
            co.address = s.control.bind;
            co.port = static_cast<std::uint16_t>(s.control.port);
            co.token = s.control.token;
            control_ = std::make_unique<control::server>(
                io_, std::move(co), [this](net::http_request r) { return on_control(std::move(r)); });
        }
        // The trading core publishes what happened; the notifier picks the events an operator must hear of.
        alerts_.follow(trading_.router());
        alerts_.watch_kill_switch(s.risk.kill_switch_file,
                                  [file = s.risk.kill_switch_file] { return trading::kill_switch_active(file); });
        if (s.signals.external.enabled) {
            external_db_ = std::make_unique<db::database>(external_database_options(s));
            external_ = std::make_unique<signals::external_source>(asio::make_strand(io_), s.signals.external,
                                                                   *external_db_, database_, clock_, registry_);
        }
    }

    int run() {
        if (auto error = trading_.build()) {
            logging::error(log_, "cannot set up trading", kv("error", *error));
            return 1;
        }
        if (!settings_.http.enabled) {
            logging::info(log_, "HTTP server off (http.enabled false): no /health, /ready, /status or /metrics");
        } else if (const auto ec = http_.start()) {
            logging::error(log_, "cannot start the HTTP server", kv("bind", settings_.http.bind),
                           kv("port", settings_.http.port), kv("error", ec.message()));
            return 1;
        }
        if (control_) {
            if (const auto ec = control_->start()) {
                logging::error(log_, "cannot start the control endpoint", kv("bind", settings_.control.bind),
                               kv("port", settings_.control.port), kv("error", ec.message()));
                return 1;
            }
            const auto cep = control_->local_endpoint();
            logging::info(log_, "control endpoint listening", kv("address", cep.address), kv("port", cep.port));
        } else {
            logging::info(log_, "control endpoint off (control.enabled false or control.token empty): "
                                "operator commands cannot act while this instance runs");
        }
        const auto ep = http_.local_endpoint();
        const auto http_at = settings_.http.enabled ? ep.address + ":" + std::to_string(ep.port) : std::string{"off"};
        logging::info(log_, "tradebot started", kv("version", version_string()),
                      kv("mode", core::to_string(settings_.app.mode)), kv("pid", static_cast<int>(::getpid())), kv("instance", instance_),
                      kv("http", http_at), kv("db", database_.redacted_url()));
        health_.set("db", monitoring::component_state::degraded, "connecting");
        health_.set("signals.listener", monitoring::component_state::degraded, "connecting");
        health_.set("trading", monitoring::component_state::degraded, "reconciling");
        asio::dispatch(strand_, [this] { health_feed_.start(); });

        signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
            if (!ec) {
                begin_shutdown(signo == SIGINT ? "SIGINT" : "SIGTERM");
            }
        });
        database_.start();
        lease_db_.start();
        if (const auto every = notifier_.watchdog_interval()) {
            logging::info(log_, "systemd watchdog on", kv("interval_ms",
                          std::chrono::duration_cast<std::chrono::milliseconds>(*every).count()));
            asio::dispatch(strand_, [this] { feed_watchdog(); });
        }
        asio::co_spawn(strand_, start_up(), [this](const std::exception_ptr& e) { task_done("start-up", e); });

        std::vector<std::thread> extra;
        for (int i = 1; i < std::max(1, settings_.app.threads); ++i) {
            extra.emplace_back([this] { io_.run(); });
        }
        io_.run();
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
        database_.stop();
        lease_db_.stop();
        if (external_db_) {
            external_db_->stop();
        }
        logging::info(log_, "tradebot stopped", kv("clean", !deadline_hit_));
        return exit_code_;
    }

private:
    // Migrations, then LISTEN; /ready turns true once both are done. A database that is not up
    // yet is waited for (with back-off) rather than failing the start: systemd would only restart us.
    asio::awaitable<void> start_up() {
        net::backoff delay{settings_.database.reconnect_backoff_min_ms, settings_.database.reconnect_backoff_max_ms};
        while (!stopping_) {
            auto applied = co_await database_.migrate();
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
        const bool active = co_await lease_.first_attempt();
        lease_.start();
        if (!active && !stopping_) {
            health_.set("trading", monitoring::component_state::ok, "standby: market streams warm, not trading");
            co_await trading_.warm();
            // systemd hears READY=1 from a standby too (it is up and doing its job); /ready stays 503.
            notifier_.ready("standby: another instance holds the lease");
            post_started("standing by: another instance holds the lease; market streams warm, not trading");
        }
        starting_ = false;
        if (lease_.role() == instance_role::active && !stopping_) {
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
        health_.set("trading", monitoring::component_state::degraded, "reconciling");
        if (notifier_.ready_sent()) {
            notifier_.status("active: reconciling");  // a standby taking over; before READY=1 only WATCHDOG=1 goes out
        }
        // Rule 5: a venue's positions, orders and stops are reconciled before any of its signals
        // is taken. Each venue on its own (issue 19, C3): one whose reconciliation waits (Bybit's
        // 403 ban lasts ten minutes) holds neither the other venue's start nor its signals.
        trading_.start_each([this](core::exchange_id venue) { on_venue_ready(venue); });
    }

    // On the strand, as each venue's start-up reconciliation finishes.
    void on_venue_ready(core::exchange_id venue) {
        if (stopping_) {
            return;
        }
        const auto waiting = trading_.not_started();
        logging::info(log_, "venue reconciled, taking its signals", kv("exchange", core::to_string(venue)),
                      kv("still_reconciling", waiting.empty() ? std::string{"none"} : waiting));
        if (trading_.all_started()) {
            trading_ready_ = true;
            health_.set("trading", monitoring::component_state::ok, "reconciled");
        } else {
            health_.set("trading", monitoring::component_state::degraded, "reconciling " + waiting);
        }
        if (!signals_started_) {
            signals_started_ = true;
            asio::co_spawn(strand_, begin_signals(), [this](const std::exception_ptr& e) { task_done("signals", e); });
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
        co_await processor_.recover_claims();
        if (stopping_) {
            co_return;
        }
        listener_.start();
        intake_.start();
        if (external_) {
            external_->start();
        }
        if (!processor_.immediate()) {
            waves_running_ = true;
            asio::co_spawn(strand_, processor_.run_waves(), [this](const std::exception_ptr& e) {
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
        logging::info(log_, "taking over: reconciling before trading", kv("instance", instance_));
        asio::co_spawn(strand_, go_active(), [this](const std::exception_ptr& e) { task_done("take-over", e); });
    }

    // The lease is lost (or could not be renewed in time): stop trading now; the drain runs as
    // in a shutdown, and the process exits for its supervisor to restart it as a standby.
    void on_demoted(std::string_view reason) {
        health_.set("trading", monitoring::component_state::failed, "instance lease lost (" + std::string{reason} + ")");
        if (stopping_) {
            return;
        }
        exit_code_ = exit_lease_lost;
        begin_shutdown("instance lease lost");
    }

    // An operator command from the control endpoint (token already checked): it runs on the
    // trading strand, after the start-up reconciliation and never during a shutdown.
    asio::awaitable<net::http_response> on_control(net::http_request request) {
        const auto json_answer = [](unsigned status, const boost::json::object& body) {
            return net::http_response{.status = status,
                                      .content_type = "application/json",
                                      .body = boost::json::serialize(body) + "\n",
                                      .headers = {}};
        };
        if (request.path() != "/v1/command") {
            co_return json_answer(404, boost::json::object{{"ok", false}, {"error", "unknown path"}});
        }
        if (request.method != "POST") {
            auto refused = json_answer(405, boost::json::object{{"ok", false}, {"error", "POST only"}});
            refused.headers.emplace_back("Allow", "POST");
            co_return refused;
        }
        operator_request op;
        std::string error;
        if (!from_json(request.body, op, error)) {
            co_return json_answer(400, boost::json::object{{"ok", false}, {"error", error}});
        }
        // Named first: no temporaries inside a co_await expression (GCC 12, ARCHITECTURE.md §8).
        auto task = run_operator(std::move(op));
        auto done = co_await asio::co_spawn(strand_, std::move(task), asio::use_awaitable);
        const bool refused = done.contains("not_ready");
        co_return json_answer(refused ? 503 : 200, done);
    }

    asio::awaitable<boost::json::object> run_operator(operator_request op) {
        if (stopping_ || !trading_ready_ || lease_.role() != instance_role::active) {
            std::string why = "the daemon has not finished its start-up reconciliation";
            if (stopping_) {
                why = "the daemon is shutting down";
            } else if (lease_.role() != instance_role::active) {
                why = "this instance is a standby: run the command on the active instance's host";
            }
            boost::json::object refused{{"action", op.action}, {"via", "daemon"}, {"ok", false}, {"not_ready", true},
                                        {"error", why}};
            co_return refused;
        }
        std::string via = "daemon";
        auto done = co_await perform(trading_, std::move(op), std::move(via));
        co_return done;
    }

    void on_db_state(db::connection_state st, std::string_view detail) {
        // Runs on the DB thread; health is thread-safe.
        health_.set("db",
                    st == db::connection_state::connected ? monitoring::component_state::ok
                                                           : monitoring::component_state::degraded,
                    std::string{detail.empty() ? db::to_string(st) : detail});
        alerts_.database_state(st == db::connection_state::connected,
                               std::string{detail.empty() ? db::to_string(st) : detail});
        if (st == db::connection_state::stopped) {
            return;
        }
        // The trading core learns of an outage and of the way back (a crash of the server may
        // have lost rows committed asynchronously: the book is reloaded from the rows).
        asio::post(strand_, [this, connected = st == db::connection_state::connected] {
            trading_.database_state(connected);
        });
    }

    void on_listener_state(db::listener_state st, std::string_view detail) {
        const bool listening = st == db::listener_state::listening;
        health_.set("signals.listener", listening ? monitoring::component_state::ok : monitoring::component_state::degraded,
                    std::string{detail.empty() ? db::to_string(st) : detail});
        if (listening) {
            // NOTIFYs sent while we were not listening are lost: catch up from the table.
            intake_.catch_up();
        }
        update_readiness();
    }

    // On the strand. systemd hears READY=1 only once /ready answers 200, so that a unit ordered
    // After=tradebot.service starts against a reconciled book.
    void update_readiness() {
        const bool ready = migrated_ && trading_ready_ && !stopping_ && lease_.role() == instance_role::active &&
                           listener_.state() == db::listener_state::listening;
        health_.set_ready(ready);
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
        alerts_.post(alerts::alert{.kind = alerts::alert_kind::startup,
                                   .text = "started (version " + std::string{version_string()} + ", instance " + instance_ +
                                           "): " + what,
                                   .ts = clock_.now()});
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
        asio::dispatch(strand_, [this, why = std::string{why}] {
            if (stopping_) {
                return;
            }
            stopping_ = true;
            health_.set_ready(false);
            // The watchdog keeps being fed while the drain runs (bounded by the deadline).
            notifier_.stopping("draining in-flight work");
            logging::info(log_, "shutdown requested", kv("reason", why),
                          kv("deadline_s", settings_.app.shutdown_deadline_seconds.count()));
            alerts_.post(alerts::alert{
                .kind = alerts::alert_kind::shutdown,
                .text = "shutdown requested (" + std::string{why} + "): no new entries; open positions stay under their exchange stops",
                .ts = clock_.now()});
            alerts_.close(settings_.app.shutdown_deadline_seconds);
            health_feed_.stop();
            // No new work: stop listening and serving. In-flight signal handling finishes (its
            // DB round trips complete on the DB thread); positions stay under exchange stops.
            listener_.stop();
            intake_.stop();
            if (external_) {
                external_->stop();
            }
            processor_.stop();
            trading_.stop();
            http_.stop();
            if (control_) {
                control_->stop();
            }
            signals_.cancel();
            retry_timer_.cancel();
            // The lease keeps being renewed while the work in flight drains (its writes must
            // still commit); wait_trading_idle() stops the keeper and releases it.
            deadline_.expires_after(settings_.app.shutdown_deadline_seconds);
            deadline_.async_wait([this](const boost::system::error_code& ec) {
                if (!ec) {
                    deadline_hit_ = true;
                    logging::warn(log_, "shutdown deadline reached, abandoning in-flight work");
                    io_.stop();
                }
            });
            intake_.when_idle([this] { wait_trading_idle(); });
        });
    }

    // Positions stay under their exchange stops; only the work in flight is waited for.
    void wait_trading_idle() {
        if (trading_.idle() && processor_.idle() && !waves_running_ && (!external_ || external_->idle()) && alerts_.idle()) {
            // Drained: hand the lease on at once instead of letting a standby wait out its duration.
            lease_.stop();
            asio::co_spawn(strand_, lease_.release(), [this](const std::exception_ptr&) {
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
    core::system_clock clock_;
    asio::io_context io_;
    asio::strand<asio::io_context::executor_type> strand_;
    prometheus::Registry registry_;
    monitoring::health health_;
    monitoring::server http_;
    std::unique_ptr<control::server> control_;  // null while control.token is empty
    // Names this process's claims on signals and its database sessions (application_name), so
    // that a later start can tell a claim of a stopped instance from one of a running instance.
    std::string instance_;
    db::database database_;
    db::database lease_db_;  // the lease's own connection and thread
    db::instance_lease lease_sql_;
    lease_keeper lease_;
    trading_runtime trading_;
    alerts::webhook_notifier alerts_;  // off while alerts.webhook.url is empty
    monitoring::health_feed health_feed_;  // venues' REST and streams, signal freshness
    pipeline::signal_metrics signal_metrics_;
    pipeline::signal_processor processor_;
    pipeline::signal_intake intake_;
    db::listener listener_;
    // signals.external: its own connection, so a slow query never waits in front of trading writes.
    std::unique_ptr<db::database> external_db_;
    std::unique_ptr<signals::external_source> external_;
    asio::signal_set signals_;
    asio::steady_timer retry_timer_;  // between start-up migration attempts
    asio::steady_timer deadline_;     // bounds the shutdown drain
    asio::steady_timer idle_poll_{strand_};  // waits for the trading work in flight at shutdown
    service_notifier notifier_{service_notifier::from_environment()};  // strand only
    asio::steady_timer watchdog_timer_{strand_};
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
