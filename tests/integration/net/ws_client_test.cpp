#include "tradebot/net/ws_client.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <gtest/gtest.h>

#include "test_servers.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;
using test::ws_test_server;

// Records everything a ws_client reports.
struct recorder {
    std::vector<std::string> messages;
    std::vector<std::pair<ws_state, boost::system::error_code>> states;
    std::vector<milliseconds> delays;
    std::vector<steady::time_point> state_times;
    int connected_calls = 0;

    void attach(ws_client& client) {
        client.on_message([this](std::string_view m) { messages.emplace_back(m); });
        client.on_state([this](ws_state s, boost::system::error_code ec) {
            states.emplace_back(s, ec);
            state_times.push_back(steady::now());
        });
        client.on_backoff([this](milliseconds d) { delays.push_back(d); });
    }
    [[nodiscard]] bool saw(const std::string& m) const { return std::ranges::find(messages, m) != messages.end(); }
    [[nodiscard]] int count(ws_state s) const {
        return static_cast<int>(std::ranges::count_if(states, [s](const auto& e) { return e.first == s; }));
    }
};

ws_test_server::behaviour server_behaviour(bool greet, bool echo, bool read, milliseconds drop_after = 0ms) {
    ws_test_server::behaviour b;
    b.greet = greet;
    b.echo = echo;
    b.read = read;
    b.drop_after = drop_after;
    return b;
}

class ws_client_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<tradebot::test::temp_dir>();
        cert_ = test::make_self_signed_cert(dir_->path());
    }
    static void TearDownTestSuite() { dir_.reset(); }

    static ws_client_options options_for(const std::string& url) {
        ws_client_options o;
        o.url = url;
        o.connect_timeout = 2s;
        o.idle_timeout = 5s;
        o.stall_timeout = 0ms;
        o.backoff = {.initial = 50ms, .max = 1s, .multiplier = 2.0, .jitter = 0.2, .seed = 1};
        return o;
    }
    static std::string ws_url(const ws_test_server& server, const char* scheme = "ws", const char* host = "127.0.0.1") {
        return std::string{scheme} + "://" + host + ":" + std::to_string(server.port()) + "/ws";
    }

    // Stops the client and runs the io_context until it reports stopped.
    void stop(ws_client& client) {
        client.stop();
        test::run_until_done(io_, [&]() -> asio::awaitable<void> {
            {
                const bool ok = co_await test::wait_until([&] { return client.state() == ws_state::stopped; }, 2s);
                EXPECT_TRUE(ok);
            }
        });
    }

    static inline std::unique_ptr<tradebot::test::temp_dir> dir_;
    static inline test::self_signed_cert cert_;
    asio::io_context io_;
};

TEST_F(ws_client_test, receives_and_sends_frames) {
    ws_test_server server{io_, {}};
    ws_client client{io_, options_for(ws_url(server))};
    ASSERT_FALSE(client.init_error());
    recorder rec;
    rec.attach(client);
    client.on_message([&](std::string_view m) {
        rec.messages.emplace_back(m);
        if (m == "hello 1") {
            client.send("subscribe btcusdt@markPrice");
            client.send("subscribe ethusdt@markPrice");
        }
    });
    client.start();
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        {
            const bool ok = co_await test::wait_until([&] { return rec.saw("subscribe ethusdt@markPrice"); }, 3s);
            EXPECT_TRUE(ok);
        }
    });
    EXPECT_EQ(server.received(), (std::vector<std::string>{"subscribe btcusdt@markPrice", "subscribe ethusdt@markPrice"}));
    EXPECT_EQ(rec.messages, (std::vector<std::string>{"hello 1", "subscribe btcusdt@markPrice",
                                                      "subscribe ethusdt@markPrice"}));
    EXPECT_EQ(client.state(), ws_state::connected);
    EXPECT_EQ(client.counters().messages_sent, 2U);
    EXPECT_EQ(client.counters().messages_received, 3U);
    EXPECT_EQ(client.counters().connects, 1U);
    stop(client);
    ASSERT_FALSE(rec.states.empty());
    EXPECT_EQ(rec.states.front().first, ws_state::connecting);
    EXPECT_EQ(rec.states.back().first, ws_state::stopped);
}

