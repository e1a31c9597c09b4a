// What the reports show: the HTML's table has a row per trade and the charts have paths; the CSV
// has a line per trade; the statistics are computed from the trades and the equity curve.
#include <regex>

#include <gtest/gtest.h>

#include "scenario.hpp"
#include "tradebot/backtest/report.hpp"

namespace tradebot::backtest::test {
namespace {

using namespace core::literals;

run_result two_trades() {
    run_result r;
    r.order = intrabar::optimistic;
    r.first_ms = at(0);
    r.last_ms = at(120);
    r.starting_equity = "1000"_d;
    r.final_equity = "1003"_d;
    trade win;
    win.position_id = 1;
    win.symbol = core::symbol::from_string("AAAUSDT");
    win.entry_ms = at(0);
    win.exit_ms = at(60);
    win.net_pnl = "5"_d;
    win.fees = "0.5"_d;
    win.gross_pnl = "5.5"_d;
    win.exit_reason = "trailing_stop";
    trade loss = win;
    loss.position_id = 2;
    loss.side = core::position_side::short_;
    loss.exit_ms = at(30);
    loss.net_pnl = "-2"_d;
    loss.gross_pnl = "-1.5"_d;
    loss.exit_reason = "stop_loss, \"gap\"";  // quoted in the CSV, escaped in JSON and HTML
    r.trades = {win, loss};
    r.equity = {{at(0), "1000"_d}, {at(30), "1006"_d}, {at(60), "1001"_d}, {at(120), "1003"_d}};
    return r;
}

TEST(backtest_report, statistics_come_from_the_trades_and_the_equity_curve) {
    const auto s = summarize(two_trades());
    EXPECT_EQ(s.trades, 2U);
    EXPECT_EQ(s.wins, 1U);
    EXPECT_DOUBLE_EQ(s.win_rate, 0.5);
    ASSERT_TRUE(s.profit_factor);
    EXPECT_DOUBLE_EQ(*s.profit_factor, 2.5);
    EXPECT_EQ(s.net_pnl, "3"_d);
    EXPECT_EQ(s.fees, "1"_d);
    EXPECT_EQ(s.max_drawdown, "5"_d);               // 1006 -> 1001
    EXPECT_EQ(s.max_drawdown_percent, "0.50"_d);    // of the peak, 2 decimals
    EXPECT_EQ(s.average_holding_ms, 45 * minute);  // (60 + 30) / 2 minutes
    EXPECT_EQ(s.other, "0"_d);
}

TEST(backtest_report, sharpe_sortino_and_exposure_come_from_daily_equity_and_minutes) {
    run_result r;
    r.starting_equity = "1000"_d;
    r.minutes = 4 * 1440;
    r.exposed_minutes = 1440;
    constexpr int day = 1440;
    // Each day's last minute counts: 1010, 1000, 1020 (the 1500 earlier on day 1 does not).
    r.equity = {{at(0), "1001"_d}, {at(day - 1), "1010"_d}, {at(day), "1500"_d}, {at(2 * day - 1), "1000"_d},
                {at(3 * day - 1), "1020"_d}};
    const auto s = summarize(r);
    // Returns 1 %, -0.990099 %, 2 %: mean / sample deviation x sqrt(365), and mean / downside
    // deviation (over all days, target 0) x sqrt(365).
    ASSERT_TRUE(s.sharpe && s.sortino);
    EXPECT_NEAR(*s.sharpe, 8.4091, 1e-4);
    EXPECT_NEAR(*s.sortino, 22.3914, 1e-4);
    EXPECT_DOUBLE_EQ(s.exposure, 0.25);
    r.equity.resize(2);  // one day: no ratio
    EXPECT_FALSE(summarize(r).sharpe);
}

TEST(backtest_report, html_has_a_row_per_trade_two_charts_and_the_intrabar_order) {
    const auto r = two_trades();
    const auto html = to_html(r, summarize(r));
    const std::regex row{"<tr class=\"trade\">"};
    EXPECT_EQ(std::distance(std::sregex_iterator(html.begin(), html.end(), row), std::sregex_iterator()), 2);
    const std::regex path{"<path class=\"(equity|drawdown)\" d=\"M[0-9.]+,[0-9.]+( L[0-9.]+,[0-9.]+){3}\"/>"};
    EXPECT_EQ(std::distance(std::sregex_iterator(html.begin(), html.end(), path), std::sregex_iterator()), 2) << html;
    EXPECT_NE(html.find("<b id=\"intrabar\">optimistic</b>"), std::string::npos);
    EXPECT_NE(html.find("stop_loss, &quot;gap&quot;"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("http"), std::string::npos) << "the page must not load anything";
}

TEST(backtest_report, csv_has_a_line_per_trade_and_quotes_what_needs_it) {
    const auto csv = trades_csv(two_trades());
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
    EXPECT_NE(csv.find(",\"stop_loss, \"\"gap\"\"\","), std::string::npos) << csv;
}

TEST(backtest_report, json_escapes_and_keeps_decimals_exact) {
    const auto r = two_trades();
    const auto json = to_json(r, summarize(r));
    EXPECT_NE(json.find("\"exit_reason\": \"stop_loss, \\\"gap\\\"\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"net_pnl\": 3,"), std::string::npos);
    EXPECT_NE(json.find("\"profit_factor\": 2.5000"), std::string::npos);
}

}  // namespace
}  // namespace tradebot::backtest::test
