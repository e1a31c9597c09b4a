#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "app/runtime_venue.hpp"
#include "app/venue_port.hpp"
#include "app/venue_starter.hpp"
#include "app/venue_stack.hpp"
#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/event_log.hpp"
#include "tradebot/db/order_journal.hpp"
#include "tradebot/db/position_repository.hpp"
#include "tradebot/db/trade_repository.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/exchange/paper/client.hpp"
#include "tradebot/trading/position_manager.hpp"
#include "tradebot/trading/account_metrics.hpp"
#include "tradebot/trading/position_metrics.hpp"
#include "tradebot/trading/risk_manager.hpp"
#include "tradebot/trading/trading_metrics.hpp"

namespace prometheus {
class Registry;
}

namespace tradebot::app {

// The trading side of the daemon: per enabled venue a venue_stack (real market data, and in
// production the real account), in test mode the paper venue in front of it, and a
// position_manager; the repositories and metrics they share. Mark prices of the symbols the
// managers watch are streamed; the set follows the positions.
//
// The signal pipeline reaches the venues through port(). Everything here runs on one strand (the
// trading strand, shared with the signal intake and processor that feed it): the decisions of
// all venues see one consistent state (risk limits count positions across venues) without
// locks. The streams and the database have their own threads/strands.
class trading_runtime {
public:
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

    trading_runtime(boost::asio::io_context& io, strand_type strand, const config::settings& settings,
                    const core::clock& clock, db::database& database, prometheus::Registry& registry);
    ~trading_runtime();
    trading_runtime(const trading_runtime&) = delete;
    trading_runtime& operator=(const trading_runtime&) = delete;

    // Builds every enabled venue; the error names the exchange block that cannot work.
    [[nodiscard]] std::optional<std::string> build();
    // Loads and reconciles every venue not started yet (rule 5), then starts its streams; true
    // when all agree. Call again after false: venues already started are left alone.
    [[nodiscard]] boost::asio::awaitable<bool> start();
    // The same, each venue on its own and retried (backoff) until it is ready or stop(): a venue
    // whose start-up reconciliation waits (a ban the rate limiter waits out, issue 19 C3) holds
    // only itself. `on_ready` runs on the strand as each venue becomes ready; its signals are
    // decided from then on (trading_port::ready). Returns at once.
    void start_each(std::function<void(core::exchange_id)> on_ready);
    [[nodiscard]] bool all_started() const;
    // The venues not started yet, by name ("bybit"), for logs and /health.
    [[nodiscard]] std::string not_started() const;
    // An operator command without a daemon: loads every venue's instruments and live rows (the
    // paper venue gets its positions back) and starts the streams, without a reconcile pass or any
    // periodic work; the command decides what to reconcile. True when every venue loaded.
    [[nodiscard]] boost::asio::awaitable<bool> prepare();
    // A standby's warm-up: every venue's instruments, and the market streams of the symbols
    // with live rows, so prices and the mark cache are warm when it takes over. Reads only; no
    // manager starts, no private stream, no reconcile (start() does all that on takeover).
    [[nodiscard]] boost::asio::awaitable<void> warm();
    void stop();
    // The database connection went away (false) or answers again (true); on the trading strand.
    // After an outage each started venue writes what it kept, reloads its book from the rows and
    // reconciles it with the venue, as at start (findings C2, C4, C6 of tests/integration/chaos).
    void database_state(bool connected);
    // True once stop() was called and every manager finished its work.
    [[nodiscard]] bool idle() const;

    // What the signal pipeline sees of the venues built here.
    [[nodiscard]] pipeline::trading_port& port() noexcept { return port_; }
    [[nodiscard]] trading::trading_metrics& metrics() noexcept { return metrics_; }
    // The in-process event router: the venues' streams and the trading core publish on it.
    [[nodiscard]] events::router& router() noexcept { return router_; }

    // One built venue as the operator's commands reach it (on the trading strand only).
    struct venue_handle {
        core::exchange_id id = core::exchange_id::binance;
        trading::position_manager* manager = nullptr;
        exchange::venue_client* client = nullptr;
    };
    [[nodiscard]] std::vector<venue_handle> venues();
    [[nodiscard]] db::event_log& audit() noexcept { return audit_; }
    [[nodiscard]] db::position_repository& positions() noexcept { return positions_; }
    [[nodiscard]] const config::settings& settings() const noexcept { return settings_; }

private:
    boost::asio::awaitable<void> keep_starting(runtime_venue& v, std::function<void(core::exchange_id)> on_ready);
    // Once the first venue is ready: the symbol follower, the audit flush, the mark refresh.
    void start_shared();
    boost::asio::awaitable<void> follow_symbols();
    boost::asio::awaitable<void> flush_audit();

    boost::asio::io_context& io_;
    strand_type strand_;
    const config::settings& settings_;
    const core::clock& clock_;
    prometheus::Registry& registry_;
    events::router router_;
    trading::trading_metrics metrics_;
    trading::position_metrics position_metrics_;
    trading::account_metrics account_metrics_;
    db::position_repository positions_;
    db::order_journal journal_;
    db::event_log audit_;
    db::trade_repository trades_;
    std::map<core::exchange_id, std::unique_ptr<runtime_venue>> venues_;
    venue_port port_;
    venue_starter starter_;
    boost::asio::steady_timer symbols_timer_;
    bool stopped_ = false;
    bool following_ = false;  // follow_symbols() running
    bool flushing_ = false;   // flush_audit() running
    // keep_starting() loops running. Not part of idle(): a start-up held by a ban must not hold
    // a shutdown (a stopped runtime's loop ends at its next step).
    int starters_ = 0;
    boost::asio::steady_timer audit_timer_;
};

}  // namespace tradebot::app