TEST_F(ws_client_test, reconnects_after_the_server_drops_and_calls_on_connected_again) {
    ws_test_server server{io_, server_behaviour(true, true, true, 150ms)};
    ws_client client{io_, options_for(ws_url(server))};
    recorder rec;
    rec.attach(client);
    client.on_connected([&] {
        ++rec.connected_calls;
        client.send("auth " + std::to_string(rec.connected_calls));
    });
    client.start();
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        {
            const bool ok = co_await test::wait_until([&] { return rec.saw("auth 2"); }, 5s);
            EXPECT_TRUE(ok);
        }
    });
    EXPECT_GE(rec.connected_calls, 2);
    EXPECT_TRUE(rec.saw("hello 1"));
    EXPECT_TRUE(rec.saw("hello 2"));
    EXPECT_GE(server.handshakes(), 2);
    EXPECT_GE(rec.count(ws_state::disconnected), 1);
    EXPECT_GE(client.counters().disconnects, 1U);
    // The first connection delivered data, so the backoff started over at about 50 ms.
    ASSERT_FALSE(rec.delays.empty());
    EXPECT_LE(rec.delays.front(), 50ms);
    stop(client);
}

TEST_F(ws_client_test, detects_a_stall_while_pings_still_get_pongs) {
    // The server reads (so Beast answers pings) but never sends data.
    ws_test_server server{io_, server_behaviour(false, false, true)};
    auto opts = options_for(ws_url(server));
    opts.stall_timeout = 250ms;
    opts.idle_timeout = 200ms;  // pings every 100 ms keep the connection itself alive
    ws_client client{io_, opts};
    recorder rec;
    rec.attach(client);
    client.start();
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        {
            const bool ok = co_await test::wait_until([&] { return client.counters().connects >= 2; }, 5s);
            EXPECT_TRUE(ok);
        }
    });
    const auto connected = std::ranges::find_if(rec.states, [](const auto& e) { return e.first == ws_state::connected; });
    const auto stalled = std::ranges::find_if(rec.states, [](const auto& e) { return e.first == ws_state::stalled; });
    ASSERT_NE(connected, rec.states.end());
    ASSERT_NE(stalled, rec.states.end());
    EXPECT_EQ(stalled->second, client_errc::stream_stalled);
    const auto took = rec.state_times[static_cast<std::size_t>(stalled - rec.states.begin())] -
                      rec.state_times[static_cast<std::size_t>(connected - rec.states.begin())];
    EXPECT_GE(took, 240ms);
    EXPECT_LT(took, 1500ms);
    EXPECT_GE(client.counters().stalls, 1U);
    EXPECT_EQ(rec.count(ws_state::disconnected), 0);  // the pongs kept the idle timeout from firing
    stop(client);
}

TEST_F(ws_client_test, a_peer_that_never_answers_pings_times_out) {
    ws_test_server server{io_, server_behaviour(false, false, false)};
    auto opts = options_for(ws_url(server));
    opts.idle_timeout = 300ms;
    ws_client client{io_, opts};
    recorder rec;
    rec.attach(client);
    client.start();
    const auto start = steady::now();
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        {
            const bool ok = co_await test::wait_until([&] { return rec.count(ws_state::disconnected) >= 1; }, 5s);
            EXPECT_TRUE(ok);
        }
    });
    EXPECT_LT(steady::now() - start, 2s);
    EXPECT_EQ(client.counters().stalls, 0U);
    EXPECT_EQ(client.counters().connects, 1U);
    stop(client);
}

TEST_F(ws_client_test, backoff_grows_while_the_server_is_down) {
    asio::ip::tcp::acceptor probe{io_, {asio::ip::make_address("127.0.0.1"), 0}};
    const std::uint16_t port = probe.local_endpoint().port();
    probe.close();
    auto opts = options_for("ws://127.0.0.1:" + std::to_string(port) + "/ws");
    opts.backoff = {.initial = 20ms, .max = 5s, .multiplier = 2.0, .jitter = 0.2, .seed = 99};
    ws_client client{io_, opts};
    recorder rec;
    rec.attach(client);
    client.start();
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        {
            const bool ok = co_await test::wait_until([&] { return rec.delays.size() >= 4; }, 5s);
            EXPECT_TRUE(ok);
        }
    });
    ASSERT_GE(rec.delays.size(), 4U);
    for (std::size_t i = 1; i < rec.delays.size(); ++i) {
        EXPECT_GT(rec.delays[i], rec.delays[i - 1]) << i;
    }
    // Same seed, same options: the delays are the backoff's own sequence.
    backoff expected{opts.backoff};
    for (const auto d : rec.delays) {
        EXPECT_EQ(d, expected.next());
    }
    EXPECT_GE(client.counters().connect_failures, 4U);
    EXPECT_EQ(client.counters().connects, 0U);
    const auto failed = std::ranges::find_if(rec.states, [](const auto& e) { return e.first == ws_state::disconnected; });
    ASSERT_NE(failed, rec.states.end());
    EXPECT_EQ(failed->second, client_errc::connect_failed);
    stop(client);
}

