#include "fixture.hpp"

namespace tradebot::sim::bybit::test {

namespace {

net::http_request upgrade(std::string target) {
    net::http_request r;
    r.method = "GET";
    r.target = std::move(target);
    return r;
}

}  // namespace

TEST_F(bybit_test, ws_accept_paths) {
    EXPECT_FALSE(venue_.ws_accept(upgrade("/v5/public/linear")).has_value());
    EXPECT_FALSE(venue_.ws_accept(upgrade("/v5/private")).has_value());
    const auto refused = venue_.ws_accept(upgrade("/v5/public/spot"));
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->response.status, 404U);
}

TEST_F(bybit_test, public_ping_and_subscribe) {
    fake_peer p{1, "/v5/public/linear"};
    venue_.ws_open(p);
    venue_.ws_message(p, R"({"req_id":"100001","op":"ping"})");
    auto pong = p.last();
    EXPECT_TRUE(pong.at("success").as_bool());
    EXPECT_EQ(str(pong.at("ret_msg")), "pong");
    EXPECT_EQ(str(pong.at("op")), "ping");
    EXPECT_EQ(str(pong.at("req_id")), "100001");
    EXPECT_TRUE(pong.contains("conn_id"));

    venue_.ws_message(p, R"({"op":"subscribe","args":["tickers.NOPEUSDT"]})");
    EXPECT_FALSE(p.last().at("success").as_bool());
    EXPECT_EQ(str(p.last().at("ret_msg")), "error:handler not found,topic:tickers.NOPEUSDT");

    p.frames.clear();
    venue_.ws_message(p, R"({"req_id":"s1","op":"subscribe","args":["tickers.BTCUSDT","orderbook.1.BTCUSDT","publicTrade.BTCUSDT","kline.1.BTCUSDT"]})");
    auto ok = p.frame(0);
    EXPECT_TRUE(ok.at("success").as_bool());
    EXPECT_EQ(str(ok.at("op")), "subscribe");
    EXPECT_EQ(str(ok.at("ret_msg")), "");
    const auto snap = p.on("tickers.BTCUSDT");
    ASSERT_EQ(snap.size(), 1U);
    EXPECT_EQ(str(snap[0].at("type")), "snapshot");
    EXPECT_EQ(str(snap[0].at("data").at("lastPrice")), "60000.0");
    EXPECT_TRUE(snap[0].contains("cs"));
    EXPECT_EQ(p.on("orderbook.1.BTCUSDT").size(), 1U);

    p.frames.clear();
    auto next = prices_at("60000"_d);
    next.mark = "60010"_d;  // only the mark moves
    venue_.on_price(btc, next);
    const auto delta = p.on("tickers.BTCUSDT");
    ASSERT_EQ(delta.size(), 1U);
    EXPECT_EQ(str(delta[0].at("type")), "delta");
    const auto& d = delta[0].at("data").as_object();
    EXPECT_EQ(str(d.at("markPrice")), "60010.0");
    EXPECT_FALSE(d.contains("lastPrice"));
    EXPECT_FALSE(d.contains("bid1Price"));
    EXPECT_EQ(str(p.on("orderbook.1.BTCUSDT").at(0).at("data").at("b").at(0).at(0)), "59999.9");
    EXPECT_EQ(p.on("kline.1.BTCUSDT").size(), 1U);

    p.frames.clear();
    ASSERT_EQ(code(market("Buy", "0.010")), 0);
    const auto trades = p.on("publicTrade.BTCUSDT");
    ASSERT_EQ(trades.size(), 1U);
    EXPECT_EQ(str(trades[0].at("data").at(0).at("S")), "Buy");
    EXPECT_EQ(str(trades[0].at("data").at(0).at("p")), "60000.1");
    EXPECT_EQ(str(trades[0].at("data").at(0).at("v")), "0.010");

    venue_.ws_message(p, R"({"op":"unsubscribe","args":["tickers.BTCUSDT"]})");
    EXPECT_TRUE(p.last().at("success").as_bool());
    p.frames.clear();
    venue_.on_price(btc, prices_at("60100"_d));
    EXPECT_TRUE(p.on("tickers.BTCUSDT").empty());
    venue_.ws_closed(p);
}

