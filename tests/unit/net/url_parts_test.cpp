#include "net/url_parts.hpp"

#include <gtest/gtest.h>

#include "tradebot/net/client_errc.hpp"
#include "tradebot/net/client_message.hpp"

namespace tradebot::net {
namespace {

TEST(parse_url, https_defaults) {
    auto u = parse_url("https://fapi.binance.com", false);
    ASSERT_TRUE(u);
    EXPECT_TRUE(u->tls);
    EXPECT_EQ(u->host, "fapi.binance.com");
    EXPECT_EQ(u->port, 443);
    EXPECT_EQ(u->path, "");
    EXPECT_FALSE(u->host_is_ip);
    EXPECT_EQ(u->host_header(), "fapi.binance.com");
}

TEST(parse_url, explicit_port_path_and_ip) {
    auto u = parse_url("http://127.0.0.1:8443/binance/fapi?x=1", false);
    ASSERT_TRUE(u);
    EXPECT_FALSE(u->tls);
    EXPECT_EQ(u->host, "127.0.0.1");
    EXPECT_EQ(u->port, 8443);
    EXPECT_EQ(u->path, "/binance/fapi?x=1");
    EXPECT_TRUE(u->host_is_ip);
    EXPECT_EQ(u->host_header(), "127.0.0.1:8443");
}

TEST(parse_url, default_port_written_out_is_still_default) {
    auto u = parse_url("wss://stream.bybit.com:443/v5/public/linear", true);
    ASSERT_TRUE(u);
    EXPECT_TRUE(u->tls);
    EXPECT_EQ(u->host_header(), "stream.bybit.com");
    EXPECT_EQ(u->path, "/v5/public/linear");
}

TEST(parse_url, ipv6_literal) {
    auto u = parse_url("ws://[::1]:9000/ws", true);
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "::1");
    EXPECT_TRUE(u->host_is_ip);
    EXPECT_EQ(u->host_header(), "[::1]:9000");
}

TEST(parse_url, rejects_bad_input) {
    for (const char* bad : {"fapi.binance.com", "ftp://x", "https://", "https://h:0", "https://h:70000",
                            "https://h:12x", "https://user:pw@h", "[::1", "https://[::1"}) {
        auto u = parse_url(bad, false);
        EXPECT_FALSE(u) << bad;
        if (!u) {
            EXPECT_EQ(u.error(), client_errc::invalid_url) << bad;
        }
    }
    EXPECT_FALSE(parse_url("https://h", true));   // a WebSocket URL must be ws/wss
    EXPECT_FALSE(parse_url("wss://h", false));
}

TEST(client_errc, outcome_unknown_only_after_send) {
    EXPECT_TRUE(outcome_unknown(client_errc::timeout_after_send));
    EXPECT_TRUE(outcome_unknown(client_errc::connection_lost_after_send));
    EXPECT_TRUE(outcome_unknown(client_errc::bad_response));
    EXPECT_TRUE(outcome_unknown(client_errc::response_too_large));
    EXPECT_FALSE(outcome_unknown(client_errc::timeout_before_send));
    EXPECT_FALSE(outcome_unknown(client_errc::connection_lost_before_send));
    EXPECT_FALSE(outcome_unknown(client_errc::connect_failed));
    EXPECT_FALSE(outcome_unknown(client_errc::tls_handshake_failed));
    EXPECT_FALSE(outcome_unknown(boost::system::error_code{}));
    const boost::system::error_code ec = client_errc::timeout_after_send;
    EXPECT_STREQ(ec.category().name(), "tradebot.net.client");
    EXPECT_NE(ec.message().find("outcome unknown"), std::string::npos);
}

TEST(find_header, is_case_insensitive_and_takes_the_first) {
    const header_list h{{"X-Bapi-Limit-Status", "99"}, {"x-bapi-limit-status", "1"}, {"Content-Type", "a/b"}};
    EXPECT_EQ(find_header(h, "X-BAPI-LIMIT-STATUS"), std::optional<std::string_view>{"99"});
    EXPECT_EQ(find_header(h, "content-type"), std::optional<std::string_view>{"a/b"});
    EXPECT_FALSE(find_header(h, "Retry-After"));
    EXPECT_FALSE(find_header(h, "Content-Typ"));
}

}  // namespace
}  // namespace tradebot::net
