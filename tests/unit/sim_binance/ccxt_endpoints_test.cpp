#include "fixture.hpp"

namespace tradebot::sim::binance::test {

// What ccxt's binanceusdm asks beyond the adapter's endpoints: the wallet coins and margin pairs it
// loads before its markets, the income history and the algo endpoints with a symbol.

TEST_F(binance_test, capital_config_lists_the_coins_with_the_futures_wallet_as_the_settlement_coin) {
    const auto r = signed_req("GET", "/sapi/v1/capital/config/getall", "");
    ASSERT_EQ(r.status, 200u) << r.raw.response.body;
    const auto& coins = r.body.as_array();
    ASSERT_EQ(coins.size(), 2u);  // BTC, USDT
    const auto& btc_coin = coins[0].as_object();
    const auto& usdt = coins[1].as_object();
    EXPECT_EQ(btc_coin.at("coin").as_string(), "BTC");
    EXPECT_EQ(btc_coin.at("free").as_string(), "0");
    EXPECT_EQ(usdt.at("coin").as_string(), "USDT");
    EXPECT_EQ(usdt.at("free").as_string(), "10000.00000000");
    EXPECT_FALSE(usdt.at("withdrawAllEnable").as_bool());
    EXPECT_TRUE(usdt.at("networkList").as_array().empty());
    EXPECT_EQ(signed_req("GET", "/sapi/v1/capital/config/getall", "", "nobody").code(), -2015);
    EXPECT_EQ(signed_req("GET", "/sapi/v1/capital/config/getall", "coin=USDT").code(), -1103);
}

TEST_F(binance_test, margin_pairs_are_empty_without_a_spot_margin_market) {
    const auto r = signed_req("GET", "/sapi/v1/margin/allPairs", "");
    ASSERT_EQ(r.status, 200u);
    EXPECT_TRUE(r.body.as_array().empty());
    EXPECT_EQ(signed_req("GET", "/sapi/v1/margin/allPairs", "symbol=BTCUSDT").code(), -1121);
}

TEST_F(binance_test, income_lists_commissions_and_realized_pnl_oldest_first) {
    EXPECT_TRUE(signed_req("GET", "/fapi/v1/income", "").body.as_array().empty());
    signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.100");
    venue_.exchange().set_prices(btc, at("51000"_d));
    signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.100&reduceOnly=true");
    const auto all = signed_req("GET", "/fapi/v1/income", "symbol=BTCUSDT");
    ASSERT_EQ(all.status, 200u) << all.raw.response.body;
    const auto& rows = all.body.as_array();
    ASSERT_EQ(rows.size(), 3u);  // commission, realized PnL + commission of the close
    const auto& first = rows[0].as_object();
    EXPECT_EQ(first.at("incomeType").as_string(), "COMMISSION");
    EXPECT_EQ(first.at("info").as_string(), "COMMISSION");
    EXPECT_EQ(first.at("asset").as_string(), "USDT");
    EXPECT_TRUE(first.at("income").as_string().starts_with("-"));
    EXPECT_FALSE(first.at("tradeId").as_string().empty());
    const auto& pnl = rows[1].as_object();
    EXPECT_EQ(pnl.at("incomeType").as_string(), "REALIZED_PNL");
    // Bought at the ask 50000.1, sold at the bid 50999.9: 0.1 x 999.8.
    EXPECT_EQ(pnl.at("income").as_string(), "99.98000000");
    EXPECT_LT(rows[0].as_object().at("tranId").as_int64(), pnl.at("tranId").as_int64());

    EXPECT_EQ(signed_req("GET", "/fapi/v1/income", "incomeType=COMMISSION").body.as_array().size(), 2u);
    const auto page2 = signed_req("GET", "/fapi/v1/income", "limit=2&page=2").body.as_array();
    ASSERT_EQ(page2.size(), 1u);
    EXPECT_EQ(page2[0].as_object().at("incomeType").as_string(), "COMMISSION");
    const auto later = std::to_string(clock_.server_now_ms() + 1);
    EXPECT_TRUE(signed_req("GET", "/fapi/v1/income", "startTime=" + later).body.as_array().empty());
    EXPECT_EQ(signed_req("GET", "/fapi/v1/income", "limit=1001").code(), -1130);
    EXPECT_EQ(signed_req("GET", "/fapi/v1/income", "symbol=NOPEUSDT").code(), -1121);
}

TEST_F(binance_test, algo_query_and_cancel_take_the_symbol_ccxt_sends) {
    signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.100");
    const auto placed = signed_req("POST", "/fapi/v1/algoOrder",
                                   "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&triggerPrice=49000"
                                   "&closePosition=true&clientAlgoId=sl-9");
    ASSERT_EQ(placed.status, 200u) << placed.raw.response.body;
    EXPECT_EQ(signed_req("GET", "/fapi/v1/algoOrder", "symbol=BTCUSDT&clientAlgoId=sl-9").status, 200u);
    EXPECT_EQ(signed_req("GET", "/fapi/v1/algoOrder", "symbol=ETHUSDT&clientAlgoId=sl-9").code(), -2013);
    EXPECT_EQ(signed_req("DELETE", "/fapi/v1/algoOrder", "symbol=ETHUSDT&clientAlgoId=sl-9").code(), -2011);
    const auto c = signed_req("DELETE", "/fapi/v1/algoOrder", "symbol=BTCUSDT&clientAlgoId=sl-9");
    EXPECT_EQ(c.str("code"), "200");
}

TEST_F(binance_test, symbol_config_reports_leverage_and_margin_type_per_symbol) {
    ASSERT_EQ(signed_req("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=20").status, 200u);
    ASSERT_EQ(signed_req("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=ISOLATED").status, 200u);
    const auto r = signed_req("GET", "/fapi/v1/symbolConfig", "symbol=BTCUSDT");
    ASSERT_EQ(r.status, 200u) << r.raw.response.body;
    const auto& row = r.body.as_array().at(0).as_object();
    EXPECT_EQ(row.at("symbol").as_string(), "BTCUSDT");
    EXPECT_EQ(row.at("marginType").as_string(), "ISOLATED");
    EXPECT_EQ(row.at("isAutoAddMargin").as_string(), "false");
    EXPECT_EQ(row.at("leverage").as_int64(), 20);
    EXPECT_TRUE(row.at("maxNotionalValue").is_string());
    EXPECT_EQ(signed_req("GET", "/fapi/v1/symbolConfig", "").body.as_array().size(), 1u);
    EXPECT_EQ(signed_req("GET", "/fapi/v1/symbolConfig", "symbol=NOPEUSDT").code(), -1121);
}

TEST_F(binance_test, commission_rate_is_the_accounts_maker_and_taker_rate) {
    const auto r = signed_req("GET", "/fapi/v1/commissionRate", "symbol=BTCUSDT");
    ASSERT_EQ(r.status, 200u) << r.raw.response.body;
    EXPECT_EQ(r.str("makerCommissionRate"), "0.0002");
    EXPECT_EQ(r.str("takerCommissionRate"), "0.0005");
    EXPECT_EQ(signed_req("GET", "/fapi/v1/commissionRate", "").code(), -1102);
}

TEST_F(binance_test, a_funding_settlement_is_a_funding_fee_income_row) {
    signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.100");
    venue_.exchange().set_funding_rate(btc, "0.0001"_d);
    const auto next = venue_.exchange().next_funding(btc);
    ASSERT_TRUE(next.has_value());
    clock_.advance(*next - clock_.now() + std::chrono::seconds{1});
    venue_.tick();
    const auto r = signed_req("GET", "/fapi/v1/income", "incomeType=FUNDING_FEE");
    ASSERT_EQ(r.status, 200u) << r.raw.response.body;
    const auto& rows = r.body.as_array();
    ASSERT_EQ(rows.size(), 1u);
    const auto& row = rows[0].as_object();
    EXPECT_EQ(row.at("symbol").as_string(), "BTCUSDT");
    EXPECT_EQ(row.at("tradeId").as_string(), "");
    EXPECT_EQ(row.at("time").as_int64(), engine::to_ms(*next));
    // A long pays: 0.1 x mark 50000 x 0.0001.
    EXPECT_EQ(row.at("income").as_string(), "-0.50000000");
}

TEST_F(binance_test, funding_rate_history_lists_each_settlement_with_its_rate) {
    EXPECT_TRUE(public_req("/fapi/v1/fundingRate?symbol=BTCUSDT").body.as_array().empty());
    venue_.exchange().set_funding_rate(btc, "0.0001"_d);
    const auto first = *venue_.exchange().next_funding(btc);
    clock_.advance(first - clock_.now() + std::chrono::seconds{1});
    venue_.tick();
    venue_.exchange().set_funding_rate(btc, "-0.0002"_d);
    const auto second = *venue_.exchange().next_funding(btc);
    clock_.advance(second - clock_.now() + std::chrono::seconds{1});
    venue_.tick();
    const auto r = public_req("/fapi/v1/fundingRate?symbol=BTCUSDT");
    ASSERT_EQ(r.status, 200u) << r.raw.response.body;
    const auto& rows = r.body.as_array();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].as_object().at("fundingTime").as_int64(), engine::to_ms(first));
    EXPECT_EQ(rows[0].as_object().at("fundingRate").as_string(), "0.00010000");
    EXPECT_EQ(rows[0].as_object().at("markPrice").as_string(), "50000.0");
    EXPECT_EQ(rows[1].as_object().at("fundingRate").as_string(), "-0.00020000");
    const auto newest = public_req("/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1").body.as_array();
    ASSERT_EQ(newest.size(), 1u);
    EXPECT_EQ(newest[0].as_object().at("fundingTime").as_int64(), engine::to_ms(second));
    const auto from_second = "/fapi/v1/fundingRate?startTime=" + std::to_string(engine::to_ms(second));
    EXPECT_EQ(public_req(from_second).body.as_array().size(), 1u);
    EXPECT_EQ(public_req("/fapi/v1/fundingRate?limit=0").code(), -1130);
}

