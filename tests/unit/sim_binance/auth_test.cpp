#include "fixture.hpp"
#include "tradebot/sim/wire/hmac.hpp"

namespace tradebot::sim::binance::test {

TEST_F(binance_test, official_signature_vector_matches_our_signer) {
    const exchange::api_credentials creds{"dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83",
                                          "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"};
    EXPECT_EQ(exchange::binance_signature(creds,
                                          "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&"
                                          "recvWindow=5000&timestamp=1591702613943"),
              "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9");
}

// The simulator's own HMAC (not the client's signer) against the same official vector and
// RFC 4231 test case 2, so a shared mistake cannot make both sides agree.
TEST_F(binance_test, the_simulators_own_hmac_matches_the_official_vectors) {
    EXPECT_EQ(wire::hmac_sha256_hex("2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9",
                                    "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&"
                                    "recvWindow=5000&timestamp=1591702613943"),
              "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9");
    EXPECT_EQ(wire::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_F(binance_test, missing_api_key_is_2014_with_401) {
    net::http_request r;
    r.method = "GET";
    r.target = "/fapi/v2/balance?timestamp=1&signature=x";
    const auto res = send(r);
    EXPECT_EQ(res.status, 401u);
    EXPECT_EQ(res.code(), -2014);
    EXPECT_EQ(res.msg(), "API-key format invalid.");
}

TEST_F(binance_test, unknown_api_key_is_2015_with_401) {
    const auto res = signed_req("GET", "/fapi/v2/balance", "", "nobody");
    EXPECT_EQ(res.status, 401u);
    EXPECT_EQ(res.code(), -2015);
    EXPECT_EQ(res.msg(), "Invalid API-key, IP, or permissions for action.");
}

TEST_F(binance_test, missing_timestamp_is_1102) {
    const auto res = keyed_req("GET", "/fapi/v2/balance?signature=abc");
    EXPECT_EQ(res.code(), -1102);
    EXPECT_EQ(res.msg(), "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
}

TEST_F(binance_test, bad_signature_is_1022) {
    const auto res = keyed_req("GET", "/fapi/v2/balance?timestamp=" + std::to_string(clock_.server_now_ms()) +
                                          "&signature=00");
    EXPECT_EQ(res.status, 400u);
    EXPECT_EQ(res.code(), -1022);
    EXPECT_EQ(res.msg(), "Signature for this request is not valid.");
}

TEST_F(binance_test, signature_covers_query_then_body_without_separator) {
    const std::string query = "symbol=BTCUSDT&side=BUY&type=MARKET";
    const std::string body = "quantity=0.010&timestamp=" + std::to_string(clock_.server_now_ms());
    const exchange::api_credentials creds{key, secret};
    net::http_request r;
    r.method = "POST";
    r.target = "/fapi/v1/order?" + query;
    r.body = body + "&signature=" + exchange::binance_signature(creds, query, body);
    r.headers.emplace_back("X-MBX-APIKEY", key);
    const auto res = send(r);
    ASSERT_EQ(res.status, 200u) << res.raw.response.body;
    EXPECT_EQ(res.str("origQty"), "0.010");
}

TEST_F(binance_test, server_skew_makes_timestamps_stale_1021) {
    clock_.set_skew(std::chrono::seconds{10});
    const std::string ts = std::to_string(clock_.now_ms());
    const exchange::api_credentials creds{key, secret};
    const auto res = keyed_req("GET", "/fapi/v2/balance?" + exchange::binance_signed_query(creds, "timestamp=" + ts));
    EXPECT_EQ(res.code(), -1021);
    EXPECT_EQ(res.msg(), "Timestamp for this request is outside of the recvWindow.");
    const auto ok = keyed_req("GET", "/fapi/v2/balance?" +
                                         exchange::binance_signed_query(creds, "recvWindow=15000&timestamp=" + ts));
    EXPECT_EQ(ok.status, 200u);
}

TEST_F(binance_test, timestamp_ahead_of_server_is_1021) {
    const std::string ts = std::to_string(clock_.server_now_ms() + 1500);
    const exchange::api_credentials creds{key, secret};
    const auto res = keyed_req("GET", "/fapi/v2/balance?" + exchange::binance_signed_query(creds, "timestamp=" + ts));
    EXPECT_EQ(res.code(), -1021);
    EXPECT_EQ(res.msg(), "Timestamp for this request was 1000ms ahead of the server's time.");
}

TEST_F(binance_test, recv_window_over_60000_is_refused) {
    const auto res = signed_req("GET", "/fapi/v2/balance", "recvWindow=60001");
    EXPECT_EQ(res.code(), -1130);
}

TEST_F(binance_test, duplicate_and_unknown_parameters) {
    EXPECT_EQ(signed_req("GET", "/fapi/v2/positionRisk", "symbol=BTCUSDT&symbol=BTCUSDT").code(), -1101);
    EXPECT_EQ(signed_req("GET", "/fapi/v2/positionRisk", "foo=1").code(), -1103);
}

TEST_F(binance_test, unknown_path_is_404) { EXPECT_EQ(public_req("/fapi/v9/nothing").status, 404u); }

TEST_F(binance_test, used_weight_header_on_every_response) {
    const auto a = public_req("/fapi/v1/time");
    EXPECT_EQ(a.header("X-MBX-USED-WEIGHT-1M"), "1");
    const auto b = signed_req("GET", "/fapi/v2/balance", "");
    EXPECT_EQ(b.header("X-MBX-USED-WEIGHT-1M"), "6");
}

TEST_F(binance_test, throttle_gives_429_then_418_ban) {
    venue_.faults().throttle = true;
    const auto first = public_req("/fapi/v1/time");
    EXPECT_EQ(first.status, 429u);
    EXPECT_EQ(first.code(), -1003);
    EXPECT_TRUE(first.header("Retry-After").has_value());
    const auto second = public_req("/fapi/v1/time");
    EXPECT_EQ(second.status, 418u);
    EXPECT_EQ(second.code(), -1003);
    EXPECT_EQ(second.header("Retry-After"), "120");
    venue_.faults().throttle = false;
    EXPECT_EQ(public_req("/fapi/v1/time").status, 418u);  // still banned
    clock_.advance(std::chrono::seconds{121});
    EXPECT_EQ(public_req("/fapi/v1/time").status, 200u);
}

TEST_F(binance_test, weight_limit_gives_429) {
    int last = 200;
    for (int i = 0; i < 2401 && last == 200; ++i) {
        last = static_cast<int>(public_req("/fapi/v1/ping").status);
    }
    EXPECT_EQ(last, 429);
}

TEST_F(binance_test, reject_next_code_uses_venue_text) {
    venue_.faults().reject_next_code = -2019;
    const auto r = signed_req("GET", "/fapi/v2/balance", "");
    EXPECT_EQ(r.code(), -2019);
    EXPECT_EQ(r.msg(), "Margin is insufficient.");
    EXPECT_EQ(signed_req("GET", "/fapi/v2/balance", "").status, 200u);
    venue_.faults().reject_next_code = -1000;
    venue_.faults().reject_next_message = "custom";
    EXPECT_EQ(public_req("/fapi/v1/time").msg(), "custom");
}

TEST_F(binance_test, a_read_only_key_reads_but_every_change_is_2015) {
    engine::account_config a;
    a.id = "ro-key";
    a.read_only = true;
    venue_.add_account(a, secret);
    const auto account = signed_req("GET", "/fapi/v2/account", "", "ro-key");
    ASSERT_EQ(account.status, 200u);
    EXPECT_FALSE(account.body.at("canTrade").as_bool());
    EXPECT_TRUE(signed_req("GET", "/fapi/v2/account", "").body.at("canTrade").as_bool());
    EXPECT_EQ(signed_req("GET", "/fapi/v2/positionRisk", "", "ro-key").status, 200u);
    const auto order = signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01", "ro-key");
    EXPECT_EQ(order.status, 401u);
    EXPECT_EQ(order.body.at("code").as_int64(), -2015);
    EXPECT_EQ(signed_req("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=5", "ro-key").body.at("code").as_int64(),
              -2015);
    EXPECT_EQ(signed_req("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01").status, 200u);
}

}  // namespace tradebot::sim::binance::test
