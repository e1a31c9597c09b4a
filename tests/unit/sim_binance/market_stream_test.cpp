#include "fixture.hpp"

namespace tradebot::sim::binance::test {

TEST_F(binance_test, time_and_exchange_info) {
    const auto t = public_req("/fapi/v1/time");
    EXPECT_NEAR(static_cast<double>(t.body.as_object().at("serverTime").as_int64()),
                static_cast<double>(clock_.server_now_ms()), 1000.0);
    const auto info = public_req("/fapi/v1/exchangeInfo");
    const auto& s = info.body.as_object().at("symbols").as_array()[0].as_object();
    EXPECT_EQ(s.at("symbol").as_string(), "BTCUSDT");
    EXPECT_EQ(s.at("pricePrecision").as_int64(), 2);
    bool notional = false;
    for (const auto& f : s.at("filters").as_array()) {
        if (f.as_object().at("filterType").as_string() == "MIN_NOTIONAL") {
            EXPECT_EQ(f.as_object().at("notional").as_string(), "5");
            notional = true;
        }
    }
    EXPECT_TRUE(notional);
}

TEST_F(binance_test, prices_book_premium_depth) {
    EXPECT_EQ(public_req("/fapi/v2/ticker/price?symbol=BTCUSDT").str("price"), "50000.0");
    EXPECT_EQ(public_req("/fapi/v1/ticker/bookTicker?symbol=BTCUSDT").str("askPrice"), "50000.1");
    const auto pi = public_req("/fapi/v1/premiumIndex?symbol=BTCUSDT");
    EXPECT_EQ(pi.str("markPrice"), "50000.0");
    EXPECT_TRUE(pi.body.as_object().contains("nextFundingTime"));
    EXPECT_EQ(public_req("/fapi/v1/premiumIndex").body.as_array().size(), 1u);
    EXPECT_EQ(public_req("/fapi/v1/premiumIndex?symbol=NOPE").code(), -1121);
    const auto d = public_req("/fapi/v1/depth?symbol=BTCUSDT&limit=5");
    EXPECT_EQ(d.body.as_object().at("bids").as_array()[0].as_array()[0].as_string(), "49999.9");
    EXPECT_EQ(public_req("/fapi/v1/depth?symbol=BTCUSDT&limit=7").code(), -1130);
}

TEST_F(binance_test, klines_from_prices) {
    venue_.on_price(btc, at("50010"_d));
    venue_.on_price(btc, at("49990"_d));
    const auto k = public_req("/fapi/v1/klines?symbol=BTCUSDT&interval=1m");
    ASSERT_EQ(k.body.as_array().size(), 1u);
    const auto& row = k.body.as_array()[0].as_array();
    EXPECT_EQ(row[1].as_string(), "50010.0");
    EXPECT_EQ(row[2].as_string(), "50010.0");
    EXPECT_EQ(row[3].as_string(), "49990.0");
    EXPECT_EQ(row[4].as_string(), "49990.0");
}

TEST_F(binance_test, ws_accept_paths) {
    auto req = [](std::string target) {
        net::http_request r;
        r.method = "GET";
        r.target = std::move(target);
        return r;
    };
    EXPECT_FALSE(venue_.ws_accept(req("/market/ws/btcusdt@markPrice@1s")).has_value());
    EXPECT_FALSE(venue_.ws_accept(req("/public/stream?streams=btcusdt@bookTicker")).has_value());
    EXPECT_FALSE(venue_.ws_accept(req("/ws/btcusdt@bookTicker")).has_value());
    EXPECT_EQ(venue_.ws_accept(req("/nope")).value().response.status, 404u);
    EXPECT_EQ(venue_.ws_accept(req("/private/ws?listenKey=unknown")).value().response.status, 400u);
}

TEST_F(binance_test, mark_price_stream_on_market_route_only) {
    fake_peer market{1, "/market/stream?streams=btcusdt@markPrice@1s"};
    fake_peer legacy{2, "/ws/btcusdt@markPrice@1s"};
    venue_.ws_open(market);
    venue_.ws_open(legacy);
    venue_.tick();
    clock_.advance(std::chrono::seconds{1});
    venue_.tick();
    const auto ev = market.events("markPriceUpdate");
    ASSERT_FALSE(ev.empty());
    EXPECT_EQ(ev[0].at("p").as_string(), "50000.0");
    EXPECT_NE(market.frames[0].find("\"stream\":\"btcusdt@markPrice@1s\""), std::string::npos);
    EXPECT_TRUE(legacy.frames.empty());  // retired paths carry public data only
}

TEST_F(binance_test, subscribe_list_unsubscribe) {
    fake_peer p{1, "/public/ws"};
    venue_.ws_open(p);
    venue_.ws_message(p, R"({"method":"SUBSCRIBE","params":["btcusdt@bookTicker"],"id":1})");
    EXPECT_EQ(p.frames.back(), R"({"result":null,"id":1})");
    venue_.ws_message(p, R"({"method":"LIST_SUBSCRIPTIONS","id":3})");
    EXPECT_EQ(p.frames.back(), R"({"result":["btcusdt@bookTicker"],"id":3})");
    venue_.on_price(btc, at("50100"_d));
    const auto bt = p.events("bookTicker");
    ASSERT_EQ(bt.size(), 1u);
    EXPECT_EQ(bt[0].at("b").as_string(), "50099.9");
    venue_.ws_message(p, R"({"method":"UNSUBSCRIBE","params":["btcusdt@bookTicker"],"id":4})");
    venue_.ws_message(p, "nonsense");
    EXPECT_NE(p.frames.back().find("\"code\":3"), std::string::npos);
    venue_.ws_message(p, R"({"method":"SUBSCRIBE","params":[],"id":-1})");
    EXPECT_NE(p.frames.back().find("\"code\":2"), std::string::npos);
}

TEST_F(binance_test, all_book_tickers_on_the_public_route_only) {
    fake_peer all{1, "/public/stream?streams=!bookTicker"};
    fake_peer market{2, "/market/stream?streams=!bookTicker"};
    venue_.ws_open(all);
    venue_.ws_open(market);
    venue_.on_price(btc, at("50100"_d));
    const auto bt = all.events("bookTicker");
    ASSERT_EQ(bt.size(), 1u);
    EXPECT_EQ(bt[0].at("s").as_string(), "BTCUSDT");
    EXPECT_EQ(bt[0].at("a").as_string(), "50100.1");
    EXPECT_NE(all.frames.back().find(R"("stream":"!bookTicker")"), std::string::npos);
    EXPECT_TRUE(market.events("bookTicker").empty()) << "book data lives on /public (§A9)";
}

TEST_F(binance_test, too_many_messages_close_the_connection) {
    fake_peer p{1, "/public/ws"};
    venue_.ws_open(p);
    for (int i = 0; i < 11; ++i) {
        venue_.ws_message(p, R"({"method":"LIST_SUBSCRIPTIONS","id":1})");
    }
    EXPECT_TRUE(p.closed);
}

TEST_F(binance_test, user_stream_events_and_listen_key_expiry) {
    const auto lk = keyed_req("POST", "/fapi/v1/listenKey");
    const std::string k = lk.str("listenKey");
    EXPECT_EQ(keyed_req("POST", "/fapi/v1/listenKey").str("listenKey"), k);  // same key while alive
    fake_peer p{1, "/private/ws?listenKey=" + k};
    ASSERT_FALSE(venue_.ws_accept([&] {
        net::http_request r;
        r.target = p.target();
        return r;
    }()).has_value());
    venue_.ws_open(p);
    signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.100");
    const auto orders = p.events("ORDER_TRADE_UPDATE");
    ASSERT_GE(orders.size(), 2u);
    EXPECT_EQ(orders[0].at("o").as_object().at("x").as_string(), "NEW");
    EXPECT_EQ(orders.back().at("o").as_object().at("x").as_string(), "TRADE");
    EXPECT_EQ(orders.back().at("o").as_object().at("X").as_string(), "FILLED");
    const auto acc = p.events("ACCOUNT_UPDATE");
    ASSERT_FALSE(acc.empty());
    EXPECT_EQ(acc[0].at("a").as_object().at("m").as_string(), "ORDER");
    signed_req("POST", "/fapi/v1/algoOrder",
               "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&triggerPrice=49000&closePosition=true");
    const auto algo = p.events("ALGO_UPDATE");
    ASSERT_EQ(algo.size(), 1u);
    EXPECT_EQ(algo[0].at("o").as_object().at("X").as_string(), "NEW");
    EXPECT_EQ(keyed_req("PUT", "/fapi/v1/listenKey").str("listenKey"), k);
    clock_.advance(std::chrono::minutes{61});
    venue_.tick();
    const auto expired = p.events("listenKeyExpired");
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0].at("listenKey").as_string(), k);
    EXPECT_EQ(keyed_req("PUT", "/fapi/v1/listenKey").code(), -1125);
}

TEST_F(binance_test, connections_close_after_24_hours) {
    fake_peer p{1, "/market/ws/btcusdt@markPrice"};
    venue_.ws_open(p);
    clock_.advance(std::chrono::hours{24});
    venue_.tick();
    EXPECT_TRUE(p.closed);
}

TEST_F(binance_test, state_lists_keys_and_connections) {
    keyed_req("POST", "/fapi/v1/listenKey");
    fake_peer p{9, "/market/ws/btcusdt@markPrice"};
    venue_.ws_open(p);
    const auto s = venue_.state().as_object();
    EXPECT_EQ(s.at("listenKeys").as_array().size(), 1u);
    EXPECT_EQ(s.at("connections").as_array().size(), 1u);
    EXPECT_TRUE(s.at("rateLimits").as_object().contains("usedWeight1m"));
}

}  // namespace tradebot::sim::binance::test
