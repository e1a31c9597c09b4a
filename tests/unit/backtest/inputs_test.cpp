// The other price inputs: Binance's aggTrades dumps (as 1-minute bars that know which extreme came
// first), a tradebot-sim scenario (its price feed, instruments and funding), and the instrument
// rules derived from klines (the lot step exactly, in decimals).
#include <gtest/gtest.h>

#include "backtest/market_data.hpp"
#include "scenario.hpp"
#include "tradebot/backtest/report.hpp"
#include "tradebot/backtest/scenario_input.hpp"

namespace tradebot::backtest::test {
namespace {

using namespace core::literals;

class agg_trades : public input_files_test {
protected:
    std::string error(const std::string& text) {
        const auto r = load_agg_trades(write("e/BTCUSDT-aggTrades-2025-01-01.csv", text));
        EXPECT_FALSE(r.value);
        return r.error;
    }
};

TEST_F(agg_trades, trades_become_minute_bars_that_know_which_extreme_came_first) {
    const auto p = write("a/TESTUSDT-aggTrades-2025-01-01.csv",
                         "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n"
                         "1,100.00,1,1,1,1735689600000,true\n"
                         "2,100.40,2,2,3,1735689610000,false\n"
                         "3,99.80,1,4,4,1735689620000,true\n"
                         "4,100.10,0.5,5,5,1735689659999,false\n"
                         // 00:01: the low first, then the high; microseconds as the 2025 dumps write
                         "5,100.00,1,6,6,1735689660000000,true\n"
                         "6,99.50,1,7,7,1735689670000000,true\n"
                         "7,100.90,1,8,8,1735689680000000,false\n"
                         // 00:03 (nothing traded at 00:02: no bar)
                         "8,101.00,1,9,9,1735689780000,false\n");
    const auto r = load_agg_trades(p.parent_path());
    ASSERT_TRUE(r.value) << r.error;
    const auto& bars = r.value->at(core::symbol::from_string("TESTUSDT")).bars;
    ASSERT_EQ(bars.size(), 3U);
    EXPECT_EQ(bars[0].open_ms, t0);
    EXPECT_EQ(bars[0].open, "100"_d);
    EXPECT_EQ(bars[0].high, "100.4"_d);
    EXPECT_EQ(bars[0].low, "99.8"_d);
    EXPECT_EQ(bars[0].close, "100.1"_d);
    EXPECT_EQ(bars[0].quote_volume, "450.65"_d);  // 100 + 200.8 + 99.8 + 50.05
    EXPECT_EQ(bars[0].high_first, true);
    EXPECT_EQ(bars[1].open_ms, at(1));
    EXPECT_EQ(bars[1].high_first, false);
    EXPECT_EQ(bars[2].open_ms, at(3));
    EXPECT_FALSE(bars[2].high_first.has_value());  // one price: no order to tell
}

TEST_F(agg_trades, bad_trades_are_errors_naming_file_and_line) {
    const std::string one = "1,100,1,1,1,1735689600000,true\n";
    EXPECT_NE(error(one + "1,100,1,2,2,1735689600001,true\n").find("BTCUSDT-aggTrades-2025-01-01.csv:2: repeated agg_trade_id 1"),
              std::string::npos);
    EXPECT_NE(error(one + "0,100,1,2,2,1735689600001,true\n").find(":2: unsorted agg_trade_id 0"), std::string::npos);
    EXPECT_NE(error(one + "2,100,1,2,2,1735689500000,true\n").find(":2: transact_time 1735689500000 is before"),
              std::string::npos);
    EXPECT_NE(error(one + "2,-1,1,2,2,1735689600001,true\n").find(":2: price '-1'"), std::string::npos);
    EXPECT_NE(error(one + "2,100,1,2\n").find(":2: expected at least 7 columns"), std::string::npos);
    EXPECT_NE(error("id,price\n" + one).find(":1: expected the aggTrades header"), std::string::npos);
}

TEST(backtest_agg_trades, the_trades_order_beats_the_intrabar_option) {
    // The wide bar of the intrabar tests (entry long at 100.01 at 00:20, stop 98.01, trailing from
    // 1.5 %): worst case meets 97.00 first and stops out, but trades that went to 103.00 first say
    // otherwise: the stop trails to 102.49 and fills at 96.99 when 97.00 comes.
    auto prices = flat_then(-60, 21, {make_bar(21, "100.00", "103.00", "97.00", "100.00"),
                                      make_bar(22, "100.00", "100.00", "100.00", "100.00")});
    auto& bars = prices.begin()->second.bars;
    for (auto& b : bars) {
        if (b.open_ms == at(21)) b.high_first = true;
    }
    const auto signals = signals_from("1,2025-01-01T00:00:00Z,binance,TESTUSDT,BUY,50,50\n", prices);
    run_options o;
    o.order = intrabar::worst;
    const auto r = run(config::settings{}, prices, signals, o);
    ASSERT_EQ(r.trades.size(), 1U);
    EXPECT_EQ(r.trades.front().exit_reason, "trailing_stop");
    EXPECT_EQ(r.trades.front().last_stop, "102.49"_d);
    EXPECT_EQ(r.trades.front().exit_price, "96.99"_d);
}

TEST(backtest_inputs, the_lot_step_is_the_power_of_ten_below_one_over_the_first_close_exactly) {
    const auto step = [](const char* close) {
        kline_series s;
        s.symbol = core::symbol::from_string("TESTUSDT");
        s.bars.push_back(bar{t0, decimal::from_string(close), decimal::from_string(close), decimal::from_string(close),
                             decimal::from_string(close).normalized(), decimal::from_int(1), std::nullopt});
        return market_data::derive_rules(s).step_size;
    };
    EXPECT_EQ(step("100.00"), "0.01"_d);   // 1/100 = 10^-2 exactly
    EXPECT_EQ(step("60000"), "0.00001"_d);  // 1/60000 = 0.0000166
    EXPECT_EQ(step("0.15"), "1"_d);         // 1/0.15 = 6.67
    EXPECT_EQ(step("0.1"), "10"_d);         // 1/0.1 = 10 exactly, where log10 in doubles may give 0.99999
    EXPECT_EQ(step("0.001"), "1000"_d);
    EXPECT_EQ(step("99.99"), "0.01"_d);
    EXPECT_EQ(step("1000"), "0.001"_d);
}

TEST(backtest_inputs, a_simulator_scenario_gives_its_prices_instruments_and_funding) {
    const auto loaded = sim::scenario::load_text(
        "name: t\nseed: 3\ntick_ms: 1000\nsymbols:\n"
        "  - symbol: STEPUSDT\n    price: \"50.00\"\n    tick_size: \"0.01\"\n    step_size: \"0.1\"\n"
        "    min_notional: \"20\"\n    funding_rate: \"0.0002\"\n    funding_interval_h: 4\n    model: steps\n"
        "    steps: [{at_s: 90, price: \"51.00\"}, {at_s: 150, price: \"49.50\"}]\n",
        "t.yaml");
    ASSERT_TRUE(loaded.spec) << loaded.error;
    const auto m = scenario_market_of(*loaded.spec, t0, 8 * 60);
    const auto s = core::symbol::from_string("STEPUSDT");
    const auto& bars = m.prices.at(s).bars;
    ASSERT_EQ(bars.size(), 480U);
    EXPECT_EQ(bars[0].open_ms, t0);
    EXPECT_EQ(bars[0].close, "50"_d);
    EXPECT_EQ(bars[1].open, "50"_d);  // 00:01:30 steps to 51
    EXPECT_EQ(bars[1].close, "51"_d);
    EXPECT_EQ(bars[2].close, "49.5"_d);  // 00:02:30
    EXPECT_EQ(m.instruments.at(s).step_size, "0.1"_d);
    EXPECT_EQ(m.instruments.at(s).min_notional, "20"_d);
    // Every 4 h from 00:00 UTC, after the start, inside the 8 hours: 04:00 (08:00 is the end).
    ASSERT_EQ(m.funding.at(s).size(), 1U);
    EXPECT_EQ(m.funding.at(s)[0].ms, at(4 * 60));
    EXPECT_EQ(m.funding.at(s)[0].rate, "0.0002"_d);
}

}  // namespace
}  // namespace tradebot::backtest::test
