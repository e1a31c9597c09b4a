#include "tradebot/net/http_server.hpp"

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "io_thread.hpp"
#include "test_client.hpp"

namespace tradebot::net {
namespace {

using namespace std::chrono_literals;
using test::test_client;
namespace http = test::http;

// Echoes what it received, so tests can see the request as the handler saw it.
http_response echo(const http_request& request) {
    if (request.target == "/throw") {
        throw std::runtime_error{"handler failure"};
    }
    if (request.target == "/bad-status") {
        return {.status = 1234, .content_type = "text/plain", .body = "?", .headers = {}};
    }
    std::string body = request.method + " " + request.target + " path=" + std::string{request.path()};
    body += " x-test=" + std::string{request.header("X-TEST").value_or("-")};
    body += " body=" + request.body;
    return {.status = 200, .content_type = "text/plain", .body = body, .headers = {{"X-Extra", "1"}}};
}

class http_server_test : public ::testing::Test {
protected:
    void start(http_server_options options = {}) {
        server_ = std::make_unique<http_server>(io_.io, options, [this](const http_request& r) {
            ++calls_;
            return echo(r);
        });
        ASSERT_FALSE(server_->start());
    }

    [[nodiscard]] http_endpoint endpoint() const { return server_->local_endpoint(); }

    test::io_thread io_;
    std::atomic<int> calls_{0};
    std::unique_ptr<http_server> server_;
};

TEST_F(http_server_test, binds_loopback_and_reports_the_chosen_port) {
    start();
    EXPECT_EQ(endpoint().address, "127.0.0.1");
    EXPECT_NE(endpoint().port, 0);
}

TEST_F(http_server_test, second_server_on_a_taken_port_reports_the_error) {
    start();
    http_server other{io_.io, {.address = "127.0.0.1", .port = endpoint().port}, echo};
    const auto ec = other.start();
    EXPECT_EQ(ec, boost::asio::error::address_in_use);
}

TEST_F(http_server_test, handler_sees_method_target_headers_and_body) {
    start();
    test_client client{endpoint()};
    ASSERT_FALSE(client.connect_error());
    http::request<http::string_body> request{http::verb::post, "/echo?a=1", 11};
    request.set(http::field::host, "localhost");
    request.set("X-Test", "yes");
    request.body() = "payload";
    auto [ec, res] = client.send(std::move(request));
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 200U);
    EXPECT_EQ(res.body(), "POST /echo?a=1 path=/echo x-test=yes body=payload");
    EXPECT_EQ(res[http::field::content_type], "text/plain");
    EXPECT_EQ(res["X-Extra"], "1");
    EXPECT_TRUE(res.keep_alive());
}

TEST_F(http_server_test, head_gets_the_length_but_no_body) {
    start();
    test_client client{endpoint()};
    auto [ec, res] = client.get("/x", http::verb::head);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 200U);
    EXPECT_EQ(res[http::field::content_length], std::to_string(std::string{"HEAD /x path=/x x-test=- body="}.size()));
    EXPECT_TRUE(res.body().empty());
    // The connection stays usable: no stray body bytes were sent.
    auto [ec2, res2] = client.get("/y");
    ASSERT_FALSE(ec2) << ec2.message();
    EXPECT_EQ(res2.body(), "GET /y path=/y x-test=- body=");
}

TEST_F(http_server_test, handler_failures_become_500_and_the_server_keeps_serving) {
    start();
    test_client client{endpoint()};
    auto [ec, res] = client.get("/throw");
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 500U);
    auto [ec2, res2] = client.get("/bad-status");
    ASSERT_FALSE(ec2) << ec2.message();
    EXPECT_EQ(res2.result_int(), 500U);
    auto [ec3, res3] = client.get("/fine");
    ASSERT_FALSE(ec3) << ec3.message();
    EXPECT_EQ(res3.result_int(), 200U);
}

TEST_F(http_server_test, malformed_request_line_gets_400_and_close) {
    start();
    for (const std::string raw : {"GARBAGE\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/9.Z\r\n\r\n", "\x01\x02\x03 / HTTP/1.1\r\n\r\n"}) {
        test_client client{endpoint()};
        ASSERT_FALSE(client.write_raw(raw));
        const auto got = client.read_until_closed();
        EXPECT_TRUE(got.data.starts_with("HTTP/1.1 400")) << raw << " -> " << got.data;
        EXPECT_EQ(got.ec, boost::asio::error::eof) << got.ec.message();
    }
    EXPECT_EQ(calls_.load(), 0);
}

TEST_F(http_server_test, malformed_header_gets_400) {
    start();
    test_client client{endpoint()};
    ASSERT_FALSE(client.write_raw("GET / HTTP/1.1\r\nHost localhost\r\n\r\n"));
    const auto got = client.read_until_closed();
    EXPECT_TRUE(got.data.starts_with("HTTP/1.1 400")) << got.data;
    EXPECT_EQ(got.ec, boost::asio::error::eof) << got.ec.message();
}