TEST_F(bybit_test, private_auth_and_topics) {
    fake_peer p{2, "/v5/private"};
    venue_.ws_open(p);
    venue_.ws_message(p, R"({"req_id":"test","op":"ping"})");
    auto pong = p.last();
    EXPECT_EQ(str(pong.at("op")), "pong");
    EXPECT_EQ(str(pong.at("req_id")), "test");
    EXPECT_EQ(pong.at("args").as_array().size(), 1U);

    venue_.ws_message(p, R"({"op":"subscribe","args":["order"]})");
    EXPECT_FALSE(p.last().at("success").as_bool());

    const exchange::api_credentials creds{"key-1", "secret-1"};
    const std::int64_t expires = clock_.server_now_ms() + 10'000;
    venue_.ws_message(p, R"({"op":"auth","args":["key-1",)" + std::to_string(expires) + R"(,"deadbeef"]})");
    EXPECT_FALSE(p.last().at("success").as_bool());
    EXPECT_EQ(str(p.last().at("ret_msg")), "Invalid signature");
    const std::int64_t past = clock_.server_now_ms() - 1;
    venue_.ws_message(p, R"({"op":"auth","args":["key-1",)" + std::to_string(past) + R"(,")" +
                             exchange::bybit_ws_auth_signature(creds, past) + "\"]}");
    EXPECT_FALSE(p.last().at("success").as_bool());
    venue_.ws_message(p, R"({"req_id":"a1","op":"auth","args":["key-1",)" + std::to_string(expires) + R"(,")" +
                             exchange::bybit_ws_auth_signature(creds, expires) + "\"]}");
    auto ok = p.last();
    EXPECT_TRUE(ok.at("success").as_bool());
    EXPECT_EQ(str(ok.at("op")), "auth");
    EXPECT_EQ(str(ok.at("ret_msg")), "");

    venue_.ws_message(p, R"({"op":"subscribe","args":["order","execution","position","wallet"]})");
    EXPECT_TRUE(p.last().at("success").as_bool());
    p.frames.clear();
    ASSERT_EQ(code(market("Buy", "0.010", R"(,"orderLinkId":"ws-1")")), 0);
    const auto orders = p.on("order");
    ASSERT_GE(orders.size(), 2U);
    EXPECT_EQ(str(orders.front().at("data").at(0).at("orderStatus")), "New");
    EXPECT_EQ(str(orders.back().at("data").at(0).at("orderStatus")), "Filled");
    EXPECT_EQ(str(orders.back().at("data").at(0).at("orderLinkId")), "ws-1");
    const auto execs = p.on("execution");
    ASSERT_EQ(execs.size(), 1U);
    EXPECT_EQ(str(execs[0].at("data").at(0).at("category")), "linear");
    EXPECT_EQ(str(execs[0].at("data").at(0).at("execQty")), "0.010");
    EXPECT_TRUE(execs[0].contains("creationTime"));
    const auto pos = p.on("position");
    ASSERT_FALSE(pos.empty());
    EXPECT_EQ(str(pos.back().at("data").at(0).at("size")), "0.010");
    EXPECT_EQ(str(pos.back().at("data").at(0).at("entryPrice")), "60000.1");
    const auto wallet = p.on("wallet");
    ASSERT_FALSE(wallet.empty());
    EXPECT_EQ(str(wallet.back().at("data").at(0).at("totalWalletBalance")), "9999.6999995");

    // Another account's peer sees nothing of key-1.
    engine::account_config other;
    other.id = "key-2";
    venue_.add_account(other, "secret-2");
    fake_peer q{3, "/v5/private"};
    venue_.ws_open(q);
    const exchange::api_credentials creds2{"key-2", "secret-2"};
    venue_.ws_message(q, R"({"op":"auth","args":["key-2",)" + std::to_string(expires) + R"(,")" +
                             exchange::bybit_ws_auth_signature(creds2, expires) + "\"]}");
    venue_.ws_message(q, R"({"op":"subscribe","args":["order"]})");
    q.frames.clear();
    ASSERT_EQ(code(market("Buy", "0.010")), 0);
    EXPECT_TRUE(q.on("order").empty());

    const auto st = venue_.state().as_object();
    EXPECT_EQ(st.at("peers").as_array().size(), 2U);
    EXPECT_EQ(str(st.at("peers").at(0).at("account")), "key-1");
}

}  // namespace tradebot::sim::bybit::test
