#include "fixture.hpp"

namespace tradebot::sim::bybit::test {

TEST_F(bybit_test, market_order_fills_and_shows_everywhere) {
    const auto r = market("Buy", "0.010", R"(,"orderLinkId":"sim-001")");
    ASSERT_EQ(code(r), 0) << msg(r);
    const std::string id = str(r.at("result").at("orderId"));
    EXPECT_EQ(str(r.at("result").at("orderLinkId")), "sim-001");
    EXPECT_TRUE(list(get("/v5/order/realtime", "category=linear&symbol=BTCUSDT")).empty());
    const auto hist = list(get("/v5/order/history", "category=linear&orderLinkId=sim-001"));
    ASSERT_EQ(hist.size(), 1U);
    EXPECT_EQ(str(hist.at(0).at("orderId")), id);
    EXPECT_EQ(str(hist.at(0).at("orderStatus")), "Filled");
    EXPECT_EQ(str(hist.at(0).at("avgPrice")), "60000.1");
    EXPECT_EQ(str(hist.at(0).at("cumExecQty")), "0.010");
    EXPECT_EQ(str(hist.at(0).at("timeInForce")), "IOC");
    const auto execs = list(get("/v5/execution/list", "category=linear&symbol=BTCUSDT"));
    ASSERT_EQ(execs.size(), 1U);
    EXPECT_EQ(str(execs.at(0).at("execPrice")), "60000.1");
    EXPECT_EQ(str(execs.at(0).at("execQty")), "0.010");
    EXPECT_EQ(str(execs.at(0).at("execType")), "Trade");
    EXPECT_FALSE(execs.at(0).at("isMaker").as_bool());
    const auto pos = list(get("/v5/position/list", "category=linear&symbol=BTCUSDT")).at(0).as_object();
    EXPECT_EQ(str(pos.at("side")), "Buy");
    EXPECT_EQ(str(pos.at("size")), "0.010");
    EXPECT_EQ(str(pos.at("avgPrice")), "60000.1");
    EXPECT_EQ(pos.at("positionIdx").as_int64(), 0);
}

TEST_F(bybit_test, parameter_errors) {
    EXPECT_EQ(msg(market("BUY", "0.01")), "params error: side invalid");
    auto r = post("/v5/order/create", R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Stop","qty":"1"})");
    EXPECT_EQ(msg(r), "params error: orderType invalid");
    r = market("Buy", "0.0001");
    EXPECT_EQ(code(r), 10001);
    EXPECT_EQ(msg(r), "The number of contracts exceeds minimum limit allowed");
    r = market("Buy", "0.0015");
    EXPECT_EQ(msg(r), "Qty invalid");
    r = market("Buy", "121");
    EXPECT_EQ(msg(r), "The number of contracts exceeds maximum limit allowed: too large, order_qty:12100000000 > "
                      "max_qty:12000000000");
    r = limit("Buy", "0.001", "1000");
    EXPECT_EQ(code(r), 110094);
    EXPECT_EQ(msg(r), "Order does not meet minimum order value 5USDT");
    r = market("Buy", "0.01", R"(,"positionIdx":1)");
    EXPECT_EQ(msg(r), "position idx not match position mode");
    r = post("/v5/order/create", R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":0.01})");
    EXPECT_EQ(msg(r), "Qty invalid");
    r = post("/v5/order/create", "{not json");
    EXPECT_EQ(code(r), 10001);
}

TEST_F(bybit_test, duplicate_order_link_id_is_110072) {
    ASSERT_EQ(code(market("Buy", "0.01", R"(,"orderLinkId":"dup")")), 0);
    const auto r = market("Buy", "0.01", R"(,"orderLinkId":"dup")");
    EXPECT_EQ(code(r), 110072);
    EXPECT_EQ(msg(r), "OrderLinkedID is duplicate");
}

TEST_F(bybit_test, order_creates_are_logged_with_their_arrival_and_the_engine_verdict) {
    const wire::arrival_time first{std::chrono::microseconds{1'700'000'000'000'001}};
    const wire::arrival_time second{std::chrono::microseconds{1'700'000'000'000'002}};
    const std::string order = R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market",)"
                              R"("qty":"0.01","orderLinkId":"arr-1"})";
    ASSERT_EQ(code(parse(venue_.handle(signed_request("POST", "/v5/order/create", order), first))), 0);
    EXPECT_EQ(code(parse(venue_.handle(signed_request("POST", "/v5/order/create", order), second))), 110072);
    // Refused before the engine (a field check), and not an order placement: neither is listed.
    EXPECT_EQ(code(market("Up", "0.01", R"(,"orderLinkId":"arr-2")")), 10001);
    EXPECT_EQ(code(get("/v5/order/realtime", "category=linear&symbol=BTCUSDT")), 0);

    const auto& log = venue_.arrivals().entries();
    ASSERT_EQ(log.size(), 2U);
    EXPECT_EQ(log[0].client_id, "arr-1");
    EXPECT_EQ(log[0].arrival_us, 1'700'000'000'000'001);
    EXPECT_TRUE(log[0].accepted);
    EXPECT_EQ(log[1].client_id, "arr-1");
    EXPECT_EQ(log[1].arrival_us, 1'700'000'000'000'002);
    EXPECT_FALSE(log[1].accepted);
}

TEST_F(bybit_test, reduce_only_without_position_is_110017) {
    const auto r = market("Sell", "0.01", R"(,"reduceOnly":true)");
    EXPECT_EQ(code(r), 110017);
    EXPECT_EQ(msg(r), "current position is zero, cannot fix reduce-only order qty");
}

TEST_F(bybit_test, limit_rests_cancels_and_cancel_again_is_110001) {
    const auto r = limit("Buy", "0.010", "59000", R"(,"orderLinkId":"l-1","timeInForce":"GTC")");
    ASSERT_EQ(code(r), 0) << msg(r);
    const auto open = list(get("/v5/order/realtime", "category=linear&symbol=BTCUSDT"));
    ASSERT_EQ(open.size(), 1U);
    EXPECT_EQ(str(open.at(0).at("orderStatus")), "New");
    EXPECT_EQ(str(open.at(0).at("price")), "59000.0");
    EXPECT_EQ(str(open.at(0).at("leavesQty")), "0.010");
    EXPECT_EQ(str(open.at(0).at("avgPrice")), "");
    const auto c = post("/v5/order/cancel", R"({"category":"linear","symbol":"BTCUSDT","orderLinkId":"l-1"})");
    ASSERT_EQ(code(c), 0);
    EXPECT_EQ(str(c.at("result").at("orderId")), str(r.at("result").at("orderId")));
    const auto again = post("/v5/order/cancel", R"({"category":"linear","symbol":"BTCUSDT","orderLinkId":"l-1"})");
    EXPECT_EQ(code(again), 110001);
    EXPECT_EQ(msg(again), "order not exists or too late to cancel");
    const auto hist = list(get("/v5/order/history", "category=linear&symbol=BTCUSDT"));
    EXPECT_EQ(str(hist.at(0).at("orderStatus")), "Cancelled");
    EXPECT_EQ(str(hist.at(0).at("cancelType")), "CancelByUser");
}

TEST_F(bybit_test, post_only_that_would_take_is_refused) {
    const auto r = limit("Buy", "0.010", "60001", R"(,"timeInForce":"PostOnly")");
    EXPECT_EQ(code(r), 10001);
    EXPECT_EQ(msg(r), "PostOnly order will take liquidity");
}

TEST_F(bybit_test, limit_fills_later_as_maker) {
    ASSERT_EQ(code(limit("Buy", "0.010", "59900")), 0);
    venue_.on_price(btc, prices_at("59800"_d));
    const auto execs = list(get("/v5/execution/list", "category=linear"));
    ASSERT_EQ(execs.size(), 1U);
    EXPECT_TRUE(execs.at(0).at("isMaker").as_bool());
    EXPECT_EQ(str(execs.at(0).at("execPrice")), "59900.0");
}

TEST_F(bybit_test, amend_keeps_ids) {
    const auto r = limit("Buy", "0.010", "59000", R"(,"orderLinkId":"am-1")");
    ASSERT_EQ(code(r), 0);
    const std::string id = str(r.at("result").at("orderId"));
    auto a = post("/v5/order/amend", R"({"category":"linear","symbol":"BTCUSDT","orderId":")" + id +
                                         R"(","price":"59100","qty":"0.020"})");
    ASSERT_EQ(code(a), 0) << msg(a);
    EXPECT_EQ(str(a.at("result").at("orderId")), id);
    EXPECT_EQ(str(a.at("result").at("orderLinkId")), "am-1");
    const auto open = list(get("/v5/order/realtime", "category=linear&symbol=BTCUSDT"));
    ASSERT_EQ(open.size(), 1U);
    EXPECT_EQ(str(open.at(0).at("orderId")), id);
    EXPECT_EQ(str(open.at(0).at("orderLinkId")), "am-1");
    EXPECT_EQ(str(open.at(0).at("price")), "59100.0");
    EXPECT_EQ(str(open.at(0).at("qty")), "0.020");
    a = post("/v5/order/amend", R"({"category":"linear","symbol":"BTCUSDT","orderLinkId":"am-1","price":"59100"})");
    EXPECT_EQ(code(a), 10001);
    ASSERT_EQ(code(post("/v5/order/cancel", R"({"category":"linear","symbol":"BTCUSDT","orderId":")" + id + "\"}")), 0);
    EXPECT_TRUE(list(get("/v5/order/realtime", "category=linear&symbol=BTCUSDT")).empty());
    EXPECT_EQ(list(get("/v5/order/history", "category=linear&symbol=BTCUSDT")).size(), 1U);
}

TEST_F(bybit_test, conditional_direction_checked_then_triggers) {
    auto r = market("Sell", "0.010", R"(,"triggerPrice":"61000","triggerDirection":2,"triggerBy":"LastPrice")");
    EXPECT_EQ(code(r), 110093);
    EXPECT_EQ(msg(r), "expect Falling, but trigger_price[6100000000000] >= current[6000000000000]??LastPrice");
    r = market("Buy", "0.010", R"(,"triggerPrice":"59000","triggerDirection":1,"triggerBy":"MarkPrice")");
    EXPECT_EQ(code(r), 110092);
    EXPECT_EQ(msg(r), "expect Rising, but trigger_price[5900000000000] <= current[6000000000000]??MarkPrice");
    r = market("Buy", "0.010", R"(,"triggerPrice":"60500","triggerDirection":1,"orderLinkId":"c-1")");
    ASSERT_EQ(code(r), 0) << msg(r);
    auto open = list(get("/v5/order/realtime", "category=linear&symbol=BTCUSDT"));
    ASSERT_EQ(open.size(), 1U);
    EXPECT_EQ(str(open.at(0).at("orderStatus")), "Untriggered");
    EXPECT_EQ(str(open.at(0).at("stopOrderType")), "Stop");
    EXPECT_EQ(str(open.at(0).at("triggerPrice")), "60500.0");
    EXPECT_EQ(open.at(0).at("triggerDirection").as_int64(), 1);
    EXPECT_EQ(list(get("/v5/order/realtime", "category=linear&symbol=BTCUSDT&orderFilter=Order")).size(), 0U);
    // Amend the trigger, then let it fire.
    ASSERT_EQ(code(post("/v5/order/amend",
                        R"({"category":"linear","symbol":"BTCUSDT","orderLinkId":"c-1","triggerPrice":"60400"})")),
              0);
    open = list(get("/v5/order/realtime", "category=linear&symbol=BTCUSDT"));
    EXPECT_EQ(str(open.at(0).at("triggerPrice")), "60400.0");
    venue_.on_price(btc, prices_at("60450"_d));
    EXPECT_TRUE(list(get("/v5/order/realtime", "category=linear&symbol=BTCUSDT")).empty());
    const auto pos = list(get("/v5/position/list", "category=linear&symbol=BTCUSDT")).at(0).as_object();
    EXPECT_EQ(str(pos.at("size")), "0.010");
    const auto hist = list(get("/v5/order/history", "category=linear&orderLinkId=c-1"));
    ASSERT_EQ(hist.size(), 1U);
    EXPECT_EQ(str(hist.at(0).at("orderStatus")), "Triggered");
}

TEST_F(bybit_test, cancel_all_cancels_orders_and_conditionals) {
    ASSERT_EQ(code(limit("Buy", "0.010", "59000")), 0);
    ASSERT_EQ(code(market("Buy", "0.010", R"(,"triggerPrice":"60500","triggerDirection":1)")), 0);
    const auto r = post("/v5/order/cancel-all", R"({"category":"linear","symbol":"BTCUSDT"})");
    ASSERT_EQ(code(r), 0);
    EXPECT_EQ(list(r).size(), 2U);
    EXPECT_EQ(str(r.at("result").at("success")), "1");
    EXPECT_TRUE(list(get("/v5/order/realtime", "category=linear&symbol=BTCUSDT")).empty());
    EXPECT_EQ(code(post("/v5/order/cancel-all", R"({"category":"linear"})")), 10001);
}

TEST_F(bybit_test, take_profit_and_stop_loss_on_create) {
    auto r = market("Buy", "0.010", R"(,"stopLoss":"61000")");
    EXPECT_EQ(code(r), 10001);
    EXPECT_EQ(msg(r), "StopLoss:6100000000000 set for Buy position should lower than base_price:6000000000000??LastPrice");
    r = market("Buy", "0.010", R"(,"stopLoss":"59000","takeProfit":"62000")");
    ASSERT_EQ(code(r), 0) << msg(r);
    const auto pos = list(get("/v5/position/list", "category=linear&symbol=BTCUSDT")).at(0).as_object();
    EXPECT_EQ(str(pos.at("stopLoss")), "59000.0");
    EXPECT_EQ(str(pos.at("takeProfit")), "62000.0");
}

}  // namespace tradebot::sim::bybit::test
