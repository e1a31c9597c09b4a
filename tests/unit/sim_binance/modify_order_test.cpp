#include "fixture.hpp"

namespace tradebot::sim::binance::test {

// PUT /fapi/v1/order (§A6 "modify", ccxt's editOrder on binanceusdm): a resting LIMIT order gets a
// new price and quantity and keeps its ids; the filters refuse a bad one and leave the order alone.

namespace {

std::int64_t order_id_of(const response& r) { return r.body.as_object().at("orderId").as_int64(); }

}  // namespace

TEST_F(binance_test, modify_changes_price_and_quantity_of_a_resting_limit_and_keeps_its_ids) {
    const auto lk = keyed_req("POST", "/fapi/v1/listenKey").str("listenKey");
    fake_peer p{1, "/private/ws?listenKey=" + lk};
    ASSERT_FALSE(venue_.ws_accept([&] {
        net::http_request u;
        u.target = p.target();
        return u;
    }()).has_value());
    venue_.ws_open(p);
    const auto placed = signed_req("POST", "/fapi/v1/order",
                                   "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price=49000"
                                   "&newClientOrderId=edit-1");
    ASSERT_EQ(placed.status, 200u) << placed.raw.response.body;
    const auto id = std::to_string(order_id_of(placed));

    const auto r = signed_req("PUT", "/fapi/v1/order",
                              "symbol=BTCUSDT&side=BUY&orderId=" + id + "&quantity=0.020&price=49100&modifyId=7");
    ASSERT_EQ(r.status, 200u) << r.raw.response.body;
    EXPECT_EQ(std::to_string(order_id_of(r)), id);
    EXPECT_EQ(r.str("clientOrderId"), "edit-1");
    EXPECT_EQ(r.str("status"), "NEW");
    EXPECT_EQ(r.str("origQty"), "0.020");
    EXPECT_EQ(r.str("price"), "49100.0");
    EXPECT_EQ(r.body.as_object().at("modifyId").as_int64(), 7);
    // Request weight 0, one on the order counters (§A6 official docs).
    EXPECT_EQ(r.header("X-MBX-ORDER-COUNT-1M"), "2");

    const auto q = signed_req("GET", "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=edit-1");
    EXPECT_EQ(q.str("price"), "49100.0");
    EXPECT_EQ(q.str("origQty"), "0.020");
    const auto updates = p.events("ORDER_TRADE_UPDATE");
    ASSERT_EQ(updates.size(), 2u);
    const auto& amended = updates[1].at("o").as_object();
    EXPECT_EQ(amended.at("x").as_string(), "AMENDMENT");
    EXPECT_EQ(amended.at("X").as_string(), "NEW");
    EXPECT_EQ(amended.at("p").as_string(), "49100.0");

    // By client id too; the same values again is -5027 and changes nothing.
    EXPECT_EQ(signed_req("PUT", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&origClientOrderId=edit-1&quantity=0.020&price=49100")
                  .code(),
              -5027);
    EXPECT_EQ(signed_req("PUT", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&origClientOrderId=edit-1&quantity=0.030&price=49100")
                  .str("origQty"),
              "0.030");
}

TEST_F(binance_test, modify_refused_by_the_filters_leaves_the_order_as_it_was) {
    const auto placed = signed_req("POST", "/fapi/v1/order",
                                   "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price=49000");
    const auto id = std::to_string(order_id_of(placed));
    const auto modify = [&](const std::string& rest) {
        return signed_req("PUT", "/fapi/v1/order", "symbol=BTCUSDT&orderId=" + id + rest);
    };
    // Validation order: parameters, side, symbol, the order reference, quantity, price; then the order.
    EXPECT_EQ(modify("&side=BUY&quantity=0.010&price=49000&type=LIMIT").code(), -1103);
    EXPECT_EQ(modify("&quantity=0.010&price=49000").code(), -1102);
    EXPECT_EQ(modify("&side=HOLD&quantity=0.010&price=49000").code(), -1117);
    EXPECT_EQ(modify("&side=BUY&price=49000").code(), -1102);
    EXPECT_EQ(modify("&side=BUY&quantity=0.010").code(), -1102);
    EXPECT_EQ(modify("&side=BUY&quantity=0.010&price=49000&priceMatch=QUEUE").code(), -1130);
    EXPECT_EQ(modify("&side=SELL&quantity=0.010&price=49000").code(), -1130);
    EXPECT_EQ(signed_req("PUT", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&quantity=0.010&price=49000").code(), -1102);
    EXPECT_EQ(signed_req("PUT", "/fapi/v1/order", "symbol=NOPEUSDT&side=BUY&orderId=1&quantity=0.010&price=49000").code(),
              -1121);
    EXPECT_EQ(signed_req("PUT", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&orderId=999&quantity=0.010&price=49000").code(),
              -2013);
    EXPECT_EQ(modify("&side=BUY&quantity=0.010&price=49000.005").code(), -1111);  // pricePrecision 2
    EXPECT_EQ(modify("&side=BUY&quantity=0.010&price=49000.05").code(), -4014);   // tick 0.1
    EXPECT_EQ(modify("&side=BUY&quantity=0.0105&price=49000").code(), -1111);
    EXPECT_EQ(modify("&side=BUY&quantity=0.010&price=60000").code(), -4016);  // above mark x 1.05
    EXPECT_EQ(modify("&side=BUY&quantity=0.001&price=1000").code(), -4164);   // 1 USDT < 5
    const auto q = signed_req("GET", "/fapi/v1/order", "symbol=BTCUSDT&orderId=" + id);
    EXPECT_EQ(q.str("price"), "49000.0");
    EXPECT_EQ(q.str("origQty"), "0.010");
    EXPECT_EQ(q.str("status"), "NEW");
}

TEST_F(binance_test, modify_checks_the_margin_of_what_it_adds) {
    const auto placed = signed_req("POST", "/fapi/v1/order",
                                   "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1.000&price=49000");
    ASSERT_EQ(placed.status, 200u) << placed.raw.response.body;
    const auto id = std::to_string(order_id_of(placed));
    // 1 BTC at 49000 holds 4900 of the 10000 at 10x; 2.1 BTC would need 10290.
    EXPECT_EQ(signed_req("PUT", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&orderId=" + id + "&quantity=2.100&price=49000")
                  .code(),
              -2019);
    EXPECT_EQ(signed_req("PUT", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&orderId=" + id + "&quantity=1.900&price=49000")
                  .status,
              200u);
    EXPECT_EQ(signed_req("GET", "/fapi/v1/order", "symbol=BTCUSDT&orderId=" + id).str("origQty"), "1.900");
}

TEST_F(binance_test, modify_to_a_crossing_price_takes_and_a_post_only_one_is_cancelled) {
    const auto gtc = signed_req("POST", "/fapi/v1/order",
                                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price=49000");
    const auto taken = signed_req("PUT", "/fapi/v1/order",
                                  "symbol=BTCUSDT&side=BUY&orderId=" + std::to_string(order_id_of(gtc)) +
                                      "&quantity=0.010&price=50100");
    ASSERT_EQ(taken.status, 200u) << taken.raw.response.body;
    EXPECT_EQ(taken.str("status"), "FILLED");
    EXPECT_EQ(taken.str("avgPrice"), "50000.1");  // the ask, as a taker

    const auto gtx = signed_req("POST", "/fapi/v1/order",
                                "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTX&quantity=0.010&price=51000");
    ASSERT_EQ(gtx.status, 200u) << gtx.raw.response.body;
    const auto gone = signed_req("PUT", "/fapi/v1/order",
                                 "symbol=BTCUSDT&side=SELL&orderId=" + std::to_string(order_id_of(gtx)) +
                                     "&quantity=0.010&price=49900");
    ASSERT_EQ(gone.status, 200u) << gone.raw.response.body;
    EXPECT_EQ(gone.str("status"), "CANCELED");
    // A finished order cannot be modified.
    EXPECT_EQ(signed_req("PUT", "/fapi/v1/order",
                         "symbol=BTCUSDT&side=SELL&orderId=" + std::to_string(order_id_of(gtx)) +
                             "&quantity=0.010&price=52000")
                  .code(),
              -2013);
}

TEST_F(binance_test, modify_of_a_partly_filled_order_to_no_more_than_its_fill_cancels_it) {
    const auto placed = signed_req("POST", "/fapi/v1/order",
                                   "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.200&price=49900");
    const auto id = std::to_string(order_id_of(placed));
    auto thin = at("49900.1"_d);  // ask 49900.2: not yet
    venue_.on_price(btc, thin);
    thin = at("49899.9"_d);  // ask 49900.0 with 0.1 shown: half of it fills as maker
    thin.ask_qty = "0.1"_d;
    venue_.on_price(btc, thin);
    const auto part = signed_req("GET", "/fapi/v1/order", "symbol=BTCUSDT&orderId=" + id);
    ASSERT_EQ(part.str("status"), "PARTIALLY_FILLED") << part.raw.response.body;
    EXPECT_EQ(part.str("executedQty"), "0.100");
    const auto r = signed_req("PUT", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&orderId=" + id + "&quantity=0.100&price=49800");
    ASSERT_EQ(r.status, 200u) << r.raw.response.body;
    EXPECT_EQ(r.str("status"), "CANCELED");
    EXPECT_EQ(r.str("executedQty"), "0.100");
}

}  // namespace tradebot::sim::binance::test
