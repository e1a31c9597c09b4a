#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/pipeline/trading_port.hpp"
#include "tradebot/trading/risk_manager.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::pipeline {

// The account side of a risk check: the kill switch, today's realized PnL and the free balance
// per venue. Each is reused while it still holds (the kill switch for a second, the PnL while
// no close of ours happened within trading.account_cache_ms), because these round trips would
// otherwise sit on every signal's path to its order. Runs on the trading strand.
class portfolio_reader {
public:
    portfolio_reader(trading_port& port, const config::settings& settings, const core::clock& clock);
    ~portfolio_reader();
    portfolio_reader(const portfolio_reader&) = delete;
    portfolio_reader& operator=(const portfolio_reader&) = delete;

    // Without positions (the caller fills them per signal), with the free balance of `venue`
    // only: a venue that cannot answer (a ban the rate limiter waits out) never holds a decision
    // on another venue (issue 19, C3). An unknown PnL or balance stays unknown, and the risk
    // check fails closed on it.
    [[nodiscard]] boost::asio::awaitable<trading::portfolio> read(core::exchange_id venue);
    // Adds `venue`'s free balance to `p` (a batch that moved on to another venue).
    [[nodiscard]] boost::asio::awaitable<void> add_balance(trading::portfolio& p, core::exchange_id venue);

private:
    [[nodiscard]] boost::asio::awaitable<bool> kill_switch();
    [[nodiscard]] boost::asio::awaitable<std::optional<core::decimal>> pnl_today();

    struct pnl_read {
        core::clock::time_point day;
        std::uint64_t generation = 0;
        std::chrono::steady_clock::time_point at;
        core::decimal value;
    };
    static constexpr std::chrono::seconds kill_switch_recheck{1};

    trading_port& port_;
    const config::settings& settings_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    boost::asio::thread_pool files_{1};  // the kill-switch stat, off the event loop
    std::optional<pnl_read> pnl_;
    std::optional<std::chrono::steady_clock::time_point> kill_checked_;
    bool kill_active_ = false;
};

}  // namespace tradebot::pipeline
