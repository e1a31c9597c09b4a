#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include "fixture.hpp"

#include "tradebot/net/https_client.hpp"
#include "tradebot_test/process.hpp"

namespace tradebot::sim::server::test {
namespace {

namespace asio = boost::asio;

TEST_F(listener_test, plain_requests_reach_the_venue_on_one_keep_alive_connection) {
    start();
    run(io, [&]() -> asio::awaitable<void> {
        http_client client{io, port()};
        {
            const auto connect_ec = co_await client.connect();
            EXPECT_FALSE(connect_ec) << connect_ec.message();
        }
        auto first = co_await client.request("GET", "/fapi/v1/time?recvWindow=5000");
        EXPECT_FALSE(first.ec) << first.ec.message();
        EXPECT_EQ(first.status, 200u);
        EXPECT_EQ(first.body, "venue GET /fapi/v1/time?recvWindow=5000 ");
        EXPECT_EQ(first.header("X-Venue"), "fake");
        EXPECT_EQ(first.header("Content-Type"), "application/json");
        auto second = co_await client.request("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY");
        EXPECT_FALSE(second.ec) << second.ec.message();
        EXPECT_EQ(second.body, "venue POST /fapi/v1/order symbol=BTCUSDT&side=BUY");
    });
    ASSERT_EQ(venue.requests.size(), 2u);
    EXPECT_EQ(venue.requests[1].method, "POST");
    EXPECT_EQ(venue.requests[1].header("host"), "127.0.0.1");
    EXPECT_TRUE(control_requests.empty());
}

TEST_F(listener_test, the_venue_gets_the_wall_clock_time_the_request_was_read) {
    start();
    wire::arrival_time before{};
    wire::arrival_time after{};
    run(io, [&]() -> asio::awaitable<void> {
        http_client client{io, port()};
        {
            const auto connect_ec = co_await client.connect();
            EXPECT_FALSE(connect_ec) << connect_ec.message();
        }
        before = wire::wall_now();
        auto answer = co_await client.request("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY");
        after = wire::wall_now();
        EXPECT_EQ(answer.status, 200u);
    });
    ASSERT_EQ(venue.arrival_times.size(), 1u);
    EXPECT_GE(venue.arrival_times[0], before);
    EXPECT_LE(venue.arrival_times[0], after);
}

TEST_F(listener_test, sim_paths_go_to_the_control_handler_and_skip_transport_faults) {
    start();
    venue.faults().http_5xx_next = 1;
    venue.faults().reset_next = 1;
    run(io, [&]() -> asio::awaitable<void> {
        http_client client{io, port()};
        {
            const auto connect_ec = co_await client.connect();
            EXPECT_FALSE(connect_ec) << connect_ec.message();
        }
        auto control = co_await client.request("POST", "/sim/fault", R"({"kind":"http_5xx"})");
        EXPECT_EQ(control.status, 200u);
        EXPECT_EQ(control.body, R"({"ok":true})");
        // "/sim" itself and "/simulate" are venue paths: only the "/sim/" prefix is the control API.
        auto venue_path = co_await client.request("GET", "/simulate");
        EXPECT_EQ(venue_path.status, 503u);
    });
    ASSERT_EQ(control_requests.size(), 1u);
    EXPECT_EQ(control_requests[0].target, "/sim/fault");
    EXPECT_EQ(control_requests[0].body, R"({"kind":"http_5xx"})");
    EXPECT_TRUE(venue.requests.empty());
    EXPECT_EQ(venue.faults().http_5xx_next, 0);
    EXPECT_EQ(venue.faults().reset_next, 1);
}

TEST_F(listener_test, https_on_the_same_port_with_the_written_certificate) {
    start();
    run(io, [&]() -> asio::awaitable<void> {
        http_client beast_client{io, port(), ca_file};
        auto ec = co_await beast_client.connect();
        EXPECT_FALSE(ec) << ec.message();
        auto via_beast = co_await beast_client.request("GET", "/v5/market/time");
        EXPECT_EQ(via_beast.status, 200u);
        EXPECT_EQ(via_beast.body, "venue GET /v5/market/time ");

        net::https_client_options trusted_options;
        trusted_options.base_url = "https://127.0.0.1:" + std::to_string(port());
        trusted_options.ca_file = ca_file;
        net::https_client trusted{io, trusted_options};
        net::client_request req{.method = "GET", .target = "/fapi/v1/ping", .headers = {}, .body = {},
                                .timeout = std::chrono::seconds{5}};
        auto answer = co_await trusted.request(req);
        EXPECT_TRUE(answer.has_value()) << answer.error().message();
        if (answer) {
            EXPECT_EQ(answer->status, 200u);
            EXPECT_EQ(answer->body, "venue GET /fapi/v1/ping ");
        }

        // Without the certificate the handshake must fail: it really is verified.
        net::https_client_options untrusted_options;
        untrusted_options.base_url = trusted_options.base_url;
        net::https_client untrusted{io, untrusted_options};
        auto refused = co_await untrusted.request(req);
        EXPECT_FALSE(refused.has_value());
    });
    EXPECT_EQ(venue.requests.size(), 2u);
}

TEST_F(listener_test, tls_from_pem_files) {
    const auto cert = dir.path() / "cert.pem";
    const auto key = dir.path() / "key.pem";
    const auto [code, output] = tradebot::test::run_shell(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost "
        "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '" + key.string() + "' -out '" + cert.string() + "'");
    ASSERT_EQ(code, 0) << output;
    EXPECT_FALSE(load_tls(dir.path() / "missing.pem", key).has_value());
    EXPECT_FALSE(load_tls(cert, dir.path() / "missing.pem").has_value());
    auto tls = load_tls(cert, key);
    ASSERT_TRUE(tls.has_value()) << tls.error().message();
    listener_options options;
    options.tls = *tls;
    ca_file = cert.string();
    start(options);
    run(io, [&]() -> asio::awaitable<void> {
        http_client client{io, port(), ca_file};
        const auto connect_ec = co_await client.connect();
        EXPECT_FALSE(connect_ec) << connect_ec.message();
        auto answer = co_await client.request("GET", "/fapi/v1/ping");
        EXPECT_EQ(answer.status, 200u);
    });
    EXPECT_EQ(venue.requests.size(), 1u);
}

TEST_F(listener_test, http_5xx_next_answers_503_then_serves_normally) {
    start();
    venue.faults().http_5xx_next = 1;
    run(io, [&]() -> asio::awaitable<void> {
        http_client client{io, port()};
        {
            const auto connect_ec = co_await client.connect();
            EXPECT_FALSE(connect_ec) << connect_ec.message();
        }
        auto failed = co_await client.request("GET", "/fapi/v2/account");
        EXPECT_FALSE(failed.ec);
        EXPECT_EQ(failed.status, 503u);
        auto ok = co_await client.request("GET", "/fapi/v2/account");
        EXPECT_EQ(ok.status, 200u);
        EXPECT_EQ(ok.body, "venue GET /fapi/v2/account ");
    });
    EXPECT_EQ(venue.faults().http_5xx_next, 0);
    EXPECT_EQ(venue.requests.size(), 1u);
}

TEST_F(listener_test, reset_next_closes_without_an_answer_then_serves_normally) {
    start();
    venue.faults().reset_next = 1;
    run(io, [&]() -> asio::awaitable<void> {
        http_client client{io, port()};
        {
            const auto connect_ec = co_await client.connect();
            EXPECT_FALSE(connect_ec) << connect_ec.message();
        }
        auto lost = co_await client.request("GET", "/fapi/v1/openOrders");
        EXPECT_TRUE(lost.ec);
        EXPECT_EQ(lost.status, 0u);
        EXPECT_NE(lost.ec, boost::asio::error::timed_out);
        http_client again{io, port()};
        {
            const auto connect_ec = co_await again.connect();
            EXPECT_FALSE(connect_ec) << connect_ec.message();
        }
        auto ok = co_await again.request("GET", "/fapi/v1/openOrders");
        EXPECT_EQ(ok.status, 200u);
    });
    EXPECT_EQ(venue.faults().reset_next, 0);
    EXPECT_EQ(venue.requests.size(), 1u);
}

TEST_F(listener_test, reset_disposition_from_the_venue_closes_after_handling) {
    start();
    venue.next_action = wire::disposition::reset;
    run(io, [&]() -> asio::awaitable<void> {
        http_client client{io, port(), ca_file};
        {
            const auto connect_ec = co_await client.connect();
            EXPECT_FALSE(connect_ec) << connect_ec.message();
        }
        auto lost = co_await client.request("POST", "/fapi/v1/order", "a=1");
        EXPECT_TRUE(lost.ec);
        EXPECT_EQ(lost.status, 0u);
    });
    EXPECT_EQ(venue.requests.size(), 1u);
}

TEST_F(listener_test, hang_never_answers_and_ends_when_the_client_gives_up) {
    start();
    venue.next_action = wire::disposition::hang;
    run(io, [&]() -> asio::awaitable<void> {
        http_client client{io, port()};
        {
            const auto connect_ec = co_await client.connect();
            EXPECT_FALSE(connect_ec) << connect_ec.message();
        }
        auto hung = co_await client.request("POST", "/fapi/v1/order", "a=1", std::chrono::milliseconds{300});
        EXPECT_TRUE(hung.ec);
        EXPECT_EQ(hung.ec, boost::beast::error::timeout);
        EXPECT_EQ(hung.status, 0u);
        // The client's timeout closed its socket; the hung server side notices and ends.
        const std::function<bool()> all_closed = [&] { return server->connection_count() == 0; };
        const bool closed = co_await wait_until(all_closed);
        EXPECT_TRUE(closed);
    });
    EXPECT_EQ(venue.requests.size(), 1u);
}

TEST_F(listener_test, body_over_the_limit_is_413) {
    start();
    run(io, [&]() -> asio::awaitable<void> {
        http_client client{io, port()};
        {
            const auto connect_ec = co_await client.connect();
            EXPECT_FALSE(connect_ec) << connect_ec.message();
        }
        const std::string body(1024 * 1024 + 1, 'x');
        auto big = co_await client.request("POST", "/fapi/v1/order", body);
        EXPECT_EQ(big.status, 413u);
    });
    EXPECT_TRUE(venue.requests.empty());
}

TEST_F(listener_test, stop_closes_open_connections) {
    start();
    run(io, [&]() -> asio::awaitable<void> {
        http_client client{io, port()};
        {
            const auto connect_ec = co_await client.connect();
            EXPECT_FALSE(connect_ec) << connect_ec.message();
        }
        auto before = co_await client.request("GET", "/x");
        EXPECT_EQ(before.status, 200u);
        EXPECT_EQ(server->connection_count(), 1u);
        server->stop();
        const std::function<bool()> all_closed = [&] { return server->connection_count() == 0; };
        const bool closed = co_await wait_until(all_closed);
        EXPECT_TRUE(closed);
        auto after = co_await client.request("GET", "/x");
        EXPECT_TRUE(after.ec);
    });
    EXPECT_EQ(venue.requests.size(), 1u);
}

}  // namespace
}  // namespace tradebot::sim::server::test
