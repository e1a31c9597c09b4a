#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradebot/backtest/funding_file.hpp"
#include "tradebot/backtest/price_history.hpp"
#include "tradebot/backtest/signal_file.hpp"
#include "tradebot/exchange/instrument_rules.hpp"
#include "tradebot/config/settings.hpp"

namespace tradebot::backtest {

// The path a 1-minute bar's price takes between its open and its close; each bar is replayed as
// four marks 15 s apart (open, first extreme, second extreme, close).
//   worst:      the extreme against the symbol's open position first (long: low then high;
//               short: high then low); without a position, the extreme away from the close first
//   optimistic: the extreme in favour of the position first; without one, as worst
//   ohlc:       open, high, low, close for every bar
enum class intrabar : std::uint8_t { worst, optimistic, ohlc };

[[nodiscard]] std::string_view to_string(intrabar i) noexcept;
[[nodiscard]] std::optional<intrabar> parse_intrabar(std::string_view text) noexcept;

struct run_options {
    intrabar order = intrabar::worst;
    core::decimal starting_balance = core::decimal::from_int(10'000);  // per venue, USDT
    core::decimal slippage_bps;                                         // market orders and stops
    core::decimal maker_fee_rate = core::decimal::from_string("0.0002");
    core::decimal taker_fee_rate = core::decimal::from_string("0.0005");
    // Funding rate of every symbol, settled by the engine at each funding time (00/08/16 UTC) on
    // the open positions at the mark then (longs pay a positive rate). Zero: no funding.
    core::decimal funding_rate;
    // Recorded funding rates (load_funding): each settled by the engine at its own time on the
    // symbol's open position, at the mark then. Instead of funding_rate (which must then be zero).
    const funding_history* funding = nullptr;
    // The instruments (a scenario's); a symbol without one gets rules derived from its prices.
    const std::map<core::symbol, exchange::instrument_rules>* instruments = nullptr;
    // Mark-price klines (Binance's markPriceKlines dumps): when given, these are the marks replayed
    // (what fills, stops and the trading core see) and `prices` serve only the instruments and
    // the filters' market stats (volume). Same symbols in both.
    const price_history* marks = nullptr;
    // Feed every symbol's four marks of every bar to the venues and the trading core, even a flat
    // symbol's that change nothing: the slow reference the replay's skipping is tested against.
    bool every_mark = false;
    // Called every few thousand bars and at the end: (minutes replayed, minutes in total).
    std::function<void(std::size_t, std::size_t)> progress;
};

// One closed position.
struct trade {
    std::int64_t position_id = 0;
    std::optional<std::int64_t> signal_id;
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    core::position_side side = core::position_side::long_;
    std::int64_t entry_ms = 0;
    std::int64_t exit_ms = 0;
    core::decimal entry_price;
    core::decimal exit_price;
    core::decimal quantity;
    std::optional<core::decimal> last_stop;  // the protective stop's last trigger price
    core::decimal fees;       // entry and exit fills, USDT
    core::decimal funding;    // funding settled on the position while it was open: + received, - paid
    core::decimal gross_pnl;  // (exit - entry) x qty, signed for the side
    core::decimal net_pnl;    // gross - fees + funding
    // stop_loss / trailing_stop (the venue's stop filled, trailed or not), aged_*, backtest_end, or
    // another reason of the trading core's
    std::string exit_reason;
    std::string core_reason;  // the close reason the trading core recorded (closed_on_venue for a stop)
};

struct equity_point {
    std::int64_t ms = 0;
    core::decimal equity;  // wallet + unrealized, all venues
};

struct signal_outcome {
    std::int64_t id = 0;
    int line = 0;
    std::string outcome;  // taken, skipped, failed, rejected, expired, not_decided
    std::string reason;
    std::string detail;
};

struct run_result {
    intrabar order = intrabar::worst;
    std::int64_t first_ms = 0;
    std::int64_t last_ms = 0;
    std::size_t minutes = 0;
    std::size_t exposed_minutes = 0;  // minutes that closed with at least one position open
    std::size_t symbols = 0;
    core::decimal starting_equity;
    core::decimal final_equity;
    // Every funding payment the engine settled (+ received, - paid), the trades' and any other's.
    core::decimal funding;
    std::size_t funding_settlements = 0;  // payments settled (a symbol's funding time with a position)
    std::vector<trade> trades;  // by position id
    std::vector<equity_point> equity;  // at each minute's close
    std::vector<signal_outcome> signals;  // by id
    std::vector<std::string> notes;  // how the backtest differs from live trading
};

// Replays `prices` minute by minute on a manual clock through the trading core that trades live:
// per enabled venue the paper venue (sim::engine, the engine `--mode test` uses: fees, slippage,
// mark-price stop triggers, funding, liquidation) and a trading::position_manager (entry, the
// exchange-side stop, trailing, aged exits, reconcile), and the signal pipeline's
// pipeline::entry_decider (wave selection, filter chain, sizing, risk limits) at each wave of
// signals.wave_minutes (every minute in signals.immediate mode). The trading core's stores are
// in memory. Positions still open after the last bar are closed at market (reason
// backtest_end). Deterministic: the same inputs give the same result.
[[nodiscard]] run_result run(const config::settings& settings, const price_history& prices,
                             const std::vector<signal_line>& signals, const run_options& options);

}  // namespace tradebot::backtest
