#include "fixture.hpp"

namespace tradebot::sim::bybit::test {

TEST_F(bybit_test, market_time_strings) {
    const auto r = get_public("/v5/market/time");
    EXPECT_EQ(code(r), 0);
    const auto& res = r.at("result").as_object();
    EXPECT_TRUE(res.at("timeSecond").is_string());
    EXPECT_EQ(str(res.at("timeNano")).size(), 19U);
}

TEST_F(bybit_test, instruments_info_filters) {
    const auto r = get_public("/v5/market/instruments-info?category=linear&symbol=BTCUSDT");
    ASSERT_EQ(code(r), 0);
    const auto item = list(r).at(0).as_object();
    EXPECT_EQ(str(item.at("symbol")), "BTCUSDT");
    EXPECT_EQ(str(item.at("contractType")), "LinearPerpetual");
    EXPECT_EQ(str(item.at("priceFilter").at("tickSize")), "0.1");
    EXPECT_EQ(str(item.at("priceFilter").at("minPrice")), "0.1");
    EXPECT_EQ(str(item.at("lotSizeFilter").at("qtyStep")), "0.001");
    EXPECT_EQ(str(item.at("lotSizeFilter").at("minOrderQty")), "0.001");
    EXPECT_EQ(str(item.at("lotSizeFilter").at("maxOrderQty")), "1000.000");
    EXPECT_EQ(str(item.at("lotSizeFilter").at("maxMktOrderQty")), "120.000");
    EXPECT_EQ(str(item.at("lotSizeFilter").at("minNotionalValue")), "5");
    EXPECT_EQ(str(item.at("leverageFilter").at("maxLeverage")), "125.00");
    EXPECT_EQ(item.at("fundingInterval").as_int64(), 480);
}

TEST_F(bybit_test, category_is_required) {
    const auto r = get_public("/v5/market/tickers?symbol=BTCUSDT");
    EXPECT_EQ(code(r), 10001);
    EXPECT_EQ(code(get_public("/v5/market/tickers?category=spot&symbol=BTCUSDT")), 10001);
}

TEST_F(bybit_test, tickers_fields) {
    const auto r = get_public("/v5/market/tickers?category=linear&symbol=BTCUSDT");
    ASSERT_EQ(code(r), 0);
    const auto t = list(r).at(0).as_object();
    EXPECT_EQ(str(t.at("lastPrice")), "60000.0");
    EXPECT_EQ(str(t.at("markPrice")), "60000.0");
    EXPECT_EQ(str(t.at("indexPrice")), "60000.0");
    EXPECT_EQ(str(t.at("bid1Price")), "59999.9");
    EXPECT_EQ(str(t.at("ask1Price")), "60000.1");
    EXPECT_EQ(str(t.at("bid1Size")), "5.000");
    EXPECT_EQ(str(t.at("fundingRate")), "0");
    EXPECT_NE(str(t.at("nextFundingTime")), "0");
    const auto bad = get_public("/v5/market/tickers?category=linear&symbol=NOPEUSDT");
    EXPECT_EQ(code(bad), 10001);
    EXPECT_EQ(msg(bad), "params error: symbol invalid");
}

TEST_F(bybit_test, kline_newest_first_seven_strings) {
    clock_.advance(std::chrono::minutes{1});
    venue_.on_price(btc, prices_at("60100"_d));
    venue_.on_price(btc, prices_at("60200"_d));
    const auto r = get_public("/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1");
    ASSERT_EQ(code(r), 0);
    const auto rows = list(r);
    ASSERT_EQ(rows.size(), 2U);
    const auto newest = rows.at(0).as_array();
    ASSERT_EQ(newest.size(), 7U);
    EXPECT_EQ(str(newest.at(1)), "60100.0");  // open
    EXPECT_EQ(str(newest.at(2)), "60200.0");  // high
    EXPECT_EQ(str(newest.at(4)), "60200.0");  // close
    EXPECT_EQ(str(rows.at(1).as_array().at(4)), "60000.0");
    EXPECT_GT(std::stoll(str(newest.at(0))), std::stoll(str(rows.at(1).as_array().at(0))));
    EXPECT_EQ(code(get_public("/v5/market/kline?category=linear&symbol=BTCUSDT&interval=2")), 10001);
}

TEST_F(bybit_test, orderbook_one_level) {
    const auto r = get_public("/v5/market/orderbook?category=linear&symbol=BTCUSDT&limit=1");
    ASSERT_EQ(code(r), 0);
    const auto& res = r.at("result").as_object();
    EXPECT_EQ(str(res.at("s")), "BTCUSDT");
    EXPECT_EQ(str(res.at("b").at(0).at(0)), "59999.9");
    EXPECT_EQ(str(res.at("a").at(0).at(1)), "5.000");
}

}  // namespace tradebot::sim::bybit::test
