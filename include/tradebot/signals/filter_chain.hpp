#pragma once

#include <map>
#include <optional>
#include <set>

#include <boost/container/flat_set.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/exchange/instrument_rules.hpp"
#include "tradebot/signals/signal.hpp"
#include "tradebot/signals/skip.hpp"

namespace tradebot::signals {

struct instrument_key {
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    friend auto operator<=>(const instrument_key&, const instrument_key&) = default;
};

// Sorted and contiguous: rebuilt for every signal from hundreds of positions, and a cleared one
// keeps its memory.
using key_set = boost::container::flat_set<instrument_key>;

// What the caller measured for one instrument; nullopt: not known.
struct market_data {
    std::optional<core::decimal> price;               // current mark (or last) price
    std::optional<core::decimal> open_interest_usdt;  // open interest in quote currency
    std::optional<core::decimal> volume_1h_usdt;      // quote volume of the 1 h candle of the signal
    // Signed percent change over the 5 minutes before the signal (2.5 means +2.5 %).
    std::optional<core::decimal> price_change_5min_percent;
};

// Everything the filters look at, gathered by the caller before the wave (so the filters do no
// I/O and all signals of a wave see one consistent snapshot, §11 #55).
struct market_snapshot {
    std::map<instrument_key, exchange::instrument_rules> instruments;  // absent: unknown instrument
    std::map<instrument_key, market_data> market;
    // Live positions (DB and venue) and entries being opened. Position counts for max_positions
    // are derived from these sets at check time, never from counters (§11 #58).
    key_set open_positions;
    key_set in_flight;
};

// The per-signal filters of a wave, in this order; the first that fails decides the reason:
//  1. already_open / in_flight   (exchange, symbol) has a position or an entry in progress
//  2. stop_list                   symbol on signal_filters.stop_list
//  3. not_whitelisted             whitelist non-empty and without the symbol
//  4. not_tradable                instrument unknown or not trading
//  5. min_notional                the smallest order the venue takes (min qty, min notional, on
//                                 the step grid) at the current price costs more than
//                                 min(position_size_usd, max_position_size_usd) x (1 + tolerance);
//                                 the same test as trading::risk_manager::size_quantity
//  6. open_interest               OI < min_open_interest_usdt          (if enabled)
//  7. volume_1h                   1 h volume < min_volume_1h_usdt      (if enabled)
//  8. price_change_5min           buy: change > +max; sell: change < -max (if enabled); a move
//                                 of exactly max passes, as in the original
//  9. max_positions               open + in-flight >= max_positions, or on the exchange
//                                 >= max_positions_per_exchange
// A datum a step needs but the snapshot lacks (price for 5, OI, volume, change when enabled) is
// no_market_data: a missing number never lets a signal through. This departs on purpose from
// the original, which let unknown OI pass and whose §11 #56 asks for "unknown ⇒ pass": there a
// null OI field was misread as 0 and blocked every Bybit signal unnoticed. Here a missing datum is
// named as such, so a broken data source shows up at once in the skip counts and row reasons,
// and an unfiltered trade never happens because a feed was down. Disable a filter to trade
// without its datum.
class filter_chain {
public:
    filter_chain(config::signal_filters filters, config::trading_settings trading, config::risk_settings risk);
    explicit filter_chain(const config::settings& s) : filter_chain(s.signals.filters, s.trading, s.risk) {}

    [[nodiscard]] std::optional<skip> check(const signal& s, const market_snapshot& snapshot) const;
    // check() in its two halves, for a caller that reads the market numbers only for the signals
    // the first lets through: check() is check_instrument(), else check_market_and_slots().
    // Steps 1-5: position or entry, lists, instrument, price, smallest order.
    [[nodiscard]] std::optional<skip> check_instrument(const signal& s, const market_snapshot& snapshot) const;
    // Steps 6-9, for a signal check_instrument() passed against the same snapshot.
    [[nodiscard]] std::optional<skip> check_market_and_slots(const signal& s, const market_snapshot& snapshot) const;
    // Steps 1 and 9 alone: what a change of the positions can change, for a signal check()
    // passed against an earlier snapshot that differs from this one only in its position sets.
    [[nodiscard]] std::optional<skip> check_positions(const signal& s, const market_snapshot& snapshot) const;

private:
    [[nodiscard]] std::optional<skip> check_open(const signal& s, const market_snapshot& snapshot) const;
    [[nodiscard]] std::optional<skip> check_size(const exchange::instrument_rules& rules, core::decimal price) const;
    [[nodiscard]] std::optional<skip> check_market(const signal& s, const market_data* data) const;
    [[nodiscard]] std::optional<skip> check_slots(const signal& s, const market_snapshot& snapshot) const;

    config::signal_filters filters_;
    config::trading_settings trading_;
    config::risk_settings risk_;
};

}  // namespace tradebot::signals
