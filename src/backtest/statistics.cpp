#include <algorithm>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "tradebot/backtest/report.hpp"

namespace tradebot::backtest {

using core::decimal;

std::string iso_time(std::int64_t ms) {
    const auto t = std::chrono::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}};
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::time_point_cast<std::chrono::seconds>(t));
}

statistics summarize(const run_result& r) {
    statistics s;
    std::int64_t held = 0;
    for (const auto& t : r.trades) {
        ++s.trades;
        const bool win = t.net_pnl.is_positive();
        win ? ++s.wins : ++s.losses;
        s.gross_pnl += t.gross_pnl;
        s.fees += t.fees;
        s.net_pnl += t.net_pnl;
        (win ? s.gross_profit : s.gross_loss) += t.net_pnl;
        held += t.exit_ms - t.entry_ms;
        const auto add = [&](group_result& g) {
            ++g.trades;
            g.wins += win ? 1 : 0;
            g.net_pnl += t.net_pnl;
        };
        add(s.by_reason[t.exit_reason]);
        add(s.by_symbol[std::string{core::to_string(t.exchange)} + ":" + t.symbol.str()]);
        add(s.by_exchange[std::string{core::to_string(t.exchange)}]);
    }
    if (s.trades > 0) {
        s.win_rate = static_cast<double>(s.wins) / static_cast<double>(s.trades);
        s.average_holding_ms = held / static_cast<std::int64_t>(s.trades);
    }
    if (s.gross_loss.is_negative()) {
        s.profit_factor = std::stod(s.gross_profit.to_string()) / -std::stod(s.gross_loss.to_string());
    }
    s.other = r.final_equity - r.starting_equity - s.net_pnl;
    decimal peak = r.starting_equity;
    for (const auto& p : r.equity) {
        peak = std::max(peak, p.equity);
        const auto dd = peak - p.equity;
        if (dd > s.max_drawdown) {
            s.max_drawdown = dd;
            if (peak.is_positive()) {
                s.max_drawdown_percent = (dd * decimal::from_int(100)).divide(peak, 2, core::rounding::half_even);
            }
        }
    }
    for (const auto& o : r.signals) {
        ++s.signal_outcomes[o.outcome];
    }
    return s;
}

}  // namespace tradebot::backtest
