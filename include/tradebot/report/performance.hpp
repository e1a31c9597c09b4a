#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/types.hpp"

// The performance report over closed positions (the original bot's monitoring/performance.py):
// pure arithmetic on exact decimals, so every figure can be pinned by hand in a test.
namespace tradebot::report {

using time_point = core::clock::time_point;

// One closed position as the report sees it. gross_pnl is the fills' realized PnL (or the
// position's recorded PnL when it has no fills); fees are what its fills paid.
struct closed_position {
    std::int64_t id = 0;
    core::exchange_id exchange = core::exchange_id::binance;
    std::string symbol;
    core::position_side side = core::position_side::long_;
    core::decimal quantity;
    std::optional<core::decimal> entry_price;
    std::optional<core::decimal> exit_price;
    std::optional<time_point> opened_at;
    time_point closed_at{};
    std::string close_reason;
    core::decimal gross_pnl;
    core::decimal fees;

    [[nodiscard]] core::decimal net_pnl() const { return gross_pnl - fees; }
};

// The figures of one group of positions (all of them, one symbol, one exchange, one exit reason,
// one UTC day). A position with net PnL above zero is a win, below zero a loss.
struct group_stats {
    int positions = 0;
    int wins = 0;
    int losses = 0;
    core::decimal net_pnl;
    core::decimal gross_pnl;
    core::decimal fees;
    core::decimal gross_profit;  // sum of the wins' net PnL
    core::decimal gross_loss;    // sum of the losses' net PnL (zero or negative)
    // wins / positions in percent, 2 decimals; nullopt without positions.
    [[nodiscard]] std::optional<core::decimal> win_rate_percent() const;
    // gross_profit / |gross_loss|, 4 decimals; nullopt without a loss.
    [[nodiscard]] std::optional<core::decimal> profit_factor() const;
    // Average net PnL of the wins / of the losses, 8 decimals; nullopt without any.
    [[nodiscard]] std::optional<core::decimal> average_win() const;
    [[nodiscard]] std::optional<core::decimal> average_loss() const;

    void add(const closed_position& p);
};

// The equity after each close, in close order, and how far it stood below its peak then.
struct curve_point {
    time_point at{};
    std::int64_t position_id = 0;
    core::decimal equity;
    core::decimal drawdown;  // peak - equity, zero or positive
};

struct performance {
    std::optional<time_point> since;
    std::optional<time_point> until;
    group_stats total;
    // The largest peak-to-trough fall of the equity curve (starting at zero).
    core::decimal max_drawdown;
    // Mean time from open to close over the positions that know their open; nullopt when none.
    std::optional<std::chrono::seconds> average_holding;
    std::map<std::string, group_stats> by_symbol;
    std::map<std::string, group_stats> by_exchange;
    // The close reason up to its first ':' ("stop_failed: venue said ..." counts as stop_failed).
    std::map<std::string, group_stats> by_exit_reason;
    std::map<std::string, group_stats> by_day;  // UTC date of the close, YYYY-MM-DD
    std::vector<curve_point> curve;
    std::vector<closed_position> positions;  // in close order
};

// The report over `positions` (any order; ordered by close time, then id).
[[nodiscard]] performance compute(std::vector<closed_position> positions, std::optional<time_point> since = {},
                                  std::optional<time_point> until = {});

// "stop_failed: ..." -> "stop_failed"; an empty reason -> "unknown".
[[nodiscard]] std::string exit_reason_group(const std::string& reason);
// YYYY-MM-DD of `t` in UTC; YYYY-MM-DDTHH:MM:SSZ.
[[nodiscard]] std::string utc_day(time_point t);
[[nodiscard]] std::string utc_time(time_point t);
// "3h 05m", "2d 04h", "42s".
[[nodiscard]] std::string duration_text(std::chrono::seconds d);

}  // namespace tradebot::report

namespace tradebot::report {

// A period bound from the command line, UTC: "YYYY-MM-DD" (its midnight, or with `end_of_day`
// the next midnight, so --until 2026-01-31 includes that day) or "YYYY-MM-DDTHH:MM:SSZ" (that
// instant). nullopt when the text is neither or names no real date.
[[nodiscard]] std::optional<time_point> parse_bound(std::string_view text, bool end_of_day);

}  // namespace tradebot::report
