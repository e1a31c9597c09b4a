#pragma once

#include <map>

#include "tradebot/backtest/memory_stores.hpp"
#include "tradebot/config/settings.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/pipeline/trading_port.hpp"
#include "tradebot/trading/position_manager.hpp"

namespace tradebot::backtest {

// The signal pipeline's view of the backtest's venues, as app::venue_port is the daemon's: entries
// go to each venue's position manager, marks, stats and balances are read from the paper venue
// (every read answers at once: there is no REST to save), the day's PnL from the positions in
// memory. Runs on the replay's strand.
class backtest_port final : public pipeline::trading_port {
public:
    struct venue {
        exchange::venue_client* client = nullptr;
        trading::position_manager* manager = nullptr;
    };

    backtest_port(const config::settings& settings, const memory_positions& positions)
        : settings_{settings}, positions_{positions} {}

    void add(core::exchange_id id, venue v) { venues_.insert_or_assign(id, v); }

    boost::asio::awaitable<trading::open_result> open(trading::entry_intent intent) override;
    boost::asio::awaitable<exchange::result<exchange::mark_price_state>> mark(core::exchange_id venue,
                                                                              core::symbol symbol) override;
    boost::asio::awaitable<exchange::result<exchange::market_stats_state>> market_stats(
        core::exchange_id venue, exchange::market_stats_request request) override;
    // Candles have no book: bid = ask = the replayed price, so the spread check always passes.
    boost::asio::awaitable<exchange::result<exchange::book_top_state>> book_top(core::exchange_id venue,
                                                                               core::symbol symbol,
                                                                               pipeline::quote_wait wait) override;
    boost::asio::awaitable<exchange::result<std::vector<exchange::balance_state>>> balances(
        core::exchange_id venue) override;
    boost::asio::awaitable<db::result<core::decimal>> realized_pnl_since(core::clock::time_point since) override;
    [[nodiscard]] std::uint64_t pnl_generation() const override;
    [[nodiscard]] const exchange::instrument_rules* rules(core::exchange_id venue,
                                                          const core::symbol& s) const override;
    [[nodiscard]] std::vector<trading::position_exposure> exposures() const override;
    void open_keys(signals::key_set& out) const override;
    [[nodiscard]] std::vector<core::exchange_id> venues() const override;

private:
    [[nodiscard]] const venue* find(core::exchange_id id) const;
    [[nodiscard]] static exchange::error not_enabled(core::exchange_id id);

    const config::settings& settings_;
    const memory_positions& positions_;
    std::map<core::exchange_id, venue> venues_;
};

}  // namespace tradebot::backtest
