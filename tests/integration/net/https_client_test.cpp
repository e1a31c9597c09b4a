#include "tradebot/net/https_client.hpp"

#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <gtest/gtest.h>

#include "test_servers.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::http_test_server;

class https_client_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<tradebot::test::temp_dir>();
        cert_ = test::make_self_signed_cert(dir_->path());
    }
    static void TearDownTestSuite() { dir_.reset(); }

    static std::string url(const char* scheme, const http_test_server& server, const char* host = "127.0.0.1") {
        return std::string{scheme} + "://" + host + ":" + std::to_string(server.port());
    }

    static inline std::unique_ptr<tradebot::test::temp_dir> dir_;
    static inline test::self_signed_cert cert_;
    asio::io_context io_;
};

https_client_options options(std::string base_url, std::string ca_file = {}) {
    https_client_options o;
    o.base_url = std::move(base_url);
    o.ca_file = std::move(ca_file);
    return o;
}

client_request get(std::string target) {
    client_request req;
    req.target = std::move(target);
    return req;
}

TEST_F(https_client_test, plain_get_and_post_round_trip) {
    http_test_server server{io_, http_test_server::mode::echo};
    https_client client{io_, options(url("http", server))};
    ASSERT_FALSE(client.init_error());
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        auto res = co_await client.request(get("/fapi/v1/time?x=1"));
        EXPECT_TRUE(res.has_value()) << res.error().message();
        if (res) {
            EXPECT_EQ(res->status, 200U);
            EXPECT_EQ(res->body, "GET /fapi/v1/time?x=1 ");
            EXPECT_EQ(res->header("x-mbx-used-weight-1m"), std::optional<std::string_view>{"7"});
        }
        client_request post;
        post.method = "POST";
        post.target = "/fapi/v1/order";
        post.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-MBX-APIKEY", "k"}};
        post.body = "symbol=BTCUSDT&side=BUY";
        auto posted = co_await client.request(post);
        EXPECT_TRUE(posted.has_value()) << posted.error().message();
        if (posted) {
            EXPECT_EQ(posted->body, "POST /fapi/v1/order symbol=BTCUSDT&side=BUY");
        }
    });
}

TEST_F(https_client_test, base_url_path_is_a_prefix) {
    http_test_server server{io_, http_test_server::mode::echo};
    https_client client{io_, options(url("http", server) + "/binance/")};
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        auto res = co_await client.request(get("/fapi/v1/ping"));
        EXPECT_TRUE(res && res->body == "GET /binance/fapi/v1/ping ");
    });
}

TEST_F(https_client_test, keep_alive_reuses_one_connection) {
    http_test_server server{io_, http_test_server::mode::echo};
    https_client client{io_, options(url("http", server))};
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 10; ++i) {
            auto res = co_await client.request(get("/n/" + std::to_string(i)));
            EXPECT_TRUE(res.has_value());
        }
    });
    EXPECT_EQ(server.accepted(), 1);
    EXPECT_EQ(server.requests(), 10);
    EXPECT_EQ(client.stats().requests, 10U);
    EXPECT_EQ(client.stats().connections_opened, 1U);
    EXPECT_EQ(client.stats().connections_reused, 9U);
    EXPECT_EQ(client.idle_count(), 1U);
}

TEST_F(https_client_test, tls_fails_verification_without_the_ca_file) {
    auto tls = test::make_server_tls(cert_);
    http_test_server server{io_, http_test_server::mode::echo, &tls};
    https_client client{io_, options(url("https", server, "localhost"))};
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        auto res = co_await client.request(get("/"));
        EXPECT_FALSE(res.has_value());
        if (!res) {
            EXPECT_EQ(res.error(), client_errc::tls_handshake_failed);
            EXPECT_FALSE(outcome_unknown(res.error()));
        }
    });
    EXPECT_EQ(server.requests(), 0);
}

TEST_F(https_client_test, tls_succeeds_with_the_ca_file_for_name_and_ip) {
    auto tls = test::make_server_tls(cert_);
    http_test_server server{io_, http_test_server::mode::echo, &tls};
    https_client by_name{io_, options(url("https", server, "localhost"), cert_.cert_file.string())};
    https_client by_ip{io_, options(url("https", server), cert_.cert_file.string())};
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        for (https_client* client : {&by_name, &by_ip}) {
            auto res = co_await client->request(get("/secure"));
            EXPECT_TRUE(res.has_value()) << res.error().message();
            if (res) {
                EXPECT_EQ(res->body, "GET /secure ");
            }
        }
    });
}

