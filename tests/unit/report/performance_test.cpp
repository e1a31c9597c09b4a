#include <gtest/gtest.h>

#include "tradebot/report/performance.hpp"

namespace tradebot::report {
namespace {

using namespace core::literals;
using namespace std::chrono_literals;

// 2026-01-01T00:00:00Z
constexpr auto day0 = time_point{std::chrono::seconds{1767225600}};

closed_position pos(std::int64_t id, core::exchange_id ex, const char* symbol, std::optional<time_point> opened,
                    time_point closed, core::decimal gross, core::decimal fees, const char* reason) {
    closed_position p;
    p.id = id;
    p.exchange = ex;
    p.symbol = symbol;
    p.quantity = "0.01"_d;
    p.opened_at = opened;
    p.closed_at = closed;
    p.gross_pnl = gross;
    p.fees = fees;
    p.close_reason = reason;
    return p;
}

// Four closes, computed by hand:
//   #1 BTCUSDT binance 00:00-02:00 day 1   +10.5 - 0.5  = +10.00  trailing_stop
//   #2 ETHUSDT bybit   01:00-04:00 day 1    -4   - 0.25 =  -4.25  stop_loss
//   #3 BTCUSDT binance 00:00-00:30 day 2    -6   - 0.75 =  -6.75  stop_failed: ...
//   #4 SOLUSDT binance ?    -00:00 day 3    +3.2 - 0.2  =  +3.00  (no reason)
// equity 10, 5.75, -1, 2; peak 10; drawdown 0, 4.25, 11, 8.
std::vector<closed_position> sample() {
    using core::exchange_id;
    return {
        pos(3, exchange_id::binance, "BTCUSDT", day0 + 24h, day0 + 24h + 30min, "-6"_d, "0.75"_d,
            "stop_failed: venue refused the stop"),
        pos(1, exchange_id::binance, "BTCUSDT", day0, day0 + 2h, "10.5"_d, "0.5"_d, "trailing_stop"),
        pos(4, exchange_id::binance, "SOLUSDT", std::nullopt, day0 + 48h, "3.2"_d, "0.2"_d, ""),
        pos(2, exchange_id::bybit, "ETHUSDT", day0 + 1h, day0 + 4h, "-4"_d, "0.25"_d, "stop_loss"),
    };
}

TEST(performance, totals_pinned_by_hand) {
    const auto p = compute(sample());
    const auto& t = p.total;
    EXPECT_EQ(t.positions, 4);
    EXPECT_EQ(t.wins, 2);
    EXPECT_EQ(t.losses, 2);
    EXPECT_EQ(t.net_pnl, "2"_d);
    EXPECT_EQ(t.gross_pnl, "3.7"_d);
    EXPECT_EQ(t.fees, "1.7"_d);
    EXPECT_EQ(t.gross_profit, "13"_d);
    EXPECT_EQ(t.gross_loss, "-11"_d);
    EXPECT_EQ(t.win_rate_percent()->to_string(), "50.00");
    EXPECT_EQ(t.profit_factor()->to_string(), "1.1818");  // 13 / 11
    EXPECT_EQ(t.average_win()->to_string(), "6.5");
    EXPECT_EQ(t.average_loss()->to_string(), "-5.5");
    EXPECT_EQ(p.max_drawdown, "11"_d);
    ASSERT_TRUE(p.average_holding);
    EXPECT_EQ(p.average_holding->count(), 6600);  // (7200 + 10800 + 1800) / 3; #4 has no open time
}

TEST(performance, curve_in_close_order) {
    const auto p = compute(sample());
    ASSERT_EQ(p.curve.size(), 4U);
    const std::vector<std::int64_t> ids{1, 2, 3, 4};
    const std::vector<core::decimal> equity{"10"_d, "5.75"_d, "-1"_d, "2"_d};
    const std::vector<core::decimal> drawdown{"0"_d, "4.25"_d, "11"_d, "8"_d};
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(p.curve[i].position_id, ids[i]);
        EXPECT_EQ(p.positions[i].id, ids[i]);
        EXPECT_EQ(p.curve[i].equity, equity[i]) << i;
        EXPECT_EQ(p.curve[i].drawdown, drawdown[i]) << i;
    }
}

TEST(performance, groups) {
    const auto p = compute(sample());
    ASSERT_EQ(p.by_exchange.size(), 2U);
    EXPECT_EQ(p.by_exchange.at("binance").positions, 3);
    EXPECT_EQ(p.by_exchange.at("binance").net_pnl, "6.25"_d);
    EXPECT_EQ(p.by_exchange.at("bybit").net_pnl, "-4.25"_d);
    EXPECT_EQ(p.by_exchange.at("bybit").profit_factor()->to_string(), "0.0000");  // no win, one loss: 0 / 4.25
    ASSERT_EQ(p.by_symbol.size(), 3U);
    EXPECT_EQ(p.by_symbol.at("BTCUSDT").net_pnl, "3.25"_d);
    EXPECT_EQ(p.by_symbol.at("BTCUSDT").profit_factor()->to_string(), "1.4815");  // 10 / 6.75
    EXPECT_FALSE(p.by_symbol.at("SOLUSDT").profit_factor());                       // no loss
    ASSERT_EQ(p.by_exit_reason.size(), 4U);
    EXPECT_EQ(p.by_exit_reason.at("stop_failed").net_pnl, "-6.75"_d);
    EXPECT_EQ(p.by_exit_reason.at("unknown").positions, 1);
    EXPECT_EQ(p.by_exit_reason.at("trailing_stop").wins, 1);
    ASSERT_EQ(p.by_day.size(), 3U);
    EXPECT_EQ(p.by_day.at("2026-01-01").positions, 2);
    EXPECT_EQ(p.by_day.at("2026-01-01").net_pnl, "5.75"_d);
    EXPECT_EQ(p.by_day.at("2026-01-02").net_pnl, "-6.75"_d);
    EXPECT_EQ(p.by_day.at("2026-01-03").win_rate_percent()->to_string(), "100.00");
}

TEST(performance, empty_report_has_no_ratios) {
    const auto p = compute({});
    EXPECT_EQ(p.total.positions, 0);
    EXPECT_FALSE(p.total.win_rate_percent());
    EXPECT_FALSE(p.total.profit_factor());
    EXPECT_FALSE(p.total.average_win());
    EXPECT_FALSE(p.average_holding);
    EXPECT_TRUE(p.max_drawdown.is_zero());
    EXPECT_TRUE(p.curve.empty());
}

TEST(performance, a_breakeven_close_is_neither_win_nor_loss) {
    const auto p = compute({pos(1, core::exchange_id::binance, "BTCUSDT", day0, day0 + 1min, "0.1"_d, "0.1"_d, "x")});
    EXPECT_EQ(p.total.wins, 0);
    EXPECT_EQ(p.total.losses, 0);
    EXPECT_EQ(p.total.win_rate_percent()->to_string(), "0.00");
}

TEST(performance, helpers) {
    EXPECT_EQ(exit_reason_group("stop_failed: x: y"), "stop_failed");
    EXPECT_EQ(exit_reason_group("manual_close"), "manual_close");
    EXPECT_EQ(exit_reason_group(""), "unknown");
    EXPECT_EQ(utc_day(day0 + 23h + 59min), "2026-01-01");
    EXPECT_EQ(utc_time(day0 + 90s), "2026-01-01T00:01:30Z");
    EXPECT_EQ(duration_text(42s), "42s");
    EXPECT_EQ(duration_text(std::chrono::seconds{6600}), "1h 50m");
    EXPECT_EQ(duration_text(std::chrono::seconds{90061}), "1d 01h");
}

}  // namespace
}  // namespace tradebot::report

namespace tradebot::report {
namespace {

TEST(report_period, bounds) {
    using namespace std::chrono_literals;
    const auto jan1 = time_point{std::chrono::seconds{1767225600}};
    EXPECT_EQ(parse_bound("2026-01-01", false), jan1);
    EXPECT_EQ(parse_bound("2026-01-01", true), jan1 + 24h);
    EXPECT_EQ(parse_bound("2026-01-01T13:05:09Z", true), jan1 + 13h + 5min + 9s);
    EXPECT_FALSE(parse_bound("2026-02-30", false));
    EXPECT_FALSE(parse_bound("2026-1-01", false));
    EXPECT_FALSE(parse_bound("yesterday", false));
    EXPECT_FALSE(parse_bound("2026-01-01T25:00:00Z", false));
    EXPECT_FALSE(parse_bound("2026-01-01 10:00", false));
}

}  // namespace
}  // namespace tradebot::report
