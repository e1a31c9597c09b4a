#include "tradebot/exchange/signing.hpp"

#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tradebot/exchange/hmac.hpp"

namespace tradebot::exchange {
namespace {

// Binance's published HMAC example (Example 1 of the fapi signing docs).
const api_credentials binance_docs{"dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83",
                                   "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"};

TEST(hmac, matches_rfc4231_case_2) {
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(hmac, accepts_an_empty_key) {
    // openssl dgst -sha256 -hmac '' <<< -n abc
    EXPECT_EQ(hmac_sha256_hex("", "abc"), "fd7adb152c05ef80dccf50a1fa4c05d5a3ec6da95575fc312ae7c5d091836351");
}

TEST(binance_signing, reproduces_the_published_example_1) {
    EXPECT_EQ(binance_signature(binance_docs, "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&"
                                              "timeInForce=GTC&recvWindow=5000&timestamp=1591702613943"),
              "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9");
}

TEST(binance_signing, joins_query_and_body_without_a_separator) {
    // The docs' Example 3 split, without the typo'd space after "timestamp=".
    EXPECT_EQ(binance_signature(binance_docs, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC",
                                "quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943"),
              "30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4");
    // Inserting an '&' would sign different bytes.
    EXPECT_NE(binance_signature(binance_docs, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&",
                                "quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943"),
              "30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4");
}

TEST(binance_signing, signed_query_puts_the_signature_last) {
    const std::string query = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&"
                              "recvWindow=5000&timestamp=1591702613943";
    EXPECT_EQ(binance_signed_query(binance_docs, query),
              query + "&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9");
}

// Expected values computed at development time with `openssl dgst -sha256 -hmac <secret>` over the
// concatenated string, independently of this code.
TEST(bybit_signing, get_query_vector) {
    const api_credentials creds{"XXXXXXXXXX", "bybit-test-secret-0123456789"};
    EXPECT_EQ(bybit_signature(creds, 1'700'000'000'000, 5000, "category=linear&symbol=BTCUSDT"),
              "2b6b707b4e43bb5a951073589dfc964bba4dee16a8da3bea0abd7ab47b6f6679");
    EXPECT_EQ(bybit_signature(creds, 1'658'384'314'791, 5000, "category=option&symbol=BTC-29JUL22-25000-C"),
              "22ce9c26594d8ef5f128575ee2529d36303b16873bd9dc7eec7f2718b6a25883");
}

TEST(bybit_signing, post_body_vector_signs_the_exact_json_bytes) {
    const api_credentials creds{"XXXXXXXXXX", "bybit-test-secret-0123456789"};
    const std::string body = R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit",)"
                             R"("qty":"0.001","price":"50000","timeInForce":"GTC","positionIdx":0,"orderLinkId":"sim-001"})";
    EXPECT_EQ(bybit_signature(creds, 1'700'000'000'000, 5000, body),
              "e153ef7c3178163da815e40a67017b9a1b3a41df82f04b6a19c110a0445442f6");
    // A re-serialised body (one space) is a different signature.
    EXPECT_NE(bybit_signature(creds, 1'700'000'000'000, 5000, R"({"category": "linear"})"),
              bybit_signature(creds, 1'700'000'000'000, 5000, R"({"category":"linear"})"));
}

TEST(bybit_signing, independent_vector_with_other_key_and_recv_window) {
    const api_credentials creds{"tb-key-01", "tradebot netclient vector secret"};
    EXPECT_EQ(bybit_signature(creds, 1'767'225'600'000, 10'000,
                              R"({"category":"linear","symbol":"ETHUSDT","side":"Sell","orderType":"Market","qty":"0.5"})"),
              "6dcbcb6d4afeec88fe2b56bc19a73a72570b74a1afd3a37471a72d932a52a4b3");
}

TEST(bybit_signing, websocket_auth_vector) {
    const api_credentials creds{"XXXXXXXXXX", "bybit-test-secret-0123456789"};
    EXPECT_EQ(bybit_ws_auth_signature(creds, 1'662'350'400'000),
              "6fd176f770276dc770dc654e18e2eab8c05f3951768c16cb06cd478972710f0c");
}

TEST(api_credentials, never_prints_key_or_secret) {
    const api_credentials creds{"visible-key-123", "top-secret-456"};
    std::ostringstream os;
    os << creds;
    const std::string formatted = fmt::format("{}", creds);
    for (const std::string& text : {os.str(), formatted}) {
        EXPECT_EQ(text.find("visible-key-123"), std::string::npos) << text;
        EXPECT_EQ(text.find("top-secret-456"), std::string::npos) << text;
        EXPECT_NE(text.find("***"), std::string::npos) << text;
    }
    EXPECT_EQ(creds.api_key(), "visible-key-123");
    EXPECT_EQ(creds.reveal_secret(), "top-secret-456");
    EXPECT_TRUE(api_credentials{}.empty());
}

TEST(percent_encode, keeps_unreserved_characters_and_encodes_the_rest_upper_case) {
    EXPECT_EQ(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
    EXPECT_EQ(percent_encode("a b&c=d/\xff"), "a%20b%26c%3Dd%2F%FF");
    EXPECT_EQ(percent_encode(""), "");
}

}  // namespace
}  // namespace tradebot::exchange