TEST_F(ws_client_test, planned_reconnect_before_the_maximum_connection_age) {
    ws_test_server server{io_, {}};
    auto opts = options_for(ws_url(server));
    opts.max_connection_age = 150ms;
    ws_client client{io_, opts};
    recorder rec;
    rec.attach(client);
    client.on_connected([&] { ++rec.connected_calls; });
    client.start();
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        {
            const bool ok = co_await test::wait_until([&] { return rec.connected_calls >= 3; }, 5s);
            EXPECT_TRUE(ok);
        }
    });
    EXPECT_GE(client.counters().planned_reconnects, 2U);
    EXPECT_TRUE(rec.delays.empty());  // planned reconnects skip the backoff
    const auto aged = std::ranges::find_if(rec.states, [](const auto& e) { return e.first == ws_state::disconnected; });
    ASSERT_NE(aged, rec.states.end());
    EXPECT_EQ(aged->second, client_errc::connection_aged);
    stop(client);
}

TEST_F(ws_client_test, reconnect_on_request) {
    ws_test_server server{io_, {}};
    ws_client client{io_, options_for(ws_url(server))};
    recorder rec;
    rec.attach(client);
    client.start();
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        {
            const bool ok = co_await test::wait_until([&] { return rec.saw("hello 1"); }, 3s);
            EXPECT_TRUE(ok);
        }
        client.reconnect();
        {
            const bool ok = co_await test::wait_until([&] { return rec.saw("hello 2"); }, 3s);
            EXPECT_TRUE(ok);
        }
    });
    EXPECT_EQ(client.counters().planned_reconnects, 1U);
    EXPECT_TRUE(rec.delays.empty());
    stop(client);
}

TEST_F(ws_client_test, wss_with_and_without_the_ca_file) {
    auto tls = test::make_server_tls(cert_);
    ws_test_server server{io_, {}, &tls};
    auto trusted_opts = options_for(ws_url(server, "wss", "localhost"));
    trusted_opts.ca_file = cert_.cert_file.string();
    ws_client trusted{io_, trusted_opts};
    ws_client untrusted{io_, options_for(ws_url(server, "wss", "localhost"))};
    recorder good;
    recorder bad;
    good.attach(trusted);
    bad.attach(untrusted);
    trusted.start();
    untrusted.start();
    test::run_until_done(io_, [&]() -> asio::awaitable<void> {
        {
            const bool ok = co_await test::wait_until([&] { return good.saw("hello 1") || good.saw("hello 2"); }, 3s);
            EXPECT_TRUE(ok);
        }
        {
            const bool ok = co_await test::wait_until([&] { return bad.count(ws_state::disconnected) >= 1; }, 3s);
            EXPECT_TRUE(ok);
        }
    });
    const auto failed = std::ranges::find_if(bad.states, [](const auto& e) { return e.first == ws_state::disconnected; });
    ASSERT_NE(failed, bad.states.end());
    EXPECT_EQ(failed->second, client_errc::tls_handshake_failed);
    EXPECT_EQ(untrusted.counters().connects, 0U);
    stop(trusted);
    stop(untrusted);
}

TEST_F(ws_client_test, send_while_disconnected_is_dropped_and_counted) {
    ws_client client{io_, options_for("ws://127.0.0.1:1/ws")};
    client.send("lost");
    io_.poll();
    EXPECT_EQ(client.counters().sends_dropped, 1U);
    ws_client bad{io_, options_for("http://127.0.0.1/ws")};
    EXPECT_EQ(bad.init_error(), client_errc::invalid_url);
}

}  // namespace
}  // namespace tradebot::net
