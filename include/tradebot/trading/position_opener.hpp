#pragma once

#include <map>
#include <optional>
#include <memory>
#include <set>

#include <boost/asio/awaitable.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/exchange/instrument_rules.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/trading/entry_intent.hpp"
#include "tradebot/trading/order_executor.hpp"
#include "tradebot/trading/stop_loss_manager.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::db {
class position_store;
}

namespace tradebot::trading {

// The limit of a limit IOC entry (trading.entry_order_type limit_ioc): `reference` moved against
// the entry by `slippage_percent` (buy: x (1 + s/100), sell: x (1 - s/100)), then onto the tick
// grid towards less slippage (buy down, sell up; instrument_rules::limit_price). nullopt when the
// reference is not positive or the bound leaves no positive price.
[[nodiscard]] std::optional<core::decimal> ioc_entry_limit(core::side side, core::decimal reference,
                                                           core::decimal slippage_percent,
                                                           const exchange::instrument_rules& rules);

// The atomic open of one position (original-bot.md §2.4, DESIGN.md rules 3 and 4):
//   1. the positions row (pending_entry): the database's one-live-position-per-symbol index makes
//      a second open of the same symbol impossible, whatever the timing;
//   2. leverage (optional);
//   3. the entry through the order_executor (journalled, client id from the position): a market
//      order, or with trading.entry_order_type limit_ioc a LIMIT IOC bounded by
//      entry_max_slippage_percent from the intent's reference price (ioc_entry_limit);
//   4. the real fill from the venue (entry_placed, with qty and price): an IOC that filled part
//      of the quantity makes a position of what filled; one that filled nothing ends the row
//      `failed` and the open `not_filled`, with nothing left on the venue (IOC never rests);
//   5. the exchange-side stop from the fill price, checked against the mark (protected);
//   6. if no stop can be placed: a reduce-only market close, and the position ends `closed` with
//      the reason. Every step is persisted first, so a restart knows where an open stopped.
// A step whose outcome the venue cannot confirm leaves the row in its state for the reconciler
// (needs_reconcile) instead of guessing.
class position_opener {
public:
    position_opener(exchange::venue_client& venue, db::position_store& positions, order_executor& orders,
                    stop_loss_manager& stops, const config::settings& settings, const core::clock& clock,
                    std::shared_ptr<spdlog::logger> log);

    [[nodiscard]] boost::asio::awaitable<open_result> open(entry_intent intent, exchange::instrument_rules rules);

    // The per-symbol settings, off the signal path (issue 22: an entry on the wire is the order,
    // then the stop). read_settings(): the venue's leverage limits and every symbol's current
    // leverage and margin mode, each in one request at background priority; the symbols already
    // at the wanted values need nothing more. False when the venue has no such read.
    // prepare(): sets the margin mode and the leverage of one symbol at background priority
    // unless known to be set. A failure is logged and left to the first entry, which sets it
    // itself and is not made if the venue still refuses.
    [[nodiscard]] boost::asio::awaitable<bool> read_settings();
    [[nodiscard]] boost::asio::awaitable<void> prepare(core::symbol symbol);
    // The margin mode alone (Bybit: account-wide, whatever the symbol); false when refused.
    [[nodiscard]] boost::asio::awaitable<bool> prepare_margin(core::symbol symbol);
    [[nodiscard]] bool margin_ready(const core::symbol& symbol) const;
    [[nodiscard]] bool leverage_ready(const core::symbol& symbol, int leverage) const;

private:
    boost::asio::awaitable<open_result> fail(open_result r, std::int32_t version, std::string why);
    boost::asio::awaitable<open_result> close_unprotected(open_result r, const entry_intent& intent,
                                                          std::int32_t version, std::string why);

    exchange::venue_client& venue_;
    db::position_store& positions_;
    order_executor& orders_;
    stop_loss_manager& stops_;
    const config::settings& settings_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    // The leverage set per symbol (by this process, or found set by read_settings()): set once,
    // not before every entry (one REST round trip less on the signal path). A venue refusal
    // forgets it.
    std::map<core::symbol, int> leverage_set_;
    // exchanges.*.margin_mode, set before the first entry of each symbol (Binance: per symbol)
    // or once for the account (Bybit: account-wide). A refusal leaves it unset: the next entry tries again.
    std::set<core::symbol> margin_set_;
    bool account_margin_set_ = false;
    [[nodiscard]] boost::asio::awaitable<exchange::result<void>> ensure_margin_mode(
        const core::symbol& symbol, exchange::request_priority priority);
    [[nodiscard]] exchange::margin_mode wanted_margin() const;
};

}  // namespace tradebot::trading
