#pragma once

#include <map>
#include <set>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "app/mark_refresher.hpp"
#include "app/quote_feed.hpp"
#include "app/venue_cache.hpp"
#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/db/position_repository.hpp"
#include "tradebot/db/trade_repository.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/pipeline/trading_port.hpp"
#include "tradebot/trading/position_manager.hpp"

namespace tradebot::app {

// The signal pipeline's view of the venues the trading runtime built: entries go to each venue's
// position manager; marks, quotes and balances come from a cache (streamed marks, one bulk mark
// read per venue every two thirds of trading.mark_cache_ms, each venue's on its own
// (mark_refresher), streamed best bid/asks, balances within trading.account_cache_ms with an
// entry's margin debited at once) so that a signal's path to its order rarely waits on REST.
// Runs on the trading strand.
class venue_port final : public pipeline::trading_port {
public:
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

    // One built venue: where entries go and what its reads ask (the paper venue in test mode).
    struct built_venue {
        exchange::venue_client* client = nullptr;
        trading::position_manager* manager = nullptr;
    };

    venue_port(strand_type strand, const config::settings& settings, const core::clock& clock,
               db::position_repository& positions, db::trade_repository& trades);

    void add(core::exchange_id id, built_venue v);
    // Streamed marks and best bid/asks go into the cache from now on.
    void follow_marks(events::router& router);
    // Starts the bulk mark refresh (when trading.mark_cache_ms is on); once.
    void start();
    void stop();
    // True when no mark refresh or balance read is running.
    [[nodiscard]] bool idle() const noexcept { return marks_.idle() && balance_reads_ == 0; }

    [[nodiscard]] boost::asio::awaitable<trading::open_result> open(trading::entry_intent intent) override;
    // The cached mark; else one read of every symbol's mark (then the symbol's own, if missing).
    [[nodiscard]] boost::asio::awaitable<exchange::result<exchange::mark_price_state>> mark(
        core::exchange_id venue, core::symbol symbol) override;
    [[nodiscard]] boost::asio::awaitable<exchange::result<exchange::market_stats_state>> market_stats(
        core::exchange_id venue, exchange::market_stats_request request) override;
    // The streamed quote (younger than trading.mark_cache_ms); else, with quote_wait::read only, a
    // REST read of that symbol (quote_feed).
    [[nodiscard]] boost::asio::awaitable<exchange::result<exchange::book_top_state>> book_top(
        core::exchange_id venue, core::symbol symbol, pipeline::quote_wait wait) override;
    // The trading client's cap (the paper venue knows none); a failed read is logged and counts
    // as unknown.
    [[nodiscard]] boost::asio::awaitable<std::optional<core::decimal>> max_notional(core::exchange_id venue,
                                                                                   core::symbol symbol,
                                                                                   int leverage) override;
    // Within trading.account_cache_ms of the last read, and no entry or close of ours since: the
    // balances then; else a REST read.
    [[nodiscard]] boost::asio::awaitable<exchange::result<std::vector<exchange::balance_state>>> balances(
        core::exchange_id venue) override;
    [[nodiscard]] boost::asio::awaitable<db::result<core::decimal>> realized_pnl_since(
        core::clock::time_point since) override;
    [[nodiscard]] std::uint64_t pnl_generation() const override {
        return positions_.pnl_generation() + trades_.pnl_generation();
    }
    [[nodiscard]] const exchange::instrument_rules* rules(core::exchange_id venue, const core::symbol& s) const override;
    [[nodiscard]] std::vector<trading::position_exposure> exposures() const override;
    void open_keys(signals::key_set& out) const override;
    [[nodiscard]] std::vector<core::exchange_id> venues() const override;
    // A venue is ready once its start-up reconciliation finished (trading_runtime).
    void set_ready(core::exchange_id venue) { ready_.insert(venue); }
    [[nodiscard]] bool ready(core::exchange_id venue) const override { return ready_.contains(venue); }

private:
    boost::asio::awaitable<exchange::result<std::vector<exchange::balance_state>>> read_balances(core::exchange_id id,
                                                                                             exchange::venue_client& c);
    // After an entry: the balances are read again now, off the signal path, so the next
    // signal's risk check finds them fresh.
    void refresh_balances_later(core::exchange_id venue);

    strand_type strand_;
    const config::settings& settings_;
    const core::clock& clock_;
    db::position_repository& positions_;
    db::trade_repository& trades_;
    std::map<core::exchange_id, built_venue> venues_;
    venue_cache cache_;
    quote_feed quotes_{cache_};
    events::subscription cache_marks_;
    // Every symbol's mark, one read per venue, every two thirds of trading.mark_cache_ms.
    mark_refresher marks_;
    std::set<core::exchange_id> ready_;
    bool stopped_ = false;
    bool started_ = false;
    int balance_reads_ = 0;    // refresh_balances_later() reads in flight
};

}  // namespace tradebot::app