TEST_F(http_server_test, oversized_header_gets_431) {
    start({.header_limit = 1024});
    test_client client{endpoint()};
    ASSERT_FALSE(client.write_raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n"));
    const auto got = client.read_until_closed();
    EXPECT_TRUE(got.data.starts_with("HTTP/1.1 431")) << got.data;
    EXPECT_EQ(got.ec, boost::asio::error::eof) << got.ec.message();
    EXPECT_EQ(calls_.load(), 0);
}

TEST_F(http_server_test, oversized_body_gets_413_even_while_the_client_is_still_sending) {
    start({.body_limit = 1024});
    test_client client{endpoint()};
    const std::string body(256 * 1024, 'b');
    ASSERT_FALSE(client.write_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
                                  "\r\n\r\n" + body));
    const auto got = client.read_until_closed();
    EXPECT_TRUE(got.data.starts_with("HTTP/1.1 413")) << got.data.substr(0, 200);
    EXPECT_EQ(got.ec, boost::asio::error::eof) << got.ec.message();
    EXPECT_EQ(calls_.load(), 0);
}

TEST_F(http_server_test, declared_oversized_body_is_refused_before_it_arrives) {
    start({.body_limit = 1024});
    test_client client{endpoint()};
    ASSERT_FALSE(client.write_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\n"));
    const auto got = client.read_until_closed(2s);
    EXPECT_TRUE(got.data.starts_with("HTTP/1.1 413")) << got.data;
}

TEST_F(http_server_test, stalled_client_is_disconnected_after_the_read_timeout) {
    start({.read_timeout = 200ms});
    test_client client{endpoint()};
    ASSERT_FALSE(client.write_raw("GET / HTTP/1.1\r\nHost: x\r\n"));  // and never the blank line
    const auto got = client.read_until_closed(5s);
    EXPECT_NE(got.ec, boost::beast::error::timeout) << "the server did not close the stalled connection";
    EXPECT_GE(got.elapsed, 150ms);
    EXPECT_LT(got.elapsed, 3s);
    EXPECT_EQ(calls_.load(), 0);
}

TEST_F(http_server_test, idle_keep_alive_connection_is_closed_after_the_read_timeout) {
    start({.read_timeout = 200ms});
    test_client client{endpoint()};
    auto [ec, res] = client.get("/");
    ASSERT_FALSE(ec);
    const auto got = client.read_until_closed(5s);
    EXPECT_EQ(got.ec, boost::asio::error::eof) << got.ec.message();
    EXPECT_LT(got.elapsed, 3s);
}

TEST_F(http_server_test, hundred_keep_alive_requests_on_one_connection) {
    start();
    test_client client{endpoint()};
    for (int i = 0; i < 100; ++i) {
        auto [ec, res] = client.get("/n" + std::to_string(i));
        ASSERT_FALSE(ec) << i << ": " << ec.message();
        ASSERT_EQ(res.body(), "GET /n" + std::to_string(i) + " path=/n" + std::to_string(i) + " x-test=- body=");
        ASSERT_TRUE(res.keep_alive());
    }
    EXPECT_EQ(calls_.load(), 100);
    EXPECT_EQ(server_->connection_count(), 1U);
}

TEST_F(http_server_test, http10_without_keep_alive_is_closed_after_the_answer) {
    start();
    test_client client{endpoint()};
    ASSERT_FALSE(client.write_raw("GET /old HTTP/1.0\r\n\r\n"));
    const auto got = client.read_until_closed();
    EXPECT_TRUE(got.data.starts_with("HTTP/1.0 200")) << got.data;
    EXPECT_NE(got.data.find("GET /old"), std::string::npos);
    EXPECT_EQ(got.ec, boost::asio::error::eof) << got.ec.message();
}

TEST_F(http_server_test, connections_beyond_the_limit_are_closed) {
    start({.max_connections = 2});
    test_client first{endpoint()};
    test_client second{endpoint()};
    ASSERT_FALSE(first.get("/1").first);
    ASSERT_FALSE(second.get("/2").first);
    test_client third{endpoint()};
    ASSERT_FALSE(third.connect_error());  // the kernel accepts; the server then closes it
    const auto got = third.read_until_closed();
    EXPECT_TRUE(got.data.empty()) << got.data;
    EXPECT_NE(got.ec, boost::beast::error::timeout);
    // The first two are unaffected.
    auto [ec, res] = first.get("/again");
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 200U);
}

TEST_F(http_server_test, stop_closes_open_connections_and_the_listener) {
    start();
    test_client client{endpoint()};
    ASSERT_FALSE(client.get("/").first);
    const auto port = endpoint().port;
    server_->stop();
    const auto got = client.read_until_closed(5s);
    EXPECT_NE(got.ec, boost::beast::error::timeout) << "stop() left the connection open";
    EXPECT_LT(got.elapsed, 3s);
    // The connection's coroutine unregisters itself on its strand just after the close.
    for (int i = 0; i < 200 && server_->connection_count() != 0; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(server_->connection_count(), 0U);
    io_.drain();  // the listener was closed by a handler posted before this one
    test_client late{{.address = "127.0.0.1", .port = port}};
    EXPECT_EQ(late.connect_error(), boost::asio::error::connection_refused);
    EXPECT_TRUE(server_->start());  // a stopped server does not come back
}

TEST_F(http_server_test, destroying_the_server_closes_connections) {
    start();
    test_client client{endpoint()};
    ASSERT_FALSE(client.get("/").first);
    server_.reset();
    const auto got = client.read_until_closed(5s);
    EXPECT_NE(got.ec, boost::beast::error::timeout);
}

}  // namespace
}  // namespace tradebot::net
