#include "tradebot/net/http_server.hpp"

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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
    if (request.target == "/big") {
        // More than the loopback socket buffers hold, so a client that does not read keeps the
        // connection busy writing.
        return {.status = 200, .content_type = "text/plain", .body = std::string(32 * 1024 * 1024, 'x'), .headers = {}};
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

    // The server registers a connection on its own thread after the kernel has accepted it, and
    // tells nobody; so poll, within a bound.
    template <class Predicate>
    static bool eventually(Predicate done) {
        for (int i = 0; i < 2000; ++i) {
            if (done()) {
                return true;
            }
            std::this_thread::sleep_for(1ms);
        }
        return done();
    }
    bool connections_reach(std::size_t n) {
        return eventually([&] { return server_->connection_count() == n; });
    }

    // A client that sent a request line and never finishes its headers.
    std::unique_ptr<test_client> half_open(const std::string& source = "127.0.0.1") {
        auto client = std::make_unique<test_client>(endpoint(), source);
        EXPECT_FALSE(client->connect_error()) << source << ": " << client->connect_error().message();
        EXPECT_FALSE(client->write_raw("GET / HTTP/1.1\r\n"));
        return client;
    }

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

TEST_F(http_server_test, a_full_server_gives_the_slot_of_its_longest_idle_connection_to_a_newcomer) {
    start({.max_connections = 2});
    test_client first{endpoint()};
    ASSERT_FALSE(first.get("/1").first);
    test_client second{endpoint()};
    ASSERT_FALSE(second.get("/2").first);
    test_client third{endpoint()};
    auto [ec, res] = third.get("/3");
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 200U);
    // The first one, idle the longest, made room; the second is untouched.
    const auto got = first.read_until_closed(2s);
    EXPECT_TRUE(got.data.empty()) << got.data;
    EXPECT_NE(got.ec, boost::beast::error::timeout) << "the oldest idle connection was not closed";
    auto [ec2, res2] = second.get("/again");
    ASSERT_FALSE(ec2) << ec2.message();
    EXPECT_EQ(res2.result_int(), 200U);
    EXPECT_EQ(server_->connection_count(), 2U);
    EXPECT_EQ(server_->stats().reclaimed, 1U);
    EXPECT_EQ(server_->stats().refused, 0U);
}

TEST_F(http_server_test, half_open_connections_in_every_slot_do_not_lock_out_a_new_request) {
    // Headers may take all of the test's time, so only the reclaiming can let the request in.
    start({.read_timeout = 30s, .header_timeout = 30s, .max_connections = 16, .max_connections_per_client = 16});
    std::vector<std::unique_ptr<test_client>> holders;
    for (int i = 0; i < 16; ++i) {
        holders.push_back(half_open());
        ASSERT_TRUE(connections_reach(holders.size()));  // accepted in this order, oldest first
    }
    test_client probe{endpoint()};
    const auto started = std::chrono::steady_clock::now();
    auto [ec, res] = probe.get("/health");
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(ec) << "all slots held by half-open requests: " << ec.message();
    EXPECT_EQ(res.result_int(), 200U);
    EXPECT_LT(took, 1s);
    EXPECT_EQ(calls_.load(), 1);
    // The oldest holder paid for it, silently (its request never arrived, so there is nothing to answer).
    const auto oldest = holders.front()->read_until_closed(2s);
    EXPECT_TRUE(oldest.data.empty()) << oldest.data;
    EXPECT_NE(oldest.ec, boost::beast::error::timeout);
    EXPECT_EQ(server_->connection_count(), 16U);
    EXPECT_EQ(server_->stats().reclaimed, 1U);
}

TEST_F(http_server_test, headers_not_finished_within_the_header_timeout_get_408_and_close) {
    start({.read_timeout = 5s, .header_timeout = 200ms});
    test_client client{endpoint()};
    ASSERT_FALSE(client.write_raw("GET / HTTP/1.1\r\nHost: x\r\n"));  // and never the blank line
    const auto got = client.read_until_closed(3s);
    EXPECT_TRUE(got.data.starts_with("HTTP/1.1 408")) << got.data;
    EXPECT_EQ(got.ec, boost::asio::error::eof) << got.ec.message();
    EXPECT_GE(got.elapsed, 150ms);
    EXPECT_LT(got.elapsed, 1500ms) << "closed by read_timeout, not by header_timeout";
    EXPECT_EQ(calls_.load(), 0);
    EXPECT_EQ(server_->stats().header_timeouts, 1U);
}

