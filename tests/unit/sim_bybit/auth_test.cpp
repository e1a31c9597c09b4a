#include "fixture.hpp"

namespace tradebot::sim::bybit::test {

TEST_F(bybit_test, signed_get_is_accepted) {
    const auto r = get("/v5/account/wallet-balance", "accountType=UNIFIED");
    EXPECT_EQ(code(r), 0);
    EXPECT_EQ(msg(r), "OK");
    EXPECT_TRUE(r.contains("retExtInfo"));
    EXPECT_TRUE(r.at("time").is_int64());
}

TEST_F(bybit_test, unknown_key_is_10003) {
    const auto r = parse(venue_.handle(
        signed_request("GET", "/v5/account/wallet-balance", "accountType=UNIFIED", std::nullopt, "x", "nokey")));
    EXPECT_EQ(code(r), 10003);
    EXPECT_EQ(msg(r), "API key is invalid.");
    EXPECT_TRUE(r.at("result").as_object().empty());
}

TEST_F(bybit_test, missing_key_header_is_http_401) {
    net::http_request req;
    req.method = "GET";
    req.target = "/v5/account/wallet-balance?accountType=UNIFIED";
    const auto rep = venue_.handle(req);
    EXPECT_EQ(rep.response.status, 401U);
    EXPECT_EQ(code(parse(rep)), 10003);
}

TEST_F(bybit_test, wrong_secret_is_10004_with_origin_string) {
    const std::int64_t ts = clock_.server_now_ms();
    const auto rep = venue_.handle(signed_request("GET", "/v5/account/wallet-balance", "accountType=UNIFIED", ts, "bad"));
    const auto r = parse(rep);
    EXPECT_EQ(rep.response.status, 200U);
    EXPECT_EQ(code(r), 10004);
    EXPECT_EQ(msg(r), "error sign! origin_string[" + std::to_string(ts) + "key-15000accountType=UNIFIED]");
}

TEST_F(bybit_test, post_signature_covers_exact_body_bytes) {
    const std::string body = R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.001"})";
    auto req = signed_request("POST", "/v5/order/create", body);
    req.body = R"({"category": "linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.001"})";
    EXPECT_EQ(code(parse(venue_.handle(req))), 10004);
}

TEST_F(bybit_test, stale_timestamp_is_10002_with_documented_message) {
    const std::int64_t ts = clock_.server_now_ms() - 6000;
    const auto r = parse(venue_.handle(signed_request("GET", "/v5/account/wallet-balance", "accountType=UNIFIED", ts)));
    EXPECT_EQ(code(r), 10002);
    const std::string m = msg(r);
    const std::string head = "invalid request, please check your server timestamp or recv_window param. req_timestamp[" +
                             std::to_string(ts) + "],server_timestamp[";
    EXPECT_EQ(m.substr(0, head.size()), head);
    EXPECT_EQ(m.substr(m.size() - 19), "],recv_window[5000]");
}

TEST_F(bybit_test, timestamp_from_the_future_beyond_one_second_is_10002) {
    const std::int64_t ts = clock_.server_now_ms() + 1500;
    EXPECT_EQ(code(parse(venue_.handle(signed_request("GET", "/v5/account/wallet-balance", "accountType=UNIFIED", ts)))),
              10002);
}

TEST_F(bybit_test, server_skew_moves_the_window) {
    const std::int64_t local = clock_.server_now_ms();
    clock_.set_skew(std::chrono::seconds{10});
    EXPECT_EQ(code(parse(venue_.handle(signed_request("GET", "/v5/account/wallet-balance", "accountType=UNIFIED", local)))),
              10002);
    EXPECT_EQ(code(get("/v5/account/wallet-balance", "accountType=UNIFIED")), 0);
}

TEST_F(bybit_test, unknown_path_is_404_route_not_found) {
    const auto rep = venue_.handle(signed_request("GET", "/v5/nope", ""));
    EXPECT_EQ(rep.response.status, 404U);
    EXPECT_EQ(code(parse(rep)), 10017);
}

TEST_F(bybit_test, rate_limit_headers_and_10006) {
    wire::reply rep;
    for (int i = 0; i < 10; ++i) {
        rep = venue_.handle(signed_request("POST", "/v5/order/cancel-all", R"({"category":"linear","symbol":"BTCUSDT"})"));
        ASSERT_EQ(code(parse(rep)), 0) << i;
    }
    const auto header = [&](std::string_view name) {
        for (const auto& [k, v] : rep.response.headers) {
            if (k == name) {
                return v;
            }
        }
        return std::string{"<none>"};
    };
    EXPECT_EQ(header("X-Bapi-Limit"), "10");
    EXPECT_EQ(header("X-Bapi-Limit-Status"), "0");
    EXPECT_NE(header("X-Bapi-Limit-Reset-Timestamp"), "<none>");
    rep = venue_.handle(signed_request("POST", "/v5/order/cancel-all", R"({"category":"linear","symbol":"BTCUSDT"})"));
    EXPECT_EQ(code(parse(rep)), 10006);
    EXPECT_EQ(msg(parse(rep)), "Too many visits!");
    // Another endpoint group has its own bucket.
    EXPECT_EQ(code(get("/v5/position/list", "category=linear&symbol=BTCUSDT")), 0);
    clock_.advance(std::chrono::milliseconds{1001});
    EXPECT_EQ(code(post("/v5/order/cancel-all", R"({"category":"linear","symbol":"BTCUSDT"})")), 0);
}

TEST_F(bybit_test, throttle_fault_is_http_403) {
    venue_.faults().throttle = true;
    const auto rep = venue_.handle(signed_request("GET", "/v5/market/time", ""));
    EXPECT_EQ(rep.response.status, 403U);
    EXPECT_EQ(rep.response.body, "access too frequent");
}

TEST_F(bybit_test, reject_next_fault_uses_the_real_text) {
    venue_.faults().reject_next_code = 110007;
    const auto r = market("Buy", "0.01");
    EXPECT_EQ(code(r), 110007);
    EXPECT_EQ(msg(r), "ab not enough for new order");
    EXPECT_EQ(code(market("Buy", "0.01")), 0);  // once only
    venue_.faults().reject_next_code = 10016;
    venue_.faults().reject_next_message = "custom";
    EXPECT_EQ(msg(market("Buy", "0.01")), "custom");
}

TEST_F(bybit_test, hang_after_accept_carries_the_order_out) {
    venue_.faults().hang_after_accept_next = 1;
    const auto rep = venue_.handle(signed_request(
        "POST", "/v5/order/create",
        R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.010"})"));
    EXPECT_EQ(rep.action, wire::disposition::hang);
    const auto pos = list(get("/v5/position/list", "category=linear&symbol=BTCUSDT"));
    EXPECT_EQ(str(pos.at(0).at("size")), "0.010");
    const auto again = venue_.handle(signed_request(
        "POST", "/v5/order/create",
        R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.010"})"));
    EXPECT_EQ(again.action, wire::disposition::send);
}

}  // namespace tradebot::sim::bybit::test
