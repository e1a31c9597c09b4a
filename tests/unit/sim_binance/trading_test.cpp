#include "fixture.hpp"

namespace tradebot::sim::binance::test {

TEST_F(binance_test, market_order_ack_then_result) {
    const auto ack = signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.010");
    ASSERT_EQ(ack.status, 200u) << ack.raw.response.body;
    EXPECT_EQ(ack.str("status"), "NEW");
    EXPECT_EQ(ack.str("executedQty"), "0");  // zero prints as "0" like the docs example
    EXPECT_TRUE(ack.header("X-MBX-ORDER-COUNT-10S").has_value());
    EXPECT_EQ(ack.header("X-MBX-ORDER-COUNT-1M"), "1");
    const auto res = signed_req("POST", "/fapi/v1/order",
                                "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.010&newOrderRespType=RESULT");
    EXPECT_EQ(res.str("status"), "FILLED");
    EXPECT_EQ(res.str("avgPrice"), "50000.1");
    EXPECT_EQ(res.str("executedQty"), "0.010");
}

TEST_F(binance_test, new_orders_are_logged_with_their_arrival_and_the_engine_verdict) {
    const auto before = wire::wall_now();
    ASSERT_EQ(signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.010&"
                                                   "newClientOrderId=arr-1").status, 200u);
    const auto after = wire::wall_now();
    // Refused by the engine (notional below the minimum): listed, not accepted.
    EXPECT_EQ(signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&"
                                                   "quantity=0.001&price=4000&newClientOrderId=arr-2").code(), -4164);
    // Refused by the parameter checks before the engine, and not an order placement: not listed.
    EXPECT_EQ(signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=UP&type=MARKET&quantity=1&"
                                                   "newClientOrderId=arr-3").code(), -1117);
    EXPECT_EQ(signed_req("GET", "/fapi/v1/openOrders", "symbol=BTCUSDT").status, 200u);

    const auto& log = venue_.arrivals().entries();
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].client_id, "arr-1");
    EXPECT_TRUE(log[0].accepted);
    EXPECT_GE(log[0].arrival_us, before.time_since_epoch().count());
    EXPECT_LE(log[0].arrival_us, after.time_since_epoch().count());
    EXPECT_EQ(log[1].client_id, "arr-2");
    EXPECT_FALSE(log[1].accepted);
}

TEST(arrival_log, keeps_only_the_newest_entries) {
    wire::arrival_log log{3};
    for (int i = 0; i < 5; ++i) {
        log.record("c" + std::to_string(i), wire::arrival_time{std::chrono::microseconds{i}}, true);
    }
    ASSERT_EQ(log.entries().size(), 3u);
    EXPECT_EQ(log.entries().front().client_id, "c2");
    EXPECT_EQ(log.entries().back().arrival_us, 4);
    EXPECT_EQ(wire::arrival_log{}.capacity(), 100'000u);
}

TEST_F(binance_test, conditional_type_on_order_endpoint_is_4120) {
    const auto r = signed_req("POST", "/fapi/v1/order",
                              "symbol=BTCUSDT&side=SELL&type=STOP_MARKET&quantity=0.010&stopPrice=49000");
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), -4120);
    EXPECT_EQ(r.msg(), "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.");
}

