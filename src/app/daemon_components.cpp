#include "app/daemon_components.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <utility>

#include <unistd.h>

#include <boost/json.hpp>

#include "app/option_mapping.hpp"
#include "tradebot/app/cli.hpp"
#include "tradebot/logging/structured.hpp"
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

}  // namespace

daemon_components::daemon_components(const config::settings& s, hooks h)
    : io{std::max(1, s.app.threads)},
      strand{asio::make_strand(io)},
      health{clock},
      http{io, server_options(s, std::string{version_string()}), registry, health, clock},
      instance{instance_name()},
      database{database_options(s, instance), std::move(h.database_state)},
      lease_db{lease_database_options(s, instance)},
      lease_sql{lease_db},
      lease{strand, clock, lease_sql, database, lease_scope(s), instance,
            lease_timing{s.ha.lease_duration_ms, s.ha.renew_interval_ms}, registry,
            std::move(h.lease)},
      runtime{io, strand, s, clock, database, registry},
      webhook{io, clock, registry, s.alerts.webhook, alert_label(s)},
      health_feed{strand, runtime.router(), health, clock, s.signals.stale_after_seconds},
      signal_metrics{strand, runtime.router(), runtime.metrics()},
      processor{runtime.port(), runtime.router(), runtime.metrics(), database, s, clock, instance},
      intake{strand, [this](bool read_table) { return processor.drain_immediate(read_table); },
             [this](db::signal_row row) { return processor.notified(std::move(row)); },
             pipeline::signal_processor::batch_size, registry, s.database.poll_interval_ms},
      listener{strand, listener_options(s), [this](const db::notification& n) { intake.on_notification(n); },
               std::move(h.listener_state)} {
    database.on_lease_lost([this] { lease.fenced(); });
    // Parentheses: a braced boost::json::value is an array.
    http.add_status_section("role", [this] { return boost::json::value(std::string{to_string(lease.role())}); });
    http.add_status_section("lease", [this] { return boost::json::value(lease.status()); });
    if (s.control.enabled && !s.control.token.empty()) {
        control::server_options co;
        co.address = s.control.bind;
        co.port = static_cast<std::uint16_t>(s.control.port);
        co.token = s.control.token;
        control_server = std::make_unique<control::server>(io, std::move(co), std::move(h.control));
    }
    // The trading core publishes what happened; the notifier picks the events an operator must hear of.
    webhook.follow(runtime.router());
    webhook.watch_kill_switch(s.risk.kill_switch_file,
                              [file = s.risk.kill_switch_file] { return trading::kill_switch_active(file); });
    if (s.signals.external.enabled) {
        external_db = std::make_unique<db::database>(external_database_options(s));
        external = std::make_unique<signals::external_source>(asio::make_strand(io), s.signals.external, *external_db,
                                                               database, clock, registry);
    }
}

bool daemon_components::open_endpoints(const config::settings& s, const std::shared_ptr<spdlog::logger>& log) {
    if (!s.http.enabled) {
        logging::info(log, "HTTP server off (http.enabled false): no /health, /ready, /status or /metrics");
    } else if (const auto ec = http.start()) {
        logging::error(log, "cannot start the HTTP server", kv("bind", s.http.bind), kv("port", s.http.port),
                       kv("error", ec.message()));
        return false;
    }
    if (!control_server) {
        logging::info(log, "control endpoint off (control.enabled false or control.token empty): "
                           "operator commands cannot act while this instance runs");
        return true;
    }
    if (const auto ec = control_server->start()) {
        logging::error(log, "cannot start the control endpoint", kv("bind", s.control.bind),
                       kv("port", s.control.port), kv("error", ec.message()));
        return false;
    }
    const auto cep = control_server->local_endpoint();
    logging::info(log, "control endpoint listening", kv("address", cep.address), kv("port", cep.port));
    return true;
}

void daemon_components::start_signals() {
    listener.start();
    intake.start();
    if (external) {
        external->start();
    }
}

void daemon_components::stop_work() {
    health_feed.stop();
    listener.stop();
    intake.stop();
    if (external) {
        external->stop();
    }
    processor.stop();
    runtime.stop();
    http.stop();
    if (control_server) {
        control_server->stop();
    }
}

bool daemon_components::idle() const {
    return runtime.idle() && processor.idle() && (!external || external->idle()) && webhook.idle();
}

void daemon_components::stop_databases() {
    database.stop();
    lease_db.stop();
    if (external_db) {
        external_db->stop();
    }
}

}  // namespace tradebot::app
