#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/signals/timestamp.hpp"

namespace tradebot::db {
struct signal_row;
}

namespace tradebot::signals {

// One row of the `signals` table (src/db/migrations/0001_initial.sql) as stored: the producer's
// text, unvalidated. Nullable columns are optional; numeric and timestamptz columns are their text
// form (numeric::text, timestamptz::text), so nothing is lost or guessed before validate().
struct raw_signal {
    std::int64_t id = 0;
    std::string source;                      // NOT NULL, default 'db'
    std::optional<std::string> external_id;  // the producer's id, unique per source
    std::string exchange;                    // "binance", "Bybit", "1" (FAS exchange_id) ...
    std::string symbol;                      // "BTCUSDT", "BTC/USDT:USDT" ...
    std::string side;                        // "BUY", "sell", "LONG", "short" ...
    std::optional<std::string> score_week;
    std::optional<std::string> score_month;
    std::optional<std::string> candle_time;  // open time of the 15-minute candle scored
    std::optional<std::string> wave_time;    // the producer's wave instant, if it sets one
    std::string received_at;                 // NOT NULL, default now()
};

// A validated signal in internal vocabulary. The side is the order side of the entry (a "LONG"
// signal is a buy). Scores are not capped: the original's 0..100 cap rejected valid V3 scores
// (original-bot.md §11 #64); the min-score thresholds are the only bounds.
struct signal {
    std::int64_t id = 0;
    std::string source;
    std::optional<std::string> external_id;
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    core::side side = core::side::buy;
    core::decimal score_week;
    core::decimal score_month;
    time_point candle_time;  // on a 15-minute boundary
    std::optional<time_point> wave_time;
    time_point received_at;

    // The ranking score of the original V2 (score_week + score_month).
    [[nodiscard]] core::decimal score() const { return score_week + score_month; }
};

// Why a row is not a signal. The row is marked 'rejected' with to_string(reason) and the message;
// the poller goes on with the next row (DESIGN.md rule 10).
enum class reject_reason : std::uint8_t {
    bad_id,               // id <= 0
    bad_source,           // empty source
    bad_exchange,         // not binance / bybit (or FAS ids 1 / 2)
    bad_symbol,           // not a symbol in any accepted spelling
    bad_side,             // not buy / sell / long / short (e.g. NO_TRADE)
    missing_score,        // score_week or score_month is NULL
    bad_score,            // not a finite decimal
    missing_candle_time,  // NULL candle_time: the signal belongs to no wave
    bad_candle_time,      // unparseable, or not on a 15-minute boundary
    bad_wave_time,        // present but unparseable
    bad_received_at,      // unparseable
    missing_external_id,  // an external scoring row without its id (signals::validate_external)
    future_time,          // candle or wave time ahead of now beyond the clock-skew allowance (signal_window)
};

[[nodiscard]] std::string_view to_string(reject_reason r) noexcept;

struct reject {
    reject_reason reason = reject_reason::bad_id;
    std::string message;  // names the field and quotes the offending text
};

// Found by ADL from result<signal, reject>::value(); test has_value() instead.
[[noreturn]] void throw_exception_from_error(const reject& r, const boost::source_location& loc);

using validation = boost::system::result<signal, reject>;

// Checks every field, first failure wins, in raw_signal's field order. Never throws.
// Text fields are trimmed of ASCII blanks; exchange and side are case-insensitive.
[[nodiscard]] validation validate(const raw_signal& raw) noexcept;
// The same checks on a row read from our signals table, whose times PostgreSQL has typed
// already: they are taken as they are (range and candle grid checked), not printed and parsed.
[[nodiscard]] validation validate(const db::signal_row& row) noexcept;

}  // namespace tradebot::signals
