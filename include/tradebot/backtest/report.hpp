#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "tradebot/backtest/runner.hpp"

namespace tradebot::backtest {

struct group_result {
    std::size_t trades = 0;
    std::size_t wins = 0;
    core::decimal net_pnl;
};

// The numbers of the summary, from the trades and the equity curve.
struct statistics {
    std::size_t trades = 0;
    std::size_t wins = 0;    // net PnL > 0
    std::size_t losses = 0;  // net PnL <= 0
    core::decimal gross_pnl;
    core::decimal fees;
    core::decimal funding;       // of the trades: + received, - paid
    core::decimal net_pnl;       // of the trades: gross - fees + funding
    core::decimal gross_profit;  // sum of the winning trades' net PnL
    core::decimal gross_loss;    // sum of the losing trades' net PnL (<= 0)
    // Equity change not in the trades (funding on a position the trading core did not hold,
    // liquidation fees): final - start - net_pnl.
    core::decimal other;
    core::decimal max_drawdown;          // USDT, peak to trough of the equity curve
    core::decimal max_drawdown_percent;  // of the peak, 2 decimals
    std::optional<double> profit_factor;  // gross profit / |gross loss|; none without losses
    double win_rate = 0;                  // wins / trades, 0..1
    std::int64_t average_holding_ms = 0;
    // From the daily (UTC) returns of the equity at each day's last minute, annualized with
    // sqrt(365) (crypto trades every day), risk-free rate 0; none with fewer than two days or
    // without variation (Sortino: without a losing day).
    std::optional<double> sharpe;
    std::optional<double> sortino;
    double exposure = 0;  // share of the minutes with a position open, 0..1
    std::map<std::string, group_result> by_reason;
    std::map<std::string, group_result> by_symbol;    // "binance:BTCUSDT"
    std::map<std::string, group_result> by_exchange;
    std::map<std::string, std::size_t> signal_outcomes;  // taken, skipped, expired ...
};

[[nodiscard]] statistics summarize(const run_result& r);

// Byte-identical for the same result: fixed key order, decimals exactly as computed.
[[nodiscard]] std::string to_json(const run_result& r, const statistics& s);
// One row per trade: symbol, side, entry/exit time and price, qty, fee, PnL, exit reason.
[[nodiscard]] std::string trades_csv(const run_result& r);
// A self-contained page (inline SVG and CSS, no scripts or external assets).
[[nodiscard]] std::string to_html(const run_result& r, const statistics& s);
// The few lines the command prints.
[[nodiscard]] std::string summary_text(const run_result& r, const statistics& s);

// 2024-01-01T00:00:00Z
[[nodiscard]] std::string iso_time(std::int64_t ms);

}  // namespace tradebot::backtest