TEST_F(binance_test, mark_price_klines_follow_the_mark_not_the_trades) {
    // The mark moves 50010 -> 49990 while the last price trades away from it: klines follow the
    // trades, markPriceKlines only the mark, without volume.
    auto p = at("50010"_d);
    venue_.on_price(btc, p);
    p = at("49990"_d);
    p.last = "49000"_d;
    venue_.on_price(btc, p);
    const auto r = public_req("/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=1m&limit=5");
    ASSERT_EQ(r.status, 200u) << r.raw.response.body;
    ASSERT_EQ(r.body.as_array().size(), 1u);
    const auto& row = r.body.as_array()[0].as_array();
    ASSERT_EQ(row.size(), 12u);
    EXPECT_EQ(row[1].as_string(), "50010.0");
    EXPECT_EQ(row[2].as_string(), "50010.0");
    EXPECT_EQ(row[3].as_string(), "49990.0");
    EXPECT_EQ(row[4].as_string(), "49990.0");
    EXPECT_EQ(row[5].as_string(), "0");
    EXPECT_EQ(row[6].as_int64(), row[0].as_int64() + 59'999);
    EXPECT_EQ(row[8].as_int64(), 2);  // two mark prices in the minute
    const auto trades = public_req("/fapi/v1/klines?symbol=BTCUSDT&interval=1m").body.as_array();
    EXPECT_EQ(trades[0].as_array()[3].as_string(), "49000.0");
    // 5m buckets, paging and the parameter checks are klines'.
    EXPECT_EQ(public_req("/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=5m").body.as_array().size(), 1u);
    const auto later = std::to_string(engine::to_ms(clock_.now()) + 60'000);
    EXPECT_TRUE(public_req("/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=1m&startTime=" + later).body.as_array().empty());
    const auto opened = std::to_string(row[0].as_int64());
    EXPECT_EQ(public_req("/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=1m&startTime=" + opened).body.as_array().size(),
              1u);
    const auto before = std::to_string(row[0].as_int64() - 1);
    EXPECT_TRUE(public_req("/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=1m&endTime=" + before).body.as_array().empty());
    // The times are milliseconds (64-bit): klines had read them as int and ignored them.
    EXPECT_TRUE(public_req("/fapi/v1/klines?symbol=BTCUSDT&interval=1m&startTime=" + later).body.as_array().empty());
    EXPECT_EQ(public_req("/fapi/v1/klines?symbol=BTCUSDT&interval=1m&startTime=soon").code(), -1130);
    EXPECT_EQ(public_req("/fapi/v1/markPriceKlines?symbol=BTCUSDT").code(), -1102);
    EXPECT_EQ(public_req("/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=2m").code(), -1120);
    EXPECT_EQ(public_req("/fapi/v1/markPriceKlines?symbol=NOPEUSDT&interval=1m").code(), -1121);
    EXPECT_EQ(public_req("/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=1m&limit=1501").code(), -1130);
    EXPECT_EQ(public_req("/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=1m&price=mark").code(), -1103);
}

TEST_F(binance_test, algo_trailing_takes_ccxts_activation_price_as_the_activate_price) {
    signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.100");
    const std::string trailing = "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=TRAILING_STOP_MARKET&quantity=0.100"
                                 "&reduceOnly=true&callbackRate=1";
    const auto placed = signed_req("POST", "/fapi/v1/algoOrder", trailing + "&activationPrice=51000");
    ASSERT_EQ(placed.status, 200u) << placed.raw.response.body;
    EXPECT_EQ(placed.str("activatePrice"), "51000.0");
    // Both names: accepted when they agree, -1128 when they do not; a SELL activating below the
    // price is -2021 under either name.
    EXPECT_EQ(signed_req("POST", "/fapi/v1/algoOrder", trailing + "&activatePrice=52000&activationPrice=52000")
                  .str("activatePrice"),
              "52000.0");
    EXPECT_EQ(signed_req("POST", "/fapi/v1/algoOrder", trailing + "&activatePrice=52000&activationPrice=53000").code(),
              -1128);
    EXPECT_EQ(signed_req("POST", "/fapi/v1/algoOrder", trailing + "&activationPrice=49000").code(), -2021);
    EXPECT_EQ(signed_req("POST", "/fapi/v1/algoOrder", trailing + "&activationPrice=abc").code(), -1130);
}

}  // namespace tradebot::sim::binance::test
