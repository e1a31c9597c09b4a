#include <algorithm>
#include <cmath>

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
        s.funding += t.funding;
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
    // Daily returns: each UTC day's last equity against the previous day's (the start for the first).
    constexpr std::int64_t day_ms = 86'400'000;
    std::vector<double> returns;
    double previous = std::stod(r.starting_equity.to_string());
    for (std::size_t i = 0; i < r.equity.size(); ++i) {
        const bool last_of_day = i + 1 == r.equity.size() || r.equity[i + 1].ms / day_ms != r.equity[i].ms / day_ms;
        if (!last_of_day) continue;
        const double e = std::stod(r.equity[i].equity.to_string());
        if (previous > 0) returns.push_back(e / previous - 1);
        previous = e;
    }
    if (returns.size() >= 2) {
        double mean = 0;
        for (const double x : returns) mean += x;
        mean /= static_cast<double>(returns.size());
        double var = 0;
        double down = 0;
        for (const double x : returns) {
            var += (x - mean) * (x - mean);
            down += std::min(x, 0.0) * std::min(x, 0.0);
        }
        const double sd = std::sqrt(var / static_cast<double>(returns.size() - 1));
        const double dd = std::sqrt(down / static_cast<double>(returns.size()));
        const double year = std::sqrt(365.0);
        if (sd > 0) s.sharpe = mean / sd * year;
        if (dd > 0) s.sortino = mean / dd * year;
    }
    if (r.minutes > 0) {
        s.exposure = static_cast<double>(r.exposed_minutes) / static_cast<double>(r.minutes);
    }
    for (const auto& o : r.signals) {
        ++s.signal_outcomes[o.outcome];
    }
    return s;
}

}  // namespace tradebot::backtest
