// Recorded funding rates: the venues' layouts read, bad files named by file and line, and each
// rate settled by the engine at its own time on the open position, booked to its trade.
#include <algorithm>

#include <gtest/gtest.h>

#include "scenario.hpp"
#include "tradebot/backtest/funding_file.hpp"
#include "tradebot/backtest/report.hpp"

namespace tradebot::backtest::test {
namespace {

using namespace core::literals;
namespace fs = std::filesystem;

const core::symbol funding_symbol = core::symbol::from_string("TESTUSDT");

class funding_files : public input_files_test {
protected:
    price_history prices_ = flat_then(-60, 600, {});
    std::vector<funding_point> read(const fs::path& p) {
        const auto r = load_funding(p, prices_);
        EXPECT_TRUE(r.value) << r.error;
        if (!r.value || !r.value->contains(funding_symbol)) return {};
        return r.value->at(funding_symbol);
    }
    std::string error(const std::string& name, const std::string& text) {
        const auto r = load_funding(write(name, text), prices_);
        EXPECT_FALSE(r.value);
        return r.error;
    }
};

TEST_F(funding_files, binance_api_json_and_csv_are_read) {
    // GET /fapi/v1/fundingRate as saved: the API stamps a few ms after the hour.
    const auto json = read(write("binance.json", R"([
  {"symbol": "TESTUSDT", "fundingTime": 1735689600003, "fundingRate": "0.00010000", "markPrice": "100.00"},
  {"symbol": "TESTUSDT", "fundingTime": 1735704000000, "fundingRate": "-0.00005000", "markPrice": "100.00"}
])"));
    ASSERT_EQ(json.size(), 2U);
    EXPECT_EQ(json[0].ms, t0);
    EXPECT_EQ(json[0].rate, "0.0001"_d);
    EXPECT_EQ(json[0].line, 2);
    EXPECT_EQ(json[1].ms, at(4 * 60));
    EXPECT_EQ(json[1].rate, "-0.00005"_d);
    EXPECT_EQ(json[1].line, 3);
    const auto csv = read(write("binance.csv", "symbol,fundingTime,fundingRate,markPrice\n"
                                               "TESTUSDT,1735689600000,0.00010000,100.00\n"
                                               "TESTUSDT,1735718400000,0.00020000,100.00\n"));
    ASSERT_EQ(csv.size(), 2U);
    EXPECT_EQ(csv[1].ms, at(8 * 60));
    EXPECT_EQ(csv[1].rate, "0.0002"_d);
    EXPECT_EQ(csv[1].line, 3);
}

TEST_F(funding_files, bybit_answer_newest_first_and_binance_dump_are_read) {
    // GET /v5/market/funding/history as saved: newest first, read reversed.
    const auto bybit = read(write("bybit.json", R"({"retCode": 0, "retMsg": "OK", "result": {"category": "linear", "list": [
  {"symbol": "TESTUSDT", "fundingRate": "0.0002", "fundingRateTimestamp": "1735704000000"},
  {"symbol": "TESTUSDT", "fundingRate": "-0.0001", "fundingRateTimestamp": "1735689600000"}
]}, "retExtInfo": {}, "time": 1735704000100})"));
    ASSERT_EQ(bybit.size(), 2U);
    EXPECT_EQ(bybit[0].ms, t0);
    EXPECT_EQ(bybit[0].rate, "-0.0001"_d);
    EXPECT_EQ(bybit[0].line, 3);
    EXPECT_EQ(bybit[1].ms, at(4 * 60));
    // data.binance.vision's monthly dump: the symbol is the file name's.
    const auto dump = read(write("TESTUSDT-fundingRate-2025-01.csv", "calc_time,funding_interval_hours,last_funding_rate\n"
                                                                     "1735689600000,8,0.00010000\n"
                                                                     "1735718400000,8,0.00003000\n"));
    ASSERT_EQ(dump.size(), 2U);
    EXPECT_EQ(dump[1].rate, "0.00003"_d);
}

