#include "fixture.hpp"

namespace tradebot::sim::bybit::test {

// What ccxt's bybit asks beyond the adapter's endpoints: coins and the other categories' instruments
// in loadMarkets, and the open-interest history.

TEST_F(bybit_test, other_categories_answer_an_empty_instrument_list) {
    for (const std::string c : {"spot", "inverse", "option"}) {
        const auto r = get_public("/v5/market/instruments-info?category=" + c);
        ASSERT_EQ(code(r), 0) << c;
        EXPECT_EQ(str(r.at("result").at("category")), c);
        EXPECT_TRUE(list(r).empty()) << c;
    }
    EXPECT_EQ(code(get_public("/v5/market/instruments-info?category=futures")), 10001);
    EXPECT_EQ(code(get_public("/v5/market/instruments-info")), 10001);
}

TEST_F(bybit_test, a_status_other_than_trading_lists_no_instrument) {
    EXPECT_TRUE(list(get_public("/v5/market/instruments-info?category=linear&status=PreLaunch")).empty());
    EXPECT_EQ(list(get_public("/v5/market/instruments-info?category=linear&status=Trading")).size(), 1U);
}

TEST_F(bybit_test, coin_info_lists_the_scenario_coins_without_chains) {
    const auto r = get("/v5/asset/coin/query-info", "");
    ASSERT_EQ(code(r), 0);
    const auto& rows = r.at("result").at("rows").as_array();
    ASSERT_EQ(rows.size(), 2U);  // BTC, USDT
    EXPECT_EQ(str(rows[0].at("coin")), "BTC");
    EXPECT_EQ(str(rows[1].at("coin")), "USDT");
    EXPECT_TRUE(rows[1].at("chains").as_array().empty());
    const auto one = get("/v5/asset/coin/query-info", "coin=USDT");
    EXPECT_EQ(one.at("result").at("rows").as_array().size(), 1U);
    net::http_request unsigned_call;
    unsigned_call.method = "GET";
    unsigned_call.target = "/v5/asset/coin/query-info";
    EXPECT_NE(code(parse(venue_.handle(unsigned_call))), 0);
}

TEST_F(bybit_test, open_interest_is_the_current_figure_at_the_interval_start) {
    ASSERT_EQ(code(post("/v5/order/create",
                        R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.5"})")),
              0);
    const auto r = get_public("/v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=1h");
    ASSERT_EQ(code(r), 0);
    EXPECT_EQ(str(r.at("result").at("symbol")), "BTCUSDT");
    const auto rows = list(r);
    ASSERT_EQ(rows.size(), 1U);
    const auto& row = rows.at(0);
    EXPECT_EQ(str(row.at("openInterest")), "0.500");
    const auto now = clock_.server_now_ms();
    EXPECT_EQ(str(row.at("timestamp")), std::to_string(now - now % 3'600'000));
    EXPECT_EQ(code(get_public("/v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=2h")), 10001);
    EXPECT_EQ(code(get_public("/v5/market/open-interest?category=linear&symbol=BTCUSDT")), 10001);
    EXPECT_NE(code(get_public("/v5/market/open-interest?category=linear&symbol=NOPEUSDT&intervalTime=1h")), 0);
}

TEST_F(bybit_test, risk_limit_lists_the_leverage_brackets_as_tiers) {
    const auto r = get_public("/v5/market/risk-limit?category=linear&symbol=BTCUSDT");
    ASSERT_EQ(code(r), 0);
    const auto tiers = list(r);
    ASSERT_EQ(tiers.size(), 3U);  // max_leverage 125 derives 125x / 50x / 20x
    EXPECT_EQ(tiers[0].at("id").as_int64(), 1);
    EXPECT_EQ(tiers[0].at("isLowestRisk").as_int64(), 1);
    EXPECT_EQ(str(tiers[0].at("maxLeverage")), "125.00");
    EXPECT_EQ(str(tiers[0].at("initialMargin")), "0.008");
    EXPECT_EQ(str(tiers[1].at("maxLeverage")), "50.00");
    EXPECT_EQ(tiers[1].at("isLowestRisk").as_int64(), 0);
    EXPECT_EQ(list(get_public("/v5/market/risk-limit?category=linear")).size(), 3U);
    EXPECT_EQ(code(get_public("/v5/market/risk-limit?category=linear&symbol=NOPEUSDT")), 10001);
    EXPECT_EQ(code(get_public("/v5/market/risk-limit?category=spot&symbol=BTCUSDT")), 10001);
}

TEST_F(bybit_test, fee_rate_is_the_accounts_maker_and_taker_rate) {
    const auto r = get("/v5/account/fee-rate", "category=linear&symbol=BTCUSDT");
    ASSERT_EQ(code(r), 0);
    const auto rows = list(r);
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(str(rows[0].at("symbol")), "BTCUSDT");
    EXPECT_EQ(str(rows[0].at("makerFeeRate")), "0.0002");
    EXPECT_EQ(str(rows[0].at("takerFeeRate")), "0.0005");
    net::http_request unsigned_call;
    unsigned_call.method = "GET";
    unsigned_call.target = "/v5/account/fee-rate?category=linear";
    EXPECT_NE(code(parse(venue_.handle(unsigned_call))), 0);
}

TEST_F(bybit_test, closed_pnl_is_one_row_per_closing_order_net_of_both_fees) {
    const auto market = [this](std::string side, std::string qty, bool reduce) {
        return code(post("/v5/order/create", R"({"category":"linear","symbol":"BTCUSDT","side":")" + side +
                                                 R"(","orderType":"Market","qty":")" + qty + R"(","reduceOnly":)" +
                                                 (reduce ? "true" : "false") + "}"));
    };
    ASSERT_EQ(market("Buy", "0.2", false), 0);  // opens at the ask 60000.1
    EXPECT_TRUE(list(get("/v5/position/closed-pnl", "category=linear")).empty());
    venue_.exchange().set_prices(btc, prices_at("61000"_d));
    ASSERT_EQ(market("Sell", "0.1", true), 0);  // closes half at the bid 60999.9
    const auto r = get("/v5/position/closed-pnl", "category=linear&symbol=BTCUSDT");
    ASSERT_EQ(code(r), 0);
    const auto rows = list(r);
    ASSERT_EQ(rows.size(), 1U);
    const auto& row = rows[0];
    EXPECT_EQ(str(row.at("side")), "Sell");
    EXPECT_EQ(str(row.at("closedSize")), "0.100");
    EXPECT_EQ(str(row.at("avgEntryPrice")), "60000.1");
    EXPECT_EQ(str(row.at("avgExitPrice")), "60999.9");
    // Half of the opening fee (0.2 x 60000.1 x 0.0005 / 2) and the whole closing fee.
    EXPECT_EQ(str(row.at("openFee")), "3.000005");
    EXPECT_EQ(str(row.at("closeFee")), "3.049995");
    // 0.1 x 999.8 - 3.000005 - 3.049995 = 93.93.
    EXPECT_EQ(str(row.at("closedPnl")), "93.93");
    EXPECT_EQ(str(row.at("fillCount")), "1");
    ASSERT_EQ(market("Sell", "0.1", true), 0);
    const auto both = list(get("/v5/position/closed-pnl", "category=linear"));
    ASSERT_EQ(both.size(), 2U);
    EXPECT_EQ(str(both[0].at("openFee")), "3.000005");  // the rest of the opening fee, newest first
    EXPECT_EQ(list(get("/v5/position/closed-pnl", "category=linear&limit=1")).size(), 1U);
    EXPECT_EQ(code(get("/v5/position/closed-pnl", "category=linear&limit=101")), 10001);
    EXPECT_EQ(code(get("/v5/position/closed-pnl", "category=spot")), 10001);
}

}  // namespace tradebot::sim::bybit::test
