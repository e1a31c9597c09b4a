#include "fixture.hpp"

namespace tradebot::sim::bybit::test {

TEST_F(bybit_test, position_list_needs_symbol_or_settle_coin) {
    EXPECT_EQ(code(get("/v5/position/list", "category=linear")), 10001);
    auto flat = list(get("/v5/position/list", "category=linear&symbol=BTCUSDT"));
    ASSERT_EQ(flat.size(), 1U);  // a row even when flat
    EXPECT_EQ(str(flat.at(0).at("side")), "");
    EXPECT_EQ(str(flat.at(0).at("size")), "0.000");
    EXPECT_TRUE(list(get("/v5/position/list", "category=linear&settleCoin=USDT")).empty());
    ASSERT_EQ(code(market("Sell", "0.010")), 0);
    const auto rows = list(get("/v5/position/list", "category=linear&settleCoin=USDT"));
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(str(rows.at(0).at("side")), "Sell");
    EXPECT_EQ(str(rows.at(0).at("leverage")), "20");
}

TEST_F(bybit_test, empty_positions_once) {
    ASSERT_EQ(code(market("Buy", "0.010")), 0);
    venue_.faults().empty_positions_once = true;
    EXPECT_TRUE(list(get("/v5/position/list", "category=linear&settleCoin=USDT")).empty());
    EXPECT_EQ(list(get("/v5/position/list", "category=linear&settleCoin=USDT")).size(), 1U);
}

TEST_F(bybit_test, position_visibility_delay) {
    venue_.faults().position_visibility_delay = std::chrono::milliseconds{2000};
    ASSERT_EQ(code(market("Buy", "0.010")), 0);
    EXPECT_TRUE(list(get("/v5/position/list", "category=linear&settleCoin=USDT")).empty());
    EXPECT_EQ(str(list(get("/v5/position/list", "category=linear&symbol=BTCUSDT")).at(0).at("size")), "0.000");
    clock_.advance(std::chrono::milliseconds{2500});
    EXPECT_EQ(str(list(get("/v5/position/list", "category=linear&symbol=BTCUSDT")).at(0).at("size")), "0.010");
}

TEST_F(bybit_test, set_leverage) {
    auto r = post("/v5/position/set-leverage",
                  R"({"category":"linear","symbol":"BTCUSDT","buyLeverage":"20","sellLeverage":"20"})");
    EXPECT_EQ(code(r), 110043);
    EXPECT_EQ(msg(r), "leverage not modified");
    r = post("/v5/position/set-leverage",
             R"({"category":"linear","symbol":"BTCUSDT","buyLeverage":"10","sellLeverage":"10"})");
    EXPECT_EQ(code(r), 0);
    EXPECT_TRUE(r.at("result").as_object().empty());
    EXPECT_EQ(str(list(get("/v5/position/list", "category=linear&symbol=BTCUSDT")).at(0).at("leverage")), "10");
    r = post("/v5/position/set-leverage",
             R"({"category":"linear","symbol":"BTCUSDT","buyLeverage":"500","sellLeverage":"500"})");
    EXPECT_EQ(msg(r), "params error: leverage invalid");
}

TEST_F(bybit_test, set_margin_mode_is_account_wide) {
    auto r = post("/v5/account/set-margin-mode", R"({"setMarginMode":"ISOLATED_MARGIN"})");
    ASSERT_EQ(code(r), 0) << msg(r);
    EXPECT_TRUE(r.at("result").at("reasons").as_array().empty());
    r = post("/v5/account/set-margin-mode", R"({"setMarginMode":"ISOLATED_MARGIN"})");  // already set
    EXPECT_EQ(code(r), 0) << msg(r);
    r = post("/v5/account/set-margin-mode", R"({"setMarginMode":"PORTFOLIO_MARGIN"})");
    EXPECT_EQ(code(r), 10001);
    EXPECT_EQ(msg(r), "params error: setMarginMode invalid");
}

TEST_F(bybit_test, trading_stop_checks_and_not_modified) {
    const std::string base = R"({"category":"linear","symbol":"BTCUSDT","tpslMode":"Full","positionIdx":0)";
    auto r = post("/v5/position/trading-stop", base + R"(,"stopLoss":"59000"})");
    EXPECT_EQ(code(r), 10001);
    EXPECT_EQ(msg(r), "can not set tp/sl/ts for zero position");
    ASSERT_EQ(code(market("Buy", "0.010")), 0);
    r = post("/v5/position/trading-stop", base + R"(,"stopLoss":"61000"})");
    EXPECT_EQ(msg(r), "StopLoss:6100000000000 set for Buy position should lower than base_price:6000000000000??LastPrice");
    r = post("/v5/position/trading-stop", base + R"(,"stopLoss":"59000","slTriggerBy":"MarkPrice"})");
    ASSERT_EQ(code(r), 0) << msg(r);
    r = post("/v5/position/trading-stop", base + R"(,"stopLoss":"59000"})");
    EXPECT_EQ(code(r), 34040);
    EXPECT_EQ(msg(r), "not modified");
    r = post("/v5/position/trading-stop", base + R"(,"trailingStop":"100","activePrice":"60500"})");
    ASSERT_EQ(code(r), 0) << msg(r);
    const auto pos = list(get("/v5/position/list", "category=linear&symbol=BTCUSDT")).at(0).as_object();
    EXPECT_EQ(str(pos.at("stopLoss")), "59000.0");
    EXPECT_EQ(str(pos.at("trailingStop")), "100.0");
    EXPECT_EQ(code(post("/v5/position/trading-stop", R"({"category":"linear","symbol":"BTCUSDT","tpslMode":"Partial","positionIdx":0,"stopLoss":"59000"})")),
              10001);
    // The stop fires on the mark price and closes the position.
    venue_.on_price(btc, prices_at("58900"_d));
    EXPECT_EQ(str(list(get("/v5/position/list", "category=linear&symbol=BTCUSDT")).at(0).at("size")), "0.000");
    const auto hist = list(get("/v5/order/history", "category=linear&symbol=BTCUSDT"));
    EXPECT_EQ(str(hist.at(0).at("stopOrderType")), "StopLoss");
    EXPECT_EQ(str(hist.at(0).at("createType")), "CreateByStopLoss");
}

TEST_F(bybit_test, switch_mode_not_modified) {
    const auto r = post("/v5/position/switch-mode", R"({"category":"linear","symbol":"BTCUSDT","mode":0})");
    EXPECT_EQ(code(r), 110025);
    EXPECT_EQ(msg(r), "Position mode is not modified");
    EXPECT_EQ(msg(post("/v5/position/switch-mode", R"({"category":"linear","symbol":"BTCUSDT","mode":1})")),
              "params error: position_mode invalid");
}

TEST_F(bybit_test, wallet_balance_strings) {
    auto r = get("/v5/account/wallet-balance", "accountType=UNIFIED");
    ASSERT_EQ(code(r), 0);
    const auto w = list(r).at(0).as_object();
    EXPECT_EQ(str(w.at("accountType")), "UNIFIED");
    EXPECT_EQ(str(w.at("totalWalletBalance")), "10000");
    EXPECT_EQ(str(w.at("totalEquity")), "10000");
    EXPECT_EQ(str(w.at("totalAvailableBalance")), "10000");
    EXPECT_EQ(str(w.at("coin").at(0).at("coin")), "USDT");
    EXPECT_EQ(str(w.at("coin").at(0).at("walletBalance")), "10000");
    ASSERT_EQ(code(market("Buy", "0.010")), 0);
    const auto after = list(get("/v5/account/wallet-balance", "accountType=UNIFIED&coin=USDT")).at(0).as_object();
    // fee 0.010 * 60000.1 * 0.0005 = 0.3000005
    EXPECT_EQ(str(after.at("totalWalletBalance")), "9999.6999995");
    EXPECT_EQ(code(get("/v5/account/wallet-balance", "accountType=CONTRACT")), 10001);
}

}  // namespace tradebot::sim::bybit::test