TEST_F(funding_files, bad_funding_files_are_errors_naming_file_and_line) {
    const std::string head = "symbol,fundingTime,fundingRate\n";
    EXPECT_NE(error("a.csv", "symbol,fundingRate\nTESTUSDT,0.1\n").find("a.csv:1: expected a header"), std::string::npos);
    EXPECT_NE(error("b.csv", head + "TESTUSDT,1735689600000,0.0001\nTESTUSDT,1735689600000,0.0001\n")
                  .find("b.csv:3: repeated funding time of TESTUSDT"),
              std::string::npos);
    EXPECT_NE(error("c.csv", head + "TESTUSDT,1735690500000,0.0001\n").find("c.csv:2: funding time 1735690500000 is not on a whole hour"),
              std::string::npos);
    EXPECT_NE(error("d.csv", head + "TESTUSDT,1735689600000,0.0001\nFOOUSDT,1735689600000,0.0001\n")
                  .find("d.csv:3: no price data for FOOUSDT"),
              std::string::npos);
    EXPECT_NE(error("e.csv", head + "TESTUSDT,1735689600000,lots\n").find("e.csv:2: funding rate 'lots'"), std::string::npos);
    EXPECT_NE(error("f.csv", head + "TESTUSDT,1735718400000,0.0001\nTESTUSDT,1735689600000,0.0001\nTESTUSDT,1735704000000,0.0001\n")
                  .find("f.csv:4: unsorted funding time"),
              std::string::npos);
    EXPECT_NE(error("g.json", "[\n {\"symbol\": \"TESTUSDT\", \"fundingTime\": 1735689600000, \"fundingRate\": \"0.1\"},\n"
                              " {\"symbol\": \"TESTUSDT\", \"fundingRate\": \"0.1\"}\n]")
                  .find("g.json:3: missing 'fundingTime'"),
              std::string::npos);
    EXPECT_NE(error("h.json", "[{\"symbol\": ").find("h.json: not JSON"), std::string::npos);
}

// Long 2.00 at 100.01 from 00:20 (the accounting tests' entry), aged exits off, the price at 100.50
// until 16:30, then closed after the last bar at the bid 100.49:
//   gross (100.49 - 100.01) x 2 = 0.96; fees 0.10001 + 2 x 100.49 x 0.0005 (0.10049) = 0.2005
// Recorded rates, each settled at its own hour on 2 x 100.50 = 201 USDT of notional:
//   00:00 +0.0001  no position yet: nothing
//   04:00 +0.0003  (a 4-hourly symbol: off the 8 h grid) the long pays 201 x 0.0003 = 0.0603
//   08:00 -0.0002  the long receives 0.0402
//   12:00          no rate recorded: nothing
//   16:00 +0.0001  pays 0.0201
//   funding -0.0603 + 0.0402 - 0.0201 = -0.0402; net 0.96 - 0.2005 - 0.0402 = 0.7193
price_history long_at_100_50() {
    std::vector<bar> tail;
    for (int m = 21; m < 16 * 60 + 30; ++m) tail.push_back(make_bar(m, "100.50", "100.50", "100.50", "100.50"));
    return flat_then(-60, 21, tail);
}