TEST_F(https_client_test, tls_rejects_a_trusted_certificate_for_another_name) {
    const auto other = test::make_self_signed_cert(dir_->path(), "other.example", "DNS:other.example");
    auto tls = test::make_server_tls(other);
    http_test_server server{io_, http_test_server::mode::echo, &tls};
    // The certificate is trusted (it is its own CA) but names other.example, not localhost.
    https_client client{io_, options(url("https", server, "localhost"), other.cert_file.string())};
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        auto res = co_await client.request(get("/"));
        EXPECT_FALSE(res.has_value());
        if (!res) {
            EXPECT_EQ(res.error(), client_errc::tls_handshake_failed);
        }
    });
    EXPECT_EQ(server.requests(), 0);
}

TEST_F(https_client_test, tls_keep_alive_and_session_resumption) {
    auto tls = test::make_server_tls(cert_);
    http_test_server server{io_, http_test_server::mode::echo, &tls};
    https_client client{io_, options(url("https", server, "localhost"), cert_.cert_file.string())};
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 3; ++i) {
            auto res = co_await client.request(get("/a"));
            EXPECT_TRUE(res.has_value());
        }
        client.close_idle();
        auto res = co_await client.request(get("/b"));
        EXPECT_TRUE(res.has_value());
    });
    EXPECT_EQ(server.accepted(), 2);
    EXPECT_EQ(client.stats().tls_sessions_resumed, 1U);
}

TEST_F(https_client_test, reconnects_transparently_after_the_server_closed_an_idle_connection) {
    http_test_server server{io_, http_test_server::mode::echo, nullptr, 100ms};
    https_client client{io_, options(url("http", server))};
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        auto first = co_await client.request(get("/1"));
        EXPECT_TRUE(first.has_value());
        co_await test::pause(400ms);  // the server closes the idle connection after 100 ms
        auto second = co_await client.request(get("/2"));
        EXPECT_TRUE(second.has_value()) << second.error().message();
    });
    EXPECT_EQ(server.accepted(), 2);
    EXPECT_EQ(client.stats().idle_dropped, 1U);
}

TEST_F(https_client_test, tls_reconnects_transparently_after_idle_close) {
    auto tls = test::make_server_tls(cert_);
    http_test_server server{io_, http_test_server::mode::echo, &tls, 100ms};
    https_client client{io_, options(url("https", server, "localhost"), cert_.cert_file.string())};
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        {
            const auto res = co_await client.request(get("/1"));
            EXPECT_TRUE(res.has_value());
        }
        co_await test::pause(400ms);
        auto second = co_await client.request(get("/2"));
        EXPECT_TRUE(second.has_value()) << second.error().message();
    });
    EXPECT_EQ(server.accepted(), 2);
}

TEST_F(https_client_test, silent_server_gives_timeout_after_send) {
    http_test_server server{io_, http_test_server::mode::silent};
    https_client client{io_, options(url("http", server))};
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        client_request req = get("/fapi/v1/order");
        req.method = "POST";
        req.timeout = 300ms;
        const auto start = std::chrono::steady_clock::now();
        auto res = co_await client.request(req);
        const auto took = std::chrono::steady_clock::now() - start;
        EXPECT_FALSE(res.has_value());
        if (!res) {
            EXPECT_EQ(res.error(), client_errc::timeout_after_send);
            EXPECT_TRUE(outcome_unknown(res.error()));
        }
        EXPECT_GE(took, 290ms);
        EXPECT_LT(took, 3s);
    });
    EXPECT_EQ(server.requests(), 1);  // sent once, never retried
}

TEST_F(https_client_test, refused_connection_is_connect_failed) {
    // A port that was just free and now has no listener.
    asio::ip::tcp::acceptor probe{io_, {asio::ip::make_address("127.0.0.1"), 0}};
    const std::uint16_t port = probe.local_endpoint().port();
    probe.close();
    https_client client{io_, options("http://127.0.0.1:" + std::to_string(port))};
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        auto res = co_await client.request(get("/"));
        EXPECT_FALSE(res.has_value());
        if (!res) {
            EXPECT_EQ(res.error(), client_errc::connect_failed);
            EXPECT_FALSE(outcome_unknown(res.error()));
        }
    });
}

TEST_F(https_client_test, rejects_header_injection_and_bad_urls) {
    http_test_server server{io_, http_test_server::mode::echo};
    https_client client{io_, options(url("http", server))};
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        client_request req = get("/");
        req.headers = {{"X-Test", "a\r\nX-Injected: 1"}};
        auto res = co_await client.request(req);
        EXPECT_FALSE(res.has_value());
        if (!res) {
            EXPECT_EQ(res.error(), client_errc::invalid_request);
        }
    });
    EXPECT_EQ(server.accepted(), 0);
    https_client bad{io_, options("ftp://example.com")};
    EXPECT_EQ(bad.init_error(), client_errc::invalid_url);
}

}  // namespace
}  // namespace tradebot::net
