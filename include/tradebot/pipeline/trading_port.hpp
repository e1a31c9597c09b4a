#pragma once

#include <cstdint>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/db/errc.hpp"
#include "tradebot/exchange/instrument_rules.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/signals/filter_chain.hpp"
#include "tradebot/trading/entry_intent.hpp"
#include "tradebot/trading/risk_manager.hpp"

namespace tradebot::pipeline {

// How a spread check may get the best bid and ask. `cached_only` never puts a venue round trip on
// the signal path: without a fresh quote the answer is an error at once and the quote is read in
// the background for the next entry (the check only logs then, as the original did). `read` waits
// for the venue when nothing fresh is cached (block_on_spread: a decision that may refuse needs
// the number).
enum class quote_wait : std::uint8_t { read, cached_only };

// What the signal pipeline needs from the trading side, and nothing more: the numbers a decision
// reads (instruments, marks, market stats, balances, the day's PnL, the positions) and the one
// action it takes (open an entry). The daemon's trading runtime implements it over the venues and
// the database; unit tests implement it in memory, so the decision path runs without PostgreSQL
// or a venue. Every member is called on the trading strand.
class trading_port {
public:
    virtual ~trading_port() = default;

    // Opens on the intent's venue; not_opened if the venue is not enabled.
    [[nodiscard]] virtual boost::asio::awaitable<trading::open_result> open(trading::entry_intent intent) = 0;
    [[nodiscard]] virtual boost::asio::awaitable<exchange::result<exchange::mark_price_state>> mark(
        core::exchange_id venue, core::symbol symbol) = 0;
    // The venue's open interest, 1 h volume and 5 min change.
    [[nodiscard]] virtual boost::asio::awaitable<exchange::result<exchange::market_stats_state>> market_stats(
        core::exchange_id venue, exchange::market_stats_request request) = 0;
    // The best bid and ask (the spread check before an entry).
    [[nodiscard]] virtual boost::asio::awaitable<exchange::result<exchange::book_top_state>> book_top(
        core::exchange_id venue, core::symbol symbol, quote_wait wait) = 0;
    [[nodiscard]] virtual boost::asio::awaitable<exchange::result<std::vector<exchange::balance_state>>> balances(
        core::exchange_id venue) = 0;
    // Realized PnL of this mode's positions closed since `since`.
    [[nodiscard]] virtual boost::asio::awaitable<db::result<core::decimal>> realized_pnl_since(
        core::clock::time_point since) = 0;
    // Changes whenever a close of ours may have changed realized_pnl_since(): an answer read at
    // the same generation still holds.
    [[nodiscard]] virtual std::uint64_t pnl_generation() const = 0;
    // nullptr: not an instrument of the venue (or the venue is not enabled).
    [[nodiscard]] virtual const exchange::instrument_rules* rules(core::exchange_id venue,
                                                                  const core::symbol& s) const = 0;
    // Every live position and entry in flight with its notional (risk limits).
    [[nodiscard]] virtual std::vector<trading::position_exposure> exposures() const = 0;
    // The (venue, symbol) of every live position and entry in progress, into `out` (cleared
    // first): what the filters look at, without the notionals exposures() computes.
    virtual void open_keys(signals::key_set& out) const = 0;
    [[nodiscard]] virtual std::vector<core::exchange_id> venues() const = 0;
    // False while the venue's start-up reconciliation has not finished (rule 5): its signals
    // wait (deferred) instead of being decided against a book not loaded yet. Default: ready.
    [[nodiscard]] virtual bool ready(core::exchange_id venue) const;
    // The venue's notional cap for a new position of `symbol` at `leverage` (§11 #49); nullopt
    // when there is none or it cannot be read (the venue then decides). Default: none.
    [[nodiscard]] virtual boost::asio::awaitable<std::optional<core::decimal>> max_notional(
        core::exchange_id venue, core::symbol symbol, int leverage);
};

}  // namespace tradebot::pipeline