TEST(backtest_funding, recorded_rates_settle_at_their_own_hours_and_are_booked_to_the_trade) {
    const auto prices = long_at_100_50();
    const auto signals = signals_from("1,2025-01-01T00:00:00Z,binance,TESTUSDT,BUY,50,50\n", prices);
    config::settings settings;
    settings.protection.aged.enabled = false;
    funding_history funding;
    funding[funding_symbol] = {{at(0), "0.0001"_d, 2}, {at(4 * 60), "0.0003"_d, 3}, {at(8 * 60), "-0.0002"_d, 4},
                            {at(16 * 60), "0.0001"_d, 5}};
    run_options o;
    o.funding = &funding;
    const auto r = run(settings, prices, signals, o);
    ASSERT_EQ(r.trades.size(), 1U);
    const auto& t = r.trades.front();
    EXPECT_EQ(t.exit_reason, "backtest_end");
    EXPECT_EQ(t.fees, "0.2005"_d);
    EXPECT_EQ(t.funding, "-0.0402"_d) << t.funding.to_string();
    EXPECT_EQ(t.net_pnl, "0.7193"_d) << t.net_pnl.to_string();
    EXPECT_EQ(r.funding, "-0.0402"_d);
    EXPECT_EQ(r.funding_settlements, 3U);
    const auto s = summarize(r);
    EXPECT_EQ(s.funding, "-0.0402"_d);
    EXPECT_EQ(s.other, "0"_d) << s.other.to_string();  // every payment is in the trade
    EXPECT_EQ(r.final_equity, "10000.7193"_d) << r.final_equity.to_string();
    // Each payment moves the equity at its own hour's first minute, not before.
    const auto equity_at = [&](int m) {
        const auto it = std::find_if(r.equity.begin(), r.equity.end(), [&](const auto& p) { return p.ms == at(m); });
        EXPECT_NE(it, r.equity.end()) << m;
        return it == r.equity.end() ? decimal{} : it->equity;
    };
    EXPECT_EQ(equity_at(4 * 60 - 1) - equity_at(4 * 60), "0.0603"_d);
    EXPECT_EQ(equity_at(8 * 60) - equity_at(8 * 60 - 1), "0.0402"_d);
    EXPECT_EQ(equity_at(12 * 60), equity_at(12 * 60 - 1));
    EXPECT_EQ(equity_at(16 * 60 - 1) - equity_at(16 * 60), "0.0201"_d);
    // The reports carry it per trade and in the totals.
    const auto json = to_json(r, s);
    EXPECT_NE(json.find("\"funding\": -0.0402,"), std::string::npos) << json.substr(0, 1500);
    EXPECT_NE(json.find("\"funding_payments\": 3,"), std::string::npos);
    const auto csv = trades_csv(r);
    EXPECT_NE(csv.find(",fee,funding,gross_pnl,net_pnl,"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",0.2005,-0.0402,0.96,0.7193,backtest_end,"), std::string::npos) << csv;
}

TEST(backtest_funding, a_short_receives_a_positive_rate) {
    // Short 2.00 at the bid 99.99 from 00:20; the price at 100.50 (under the 2 % stop at 101.99),
    // closed after the last bar at the ask 100.51: gross (99.99 - 100.51) x 2 = -1.04, fees
    // 2 x 99.99 x 0.0005 (0.09999) + 2 x 100.51 x 0.0005 (0.10051) = 0.2005. 08:00 at +0.0001:
    // the short receives 201 x 0.0001 = 0.0201; net -1.04 - 0.2005 + 0.0201 = -1.2204.
    const auto prices = long_at_100_50();
    const auto signals = signals_from("1,2025-01-01T00:00:00Z,binance,TESTUSDT,SELL,50,50\n", prices);
    config::settings settings;
    settings.protection.aged.enabled = false;
    funding_history funding;
    funding[funding_symbol] = {{at(8 * 60), "0.0001"_d, 2}};
    run_options o;
    o.funding = &funding;
    const auto r = run(settings, prices, signals, o);
    ASSERT_EQ(r.trades.size(), 1U);
    const auto& t = r.trades.front();
    EXPECT_EQ(t.side, core::position_side::short_);
    EXPECT_EQ(t.entry_price, "99.99"_d);
    EXPECT_EQ(t.exit_price, "100.51"_d);
    EXPECT_EQ(t.funding, "0.0201"_d) << t.funding.to_string();
    EXPECT_EQ(t.net_pnl, "-1.2204"_d) << t.net_pnl.to_string();
    EXPECT_EQ(r.final_equity, "9998.7796"_d) << r.final_equity.to_string();
}

}  // namespace
}  // namespace tradebot::backtest::test