TEST_F(http_server_test, a_connection_that_sends_nothing_is_closed_after_the_header_timeout_without_an_answer) {
    start({.read_timeout = 5s, .header_timeout = 200ms});
    test_client client{endpoint()};
    ASSERT_FALSE(client.connect_error());
    const auto got = client.read_until_closed(3s);
    EXPECT_TRUE(got.data.empty()) << got.data;
    EXPECT_EQ(got.ec, boost::asio::error::eof) << got.ec.message();
    EXPECT_LT(got.elapsed, 1500ms);
    EXPECT_EQ(server_->stats().header_timeouts, 1U);
}

TEST_F(http_server_test, keep_alive_idle_time_is_bounded_by_the_read_timeout_not_the_header_timeout) {
    start({.read_timeout = 600ms, .header_timeout = 100ms});
    test_client client{endpoint()};
    ASSERT_FALSE(client.get("/").first);
    const auto got = client.read_until_closed(3s);
    EXPECT_EQ(got.ec, boost::asio::error::eof) << got.ec.message();
    EXPECT_GE(got.elapsed, 450ms) << "an idle keep-alive connection was cut at the header timeout";
    EXPECT_LT(got.elapsed, 2s);
    EXPECT_EQ(server_->stats().header_timeouts, 0U);
}

TEST_F(http_server_test, a_client_at_its_cap_takes_the_slot_of_its_own_oldest_connection_only) {
    start({.header_timeout = 30s, .max_connections = 8, .max_connections_per_client = 2});
    auto a1 = half_open("127.0.0.2");
    ASSERT_TRUE(connections_reach(1));
    auto a2 = half_open("127.0.0.2");
    ASSERT_TRUE(connections_reach(2));
    auto b1 = half_open("127.0.0.3");  // older than a2, but another client's
    ASSERT_TRUE(connections_reach(3));

    test_client a3{endpoint(), "127.0.0.2"};
    auto [ec, res] = a3.get("/a3");
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 200U);
    const auto got = a1->read_until_closed(2s);
    EXPECT_NE(got.ec, boost::beast::error::timeout) << "a1 should have given its slot to a3";
    EXPECT_EQ(server_->connection_count(), 3U);
    // b1 and a2 still hold their slots: finishing their requests gets answers.
    for (auto* holder : {b1.get(), a2.get()}) {
        ASSERT_FALSE(holder->write_raw("Host: x\r\n\r\n"));
        auto [answer_ec, answer] = holder->read();
        ASSERT_FALSE(answer_ec) << answer_ec.message();
        EXPECT_EQ(answer.result_int(), 200U);
    }
    const auto stats = server_->stats();
    EXPECT_EQ(stats.client_limit_hits, 1U);
    EXPECT_EQ(stats.reclaimed, 1U);
    EXPECT_EQ(stats.refused, 0U);
}

TEST_F(http_server_test, a_newcomer_is_refused_when_every_slot_it_could_take_is_busy_answering) {
    start({.max_connections = 2, .max_connections_per_client = 1});
    // Two clients that ask for a large answer and do not read it: both slots stay busy writing.
    std::vector<std::unique_ptr<test_client>> readers;
    for (const char* source : {"127.0.0.2", "127.0.0.3"}) {
        readers.push_back(std::make_unique<test_client>(endpoint(), source));
        ASSERT_FALSE(readers.back()->write_raw("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
    ASSERT_TRUE(eventually([&] { return calls_.load() == 2; }));

    // Same client as a busy one: over its cap, and none of its connections can be reclaimed.
    test_client same{endpoint(), "127.0.0.2"};
    ASSERT_FALSE(same.connect_error());  // the kernel accepts; the server then closes it
    const auto got_same = same.read_until_closed(2s);
    EXPECT_TRUE(got_same.data.empty()) << got_same.data;
    EXPECT_NE(got_same.ec, boost::beast::error::timeout);
    // Another client: the server is full, and nothing in it is waiting.
    test_client other{endpoint(), "127.0.0.4"};
    const auto got_other = other.read_until_closed(2s);
    EXPECT_TRUE(got_other.data.empty()) << got_other.data;
    EXPECT_NE(got_other.ec, boost::beast::error::timeout);

    const auto stats = server_->stats();
    EXPECT_EQ(stats.refused, 2U);
    EXPECT_EQ(stats.reclaimed, 0U);
    EXPECT_EQ(stats.client_limit_hits, 1U);
    EXPECT_EQ(server_->connection_count(), 2U);
    EXPECT_EQ(calls_.load(), 2);
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
