#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <prometheus/registry.h>

#include "app/lease_keeper.hpp"
#include "app/trading_runtime.hpp"
#include "tradebot/alerts/webhook_notifier.hpp"
#include "tradebot/config/settings.hpp"
#include "tradebot/control/server.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/instance_lease.hpp"
#include "tradebot/db/listener.hpp"
#include "tradebot/monitoring/health.hpp"
#include "tradebot/monitoring/health_feed.hpp"
#include "tradebot/monitoring/server.hpp"
#include "tradebot/pipeline/signal_intake.hpp"
#include "tradebot/pipeline/signal_metrics.hpp"
#include "tradebot/pipeline/signal_processor.hpp"
#include "tradebot/signals/external_source.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::app {

// Every component the running daemon owns, built and wired to each other here, in construction
// order (destroyed in reverse). What the process must act on (the database's and the listener's
// state, the lease's role, an operator command) goes to the daemon's hooks; the daemon decides
// when each part starts and stops.
struct daemon_components {
    struct hooks {
        db::database::state_handler database_state;  // on the DB thread
        db::listener::state_handler listener_state;
        lease_keeper::hooks lease;
        control::server::handler control;
    };

    daemon_components(const config::settings& s, hooks h);

    // The HTTP server and the control endpoint; false (logged) when one cannot listen.
    [[nodiscard]] bool open_endpoints(const config::settings& s, const std::shared_ptr<spdlog::logger>& log);
    // Starts reading signals: LISTEN, the intake and the external source.
    void start_signals();
    // No new work: stop listening and serving. In-flight signal handling finishes (its DB round
    // trips complete on the DB thread); positions stay under exchange stops.
    void stop_work();
    // The work stop_work() left in flight is done (the waves' loop aside: the daemon tracks it).
    [[nodiscard]] bool idle() const;
    // After the io_context: each DB thread finishes its queue.
    void stop_databases();

    core::system_clock clock;
    boost::asio::io_context io;
    boost::asio::strand<boost::asio::io_context::executor_type> strand;
    prometheus::Registry registry;
    monitoring::health health;
    monitoring::server http;
    std::unique_ptr<control::server> control_server;  // null while control.token is empty
    // Names this process's claims on signals and its database sessions (application_name), so
    // that a later start can tell a claim of a stopped instance from one of a running instance.
    std::string instance;
    db::database database;
    db::database lease_db;  // the lease's own connection and thread
    db::instance_lease lease_sql;
    lease_keeper lease;
    trading_runtime runtime;
    alerts::webhook_notifier webhook;  // off while alerts.webhook.url is empty
    monitoring::health_feed health_feed;  // venues' REST and streams, signal freshness
    pipeline::signal_metrics signal_metrics;
    pipeline::signal_processor processor;
    pipeline::signal_intake intake;
    db::listener listener;
    // signals.external: its own connection, so a slow query never waits in front of trading writes.
    std::unique_ptr<db::database> external_db;
    std::unique_ptr<signals::external_source> external;
};

}  // namespace tradebot::app
