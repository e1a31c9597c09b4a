#include "tradebot/report/performance.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace tradebot::report {

namespace {

using core::decimal;
using core::rounding;

constexpr int ratio_scale = 4;
constexpr int percent_scale = 2;
constexpr int money_scale = 8;

}  // namespace

std::optional<decimal> group_stats::win_rate_percent() const {
    if (positions == 0) {
        return std::nullopt;
    }
    return decimal::from_int(static_cast<std::int64_t>(wins) * 100)
        .divide(decimal::from_int(positions), percent_scale, rounding::half_up);
}

std::optional<decimal> group_stats::profit_factor() const {
    if (!gross_loss.is_negative()) {
        return std::nullopt;
    }
    return gross_profit.divide(gross_loss.abs(), ratio_scale, rounding::half_up);
}

std::optional<decimal> group_stats::average_win() const {
    if (wins == 0) {
        return std::nullopt;
    }
    return gross_profit.divide(decimal::from_int(wins), money_scale, rounding::half_up).normalized();
}

std::optional<decimal> group_stats::average_loss() const {
    if (losses == 0) {
        return std::nullopt;
    }
    return gross_loss.divide(decimal::from_int(losses), money_scale, rounding::half_up).normalized();
}

void group_stats::add(const closed_position& p) {
    const auto net = p.net_pnl();
    ++positions;
    net_pnl += net;
    gross_pnl += p.gross_pnl;
    fees += p.fees;
    if (net.is_positive()) {
        ++wins;
        gross_profit += net;
    } else if (net.is_negative()) {
        ++losses;
        gross_loss += net;
    }
}

std::string exit_reason_group(const std::string& reason) {
    const auto colon = reason.find(':');
    auto head = reason.substr(0, colon);
    while (!head.empty() && head.back() == ' ') {
        head.pop_back();
    }
    return head.empty() ? std::string{"unknown"} : head;
}

namespace {

std::tm utc_tm(time_point t) {
    const auto secs = std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
    const auto tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return tm;
}

}  // namespace

std::string utc_day(time_point t) {
    const auto tm = utc_tm(t);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return buf;
}

std::string utc_time(time_point t) {
    const auto tm = utc_tm(t);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string duration_text(std::chrono::seconds d) {
    const auto s = d.count();
    char buf[80];
    if (s < 60) {
        std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
    } else if (s < 3600) {
        std::snprintf(buf, sizeof buf, "%lldm %02llds", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
    } else if (s < 86400) {
        std::snprintf(buf, sizeof buf, "%lldh %02lldm", static_cast<long long>(s / 3600),
                      static_cast<long long>(s % 3600 / 60));
    } else {
        std::snprintf(buf, sizeof buf, "%lldd %02lldh", static_cast<long long>(s / 86400),
                      static_cast<long long>(s % 86400 / 3600));
    }
    return buf;
}

performance compute(std::vector<closed_position> positions, std::optional<time_point> since,
                    std::optional<time_point> until) {
    std::sort(positions.begin(), positions.end(), [](const closed_position& a, const closed_position& b) {
        return a.closed_at != b.closed_at ? a.closed_at < b.closed_at : a.id < b.id;
    });
    performance out;
    out.since = since;
    out.until = until;
    decimal equity;
    decimal peak;
    std::chrono::seconds held{0};
    int timed = 0;
    for (const auto& p : positions) {
        out.total.add(p);
        out.by_symbol[p.symbol].add(p);
        out.by_exchange[std::string{core::to_string(p.exchange)}].add(p);
        out.by_exit_reason[exit_reason_group(p.close_reason)].add(p);
        out.by_day[utc_day(p.closed_at)].add(p);
        equity += p.net_pnl();
        peak = std::max(peak, equity);
        const auto drawdown = peak - equity;
        out.max_drawdown = std::max(out.max_drawdown, drawdown);
        out.curve.push_back(curve_point{p.closed_at, p.id, equity, drawdown});
        if (p.opened_at && *p.opened_at <= p.closed_at) {
            held += std::chrono::floor<std::chrono::seconds>(p.closed_at - *p.opened_at);
            ++timed;
        }
    }
    if (timed > 0) {
        out.average_holding = held / timed;
    }
    out.positions = std::move(positions);
    return out;
}

}  // namespace tradebot::report