TEST_F(binance_test, order_validation_codes) {
    EXPECT_EQ(signed_req("POST", "/fapi/v1/order", "side=BUY&type=MARKET&quantity=1").msg(),
              "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    EXPECT_EQ(signed_req("POST", "/fapi/v1/order", "symbol=XXXUSDT&side=BUY&type=MARKET&quantity=1").code(), -1121);
    EXPECT_EQ(signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=UP&type=MARKET&quantity=1").code(), -1117);
    EXPECT_EQ(signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=50000").msg(),
              "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
    const auto band = signed_req("POST", "/fapi/v1/order",
                                 "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=60000");
    EXPECT_EQ(band.code(), -4016);
    EXPECT_EQ(band.msg(), "Price is higher than mark price multiplier cap.");
    const auto small = signed_req("POST", "/fapi/v1/order",
                                  "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=4000");
    EXPECT_EQ(small.code(), -4164);
    EXPECT_EQ(small.msg(), "Order's notional must be no smaller than 5 (unless you choose reduce only)");
}

TEST_F(binance_test, limit_order_query_cancel_and_lists) {
    const auto placed = signed_req("POST", "/fapi/v1/order",
                                   "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price=49000"
                                   "&newClientOrderId=my-1");
    ASSERT_EQ(placed.status, 200u) << placed.raw.response.body;
    EXPECT_EQ(placed.str("price"), "49000.0");
    EXPECT_EQ(placed.str("clientOrderId"), "my-1");
    const auto q = signed_req("GET", "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=my-1");
    EXPECT_EQ(q.str("status"), "NEW");
    EXPECT_TRUE(q.body.as_object().contains("time"));
    EXPECT_EQ(signed_req("GET", "/fapi/v1/openOrders", "symbol=BTCUSDT").body.as_array().size(), 1u);
    const auto dup = signed_req("POST", "/fapi/v1/order",
                                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price=49000"
                                "&newClientOrderId=my-1");
    EXPECT_EQ(dup.code(), -4116);
    const auto c = signed_req("DELETE", "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=my-1");
    EXPECT_EQ(c.str("status"), "CANCELED");
    const auto again = signed_req("DELETE", "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=my-1");
    EXPECT_EQ(again.code(), -2011);
    EXPECT_EQ(again.msg(), "Unknown order sent.");
    EXPECT_EQ(signed_req("GET", "/fapi/v1/order", "symbol=BTCUSDT&orderId=1").code(), -2013);
    EXPECT_EQ(signed_req("DELETE", "/fapi/v1/order", "symbol=BTCUSDT").msg(),
              "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!");
    EXPECT_EQ(signed_req("GET", "/fapi/v1/allOrders", "symbol=BTCUSDT").body.as_array().size(), 1u);
    const auto all = signed_req("DELETE", "/fapi/v1/allOpenOrders", "symbol=BTCUSDT");
    EXPECT_EQ(all.msg(), "The operation of cancel all open order is done.");
}

TEST_F(binance_test, positions_balance_and_trades) {
    signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.100");
    const auto v2 = signed_req("GET", "/fapi/v2/positionRisk", "symbol=BTCUSDT");
    ASSERT_EQ(v2.body.as_array().size(), 1u);
    const auto& p = v2.body.as_array()[0].as_object();
    EXPECT_EQ(p.at("positionAmt").as_string(), "0.100");
    EXPECT_EQ(p.at("entryPrice").as_string(), "50000.1");
    EXPECT_EQ(p.at("marginType").as_string(), "cross");
    EXPECT_TRUE(p.contains("unRealizedProfit"));
    const auto v3 = signed_req("GET", "/fapi/v3/positionRisk", "");
    EXPECT_EQ(v3.body.as_array().size(), 1u);
    const auto trades = signed_req("GET", "/fapi/v1/userTrades", "symbol=BTCUSDT");
    ASSERT_EQ(trades.body.as_array().size(), 1u);
    EXPECT_EQ(trades.body.as_array()[0].as_object().at("qty").as_string(), "0.100");
    const auto bal = signed_req("GET", "/fapi/v2/balance", "");
    EXPECT_EQ(bal.body.as_array()[0].as_object().at("asset").as_string(), "USDT");
    const auto acc = signed_req("GET", "/fapi/v2/account", "");
    EXPECT_EQ(acc.body.as_object().at("positions").as_array().size(), 1u);
}

TEST_F(binance_test, v3_position_risk_omits_flat_and_faults_hide_positions) {
    EXPECT_TRUE(signed_req("GET", "/fapi/v3/positionRisk", "").body.as_array().empty());
    EXPECT_EQ(signed_req("GET", "/fapi/v2/positionRisk", "").body.as_array().size(), 1u);  // flat row
    venue_.faults().position_visibility_delay = std::chrono::milliseconds{2000};
    signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.100");
    EXPECT_TRUE(signed_req("GET", "/fapi/v3/positionRisk", "").body.as_array().empty());
    clock_.advance(std::chrono::seconds{3});
    EXPECT_EQ(signed_req("GET", "/fapi/v3/positionRisk", "").body.as_array().size(), 1u);
    venue_.faults().empty_positions_once = true;
    EXPECT_TRUE(signed_req("GET", "/fapi/v3/positionRisk", "").body.as_array().empty());
    EXPECT_EQ(signed_req("GET", "/fapi/v3/positionRisk", "").body.as_array().size(), 1u);
}

TEST_F(binance_test, leverage_margin_type_and_dual_side) {
    const auto l = signed_req("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=21");
    EXPECT_EQ(l.body.as_object().at("leverage").as_int64(), 21);
    EXPECT_EQ(signed_req("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=500").code(), -4028);
    EXPECT_EQ(signed_req("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=ISOLATED").msg(), "success");
    EXPECT_EQ(signed_req("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=ISOLATED").code(), -4046);
    EXPECT_EQ(signed_req("GET", "/fapi/v1/positionSide/dual", "").body.as_object().at("dualSidePosition").as_bool(), false);
    EXPECT_EQ(signed_req("POST", "/fapi/v1/positionSide/dual", "dualSidePosition=false").code(), -4059);
}

TEST_F(binance_test, algo_order_lifecycle) {
    signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.100");
    const auto bad = signed_req("POST", "/fapi/v1/algoOrder",
                                "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&triggerPrice=51000"
                                "&closePosition=true");
    EXPECT_EQ(bad.code(), -2021);
    EXPECT_EQ(bad.msg(), "Order would immediately trigger.");
    const auto placed = signed_req("POST", "/fapi/v1/algoOrder",
                                   "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&triggerPrice=49000"
                                   "&closePosition=true&workingType=MARK_PRICE&clientAlgoId=sl-1");
    ASSERT_EQ(placed.status, 200u) << placed.raw.response.body;
    EXPECT_EQ(placed.str("algoStatus"), "NEW");
    EXPECT_EQ(placed.str("triggerPrice"), "49000.0");
    EXPECT_EQ(placed.str("orderType"), "STOP_MARKET");
    EXPECT_EQ(signed_req("GET", "/fapi/v1/openAlgoOrders", "symbol=BTCUSDT").body.as_array().size(), 1u);
    const auto q = signed_req("GET", "/fapi/v1/algoOrder", "clientAlgoId=sl-1");
    EXPECT_TRUE(q.body.as_object().contains("actualOrderId"));
    const auto c = signed_req("DELETE", "/fapi/v1/algoOrder", "clientAlgoId=sl-1");
    EXPECT_EQ(c.str("code"), "200");  // a string on this endpoint
    EXPECT_EQ(c.msg(), "success");
    EXPECT_EQ(signed_req("DELETE", "/fapi/v1/algoOrder", "clientAlgoId=sl-1").code(), -2011);
    EXPECT_EQ(signed_req("DELETE", "/fapi/v1/algoOpenOrders", "symbol=BTCUSDT").code(), 200);
}

TEST_F(binance_test, algo_stop_fires_on_price) {
    signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.100");
    signed_req("POST", "/fapi/v1/algoOrder",
               "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&triggerPrice=49000&closePosition=true");
    venue_.on_price(btc, at("48900"_d));
    EXPECT_TRUE(signed_req("GET", "/fapi/v1/openAlgoOrders", "").body.as_array().empty());
    EXPECT_TRUE(signed_req("GET", "/fapi/v3/positionRisk", "").body.as_array().empty());
}

TEST_F(binance_test, hang_after_accept_carries_out_the_order) {
    venue_.faults().hang_after_accept_next = 1;
    const auto r = venue_.handle([&] {
        net::http_request q;
        q.method = "POST";
        const exchange::api_credentials creds{key, secret};
        q.target = "/fapi/v1/order?" +
                   exchange::binance_signed_query(creds, "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.010&timestamp=" +
                                                             std::to_string(clock_.server_now_ms()));
        q.headers.emplace_back("X-MBX-APIKEY", key);
        return q;
    }());
    EXPECT_EQ(r.action, wire::disposition::hang);
    EXPECT_EQ(signed_req("GET", "/fapi/v3/positionRisk", "").body.as_array().size(), 1u);
}

}  // namespace tradebot::sim::binance::test
