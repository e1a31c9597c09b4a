#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tradebot/report/render.hpp"

namespace tradebot::report {
namespace {

using namespace core::literals;
using namespace std::chrono_literals;

constexpr auto render_day0 = time_point{std::chrono::seconds{1767225600}};  // 2026-01-01T00:00:00Z

performance sample_performance() {
    closed_position a;
    a.id = 7;
    a.exchange = core::exchange_id::binance;
    a.symbol = "BTCUSDT";
    a.quantity = "0.010"_d;
    a.entry_price = "60000"_d;
    a.exit_price = "61000.5"_d;
    a.opened_at = render_day0;
    a.closed_at = render_day0 + 1h;
    a.gross_pnl = "10.005"_d;
    a.fees = "0.4826"_d;
    a.close_reason = "trailing_stop";
    closed_position b = a;
    b.id = 8;
    b.symbol = "ETHUSDT";
    b.exchange = core::exchange_id::bybit;
    b.side = core::position_side::short_;
    b.opened_at.reset();
    b.closed_at = render_day0 + 25h;
    b.gross_pnl = "-3"_d;
    b.fees = "0.1"_d;
    b.close_reason = "=cmd(), \"quoted\" <b>";
    return compute({a, b}, render_day0, render_day0 + 48h);
}

render_options options() { return render_options{"test", render_day0 + 49h}; }

TEST(report_render, formats_parse) {
    EXPECT_EQ(parse_format("html"), format::html);
    EXPECT_EQ(parse_format("csv"), format::csv);
    EXPECT_FALSE(parse_format("xml"));
}

TEST(report_render, csv_has_one_row_per_position_and_neutralises_formulas) {
    const auto csv = render_csv(sample_performance());
    EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
              "position_id,exchange,symbol,side,quantity,entry_price,exit_price,opened_at,closed_at,holding_seconds,"
              "close_reason,gross_pnl,fees,net_pnl,equity,drawdown");
    EXPECT_NE(csv.find("\r\n7,binance,BTCUSDT,long,0.01,60000,61000.5,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z,3600,"
                       "trailing_stop,10.005,0.4826,9.5224,9.5224,0\r\n"),
              std::string::npos)
        << csv;
    EXPECT_NE(csv.find("\r\n8,bybit,ETHUSDT,short,0.01,60000,61000.5,,2026-01-02T01:00:00Z,,"
                       "\"'=cmd(), \"\"quoted\"\" <b>\",-3,0.1,-3.1,6.4224,3.1\r\n"),
              std::string::npos)
        << csv;
}

TEST(report_render, json_keeps_decimals_as_text) {
    const auto v = boost::json::parse(render_json(sample_performance(), options()));
    const auto& o = v.as_object();
    EXPECT_EQ(o.at("mode").as_string(), "test");
    EXPECT_EQ(o.at("since").as_string(), "2026-01-01T00:00:00Z");
    EXPECT_EQ(o.at("total").at("net_pnl").as_string(), "6.4224");
    EXPECT_EQ(o.at("total").at("profit_factor").as_string(), "3.0717");  // 9.5224 / 3.1
    EXPECT_EQ(o.at("max_drawdown").as_string(), "3.1");
    EXPECT_EQ(o.at("average_holding_seconds").as_int64(), 3600);
    EXPECT_EQ(o.at("by_exchange").at("bybit").at("losses").as_int64(), 1);
    EXPECT_EQ(o.at("positions").as_array().size(), 2U);
    EXPECT_EQ(o.at("positions").as_array()[1].at("equity").as_string(), "6.4224");
}

TEST(report_render, text_summary) {
    const auto t = render_text(sample_performance(), options());
    EXPECT_NE(t.find("net PnL:           6.4224 USDT"), std::string::npos) << t;
    EXPECT_NE(t.find("win rate:          50.00 %"), std::string::npos) << t;
    EXPECT_NE(t.find("max drawdown:      3.1 USDT"), std::string::npos) << t;
    EXPECT_NE(t.find("By exit reason"), std::string::npos) << t;
}

TEST(report_render, html_is_self_contained_and_escaped) {
    const auto h = render_html(sample_performance(), options());
    EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0U);
    EXPECT_NE(h.find("<svg"), std::string::npos);
    EXPECT_NE(h.find("<polyline"), std::string::npos);
    EXPECT_NE(h.find("6.4224"), std::string::npos);
    // No script, no asset from anywhere: the only URL is the SVG namespace.
    EXPECT_EQ(h.find("<script"), std::string::npos);
    EXPECT_EQ(h.find("src="), std::string::npos);
    EXPECT_EQ(h.find("href"), std::string::npos);
    EXPECT_EQ(h.find("url("), std::string::npos);
    std::string rest = h;
    for (auto at = rest.find("http"); at != std::string::npos; at = rest.find("http", at + 1)) {
        EXPECT_EQ(rest.compare(at, 26, "http://www.w3.org/2000/svg"), 0) << rest.substr(at, 40);
    }
    EXPECT_EQ(h.find("<b>"), std::string::npos);
    EXPECT_NE(h.find("=cmd(), &quot;quoted&quot; &lt;b&gt;"), std::string::npos);
}

TEST(report_render, html_of_an_empty_period_still_renders) {
    const auto h = render_html(compute({}), options());
    EXPECT_NE(h.find("no closed positions"), std::string::npos);
    EXPECT_NE(h.find("</html>"), std::string::npos);
}

}  // namespace
}  // namespace tradebot::report
