#include <algorithm>
#include <functional>

#include <boost/asio/awaitable.hpp>

#include "fixture.hpp"

namespace tradebot::sim::server::test {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

class ws_listener_test : public listener_test {
protected:
    // `ca` by value: a coroutine keeps only a reference to a reference parameter, and the
    // caller's temporary ({}) is gone before the coroutine first resumes.
    asio::awaitable<void> echo_round_trip(std::string ca) {
        ws_test_client client{io, port(), ca};
        const auto upgraded = co_await client.connect("/ws/btcusdt@aggTrade");
        EXPECT_FALSE(upgraded.ec) << upgraded.ec.message();
        EXPECT_EQ(upgraded.status, 101u);
        client.start_reading();
        const std::function<bool()> welcomed = [&] { return has(client.messages(), "welcome /ws/btcusdt@aggTrade"); };
        const bool got_welcome = co_await wait_until(welcomed);
        EXPECT_TRUE(got_welcome);
        EXPECT_EQ(server->ws_peer_count(), 1u);
        const auto send_ec = co_await client.send("hello");
        EXPECT_FALSE(send_ec);
        const std::function<bool()> echoed = [&] { return has(client.messages(), "echo:hello"); };
        const bool got_echo = co_await wait_until(echoed);
        EXPECT_TRUE(got_echo);
        const auto close_ec = co_await client.close();
        EXPECT_FALSE(close_ec) << close_ec.message();
        const std::function<bool()> closed = [&] { return !venue.closed_ids.empty(); };
        const bool venue_told = co_await wait_until(closed);
        EXPECT_TRUE(venue_told);
        co_await pause(std::chrono::milliseconds{100});
    }
};

TEST_F(ws_listener_test, plain_upgrade_echo_and_close) {
    start();
    run(io, [&] { return echo_round_trip({}); });
    EXPECT_EQ(venue.opened, std::vector<std::string>{"/ws/btcusdt@aggTrade"});
    EXPECT_EQ(venue.messages, std::vector<std::string>{"hello"});
    EXPECT_EQ(venue.closed_ids.size(), 1u);  // exactly once
    EXPECT_EQ(server->ws_peer_count(), 0u);
    EXPECT_TRUE(venue.peers.empty());
}

TEST_F(ws_listener_test, tls_upgrade_echo_and_close) {
    start();
    run(io, [&] { return echo_round_trip(ca_file); });
    EXPECT_EQ(venue.messages, std::vector<std::string>{"hello"});
    EXPECT_EQ(venue.closed_ids.size(), 1u);
    EXPECT_EQ(server->ws_peer_count(), 0u);
}

TEST_F(ws_listener_test, refused_upgrade_returns_the_venue_status) {
    start();
    run(io, [&]() -> asio::awaitable<void> {
        ws_test_client client{io, port()};
        const auto refused = co_await client.connect("/refuse?listenKey=x");
        EXPECT_TRUE(refused.ec);
        EXPECT_EQ(refused.status, 404u);
        EXPECT_EQ(refused.body, R"({"code":-1,"msg":"no such stream"})");
    });
    EXPECT_EQ(venue.upgrades, std::vector<std::string>{"/refuse?listenKey=x"});
    EXPECT_TRUE(venue.opened.empty());
    EXPECT_TRUE(venue.closed_ids.empty());
}

TEST_F(ws_listener_test, venue_close_sends_a_close_frame_with_its_code) {
    start();
    run(io, [&]() -> asio::awaitable<void> {
        ws_test_client client{io, port()};
        const auto upgraded = co_await client.connect("/realtime");
        EXPECT_EQ(upgraded.status, 101u);
        client.start_reading();
        const auto send_ec = co_await client.send("close");
        EXPECT_FALSE(send_ec);
        const std::function<bool()> ended = [&] { return client.ended(); };
        const bool done = co_await wait_until(ended);
        EXPECT_TRUE(done);
        EXPECT_EQ(client.close_code(), 4000);
        const std::function<bool()> told = [&] { return !venue.closed_ids.empty(); };
        const bool venue_told = co_await wait_until(told);
        EXPECT_TRUE(venue_told);
    });
    EXPECT_EQ(venue.closed_ids.size(), 1u);
    EXPECT_EQ(server->ws_peer_count(), 0u);
}

TEST_F(ws_listener_test, drop_streams_closes_every_websocket_abruptly_but_not_http) {
    start();
    run(io, [&]() -> asio::awaitable<void> {
        ws_test_client plain{io, port()};
        ws_test_client secure{io, port(), ca_file};
        const auto a = co_await plain.connect("/a");
        const auto b = co_await secure.connect("/b");
        EXPECT_EQ(a.status, 101u);
        EXPECT_EQ(b.status, 101u);
        plain.start_reading();
        secure.start_reading();
        http_client rest{io, port()};
        const auto connect_ec = co_await rest.connect();
        EXPECT_FALSE(connect_ec);
        const std::function<bool()> both_open = [&] { return server->ws_peer_count() == 2; };
        const bool open = co_await wait_until(both_open);
        EXPECT_TRUE(open);

        server->drop_streams();
        // The venue is told at once, before the peers go away.
        EXPECT_EQ(venue.closed_ids.size(), 2u);
        EXPECT_EQ(server->ws_peer_count(), 0u);
        const std::function<bool()> both_ended = [&] { return plain.ended() && secure.ended(); };
        const bool ended = co_await wait_until(both_ended);
        EXPECT_TRUE(ended);
        EXPECT_EQ(plain.close_code(), 0);  // no close frame
        EXPECT_EQ(secure.close_code(), 0);
        EXPECT_NE(plain.end_reason().message(), "The WebSocket stream was gracefully closed at both endpoints");

        const auto answer = co_await rest.request("GET", "/still/up");
        EXPECT_EQ(answer.status, 200u);
        co_await pause(std::chrono::milliseconds{50});
    });
    EXPECT_EQ(venue.closed_ids.size(), 2u);  // not again when the sessions unwound
}

TEST_F(ws_listener_test, stalled_streams_send_nothing_and_answer_no_ping_until_resumed) {
    start();
    run(io, [&]() -> asio::awaitable<void> {
        ws_test_client client{io, port(), ca_file};
        const auto upgraded = co_await client.connect("/stream");
        EXPECT_EQ(upgraded.status, 101u);
        client.start_reading();
        const std::function<bool()> welcomed = [&] { return client.messages().size() == 1; };
        const bool got_welcome = co_await wait_until(welcomed);
        EXPECT_TRUE(got_welcome);
        const auto ping_ec = co_await client.ping();
        EXPECT_FALSE(ping_ec);
        const std::function<bool()> ponged = [&] { return client.pongs() == 1; };
        const bool first_pong = co_await wait_until(ponged);
        EXPECT_TRUE(first_pong);

        venue.faults().streams_stalled = true;
        co_await pause(std::chrono::milliseconds{60});  // let the gate see the stall
        venue.publish("lost while stalled");
        const auto stalled_ping = co_await client.ping();
        EXPECT_FALSE(stalled_ping);
        const auto stalled_send = co_await client.send("held");
        EXPECT_FALSE(stalled_send);
        co_await pause(std::chrono::milliseconds{300});
        EXPECT_EQ(client.pongs(), 1);
        EXPECT_EQ(client.messages().size(), 1u);
        EXPECT_TRUE(venue.messages.empty());
        EXPECT_FALSE(client.ended());
        EXPECT_EQ(server->ws_peer_count(), 1u);

        venue.faults().streams_stalled = false;
        const std::function<bool()> resumed = [&] { return client.pongs() == 2 && has(client.messages(), "echo:held"); };
        const bool back = co_await wait_until(resumed);
        EXPECT_TRUE(back);
        venue.publish("after");
        const std::function<bool()> got_after = [&] { return has(client.messages(), "after"); };
        const bool after = co_await wait_until(got_after);
        EXPECT_TRUE(after);
        EXPECT_FALSE(has(client.messages(), "lost while stalled"));
    });
    EXPECT_EQ(venue.messages, std::vector<std::string>{"held"});
}

TEST_F(ws_listener_test, a_client_that_does_not_read_is_dropped_when_its_queue_overflows) {
    listener_options options;
    options.ws_queue_limit = 1024;
    start(options);
    run(io, [&]() -> asio::awaitable<void> {
        ws_test_client client{io, port()};
        const auto upgraded = co_await client.connect("/slow");
        EXPECT_EQ(upgraded.status, 101u);
        const std::function<bool()> open = [&] { return venue.peers.size() == 1; };
        const bool is_open = co_await wait_until(open);
        EXPECT_TRUE(is_open);
        // One burst on the single thread: the writer cannot drain in between.
        for (int i = 0; i < 10; ++i) {
            venue.publish(std::string(200, 'x'));
        }
        const std::function<bool()> dropped = [&] { return venue.closed_ids.size() == 1; };
        const bool gone = co_await wait_until(dropped);
        EXPECT_TRUE(gone);
    });
    EXPECT_EQ(server->ws_peer_count(), 0u);
}

TEST_F(ws_listener_test, stop_tells_the_venue_and_closes_websockets) {
    start();
    run(io, [&]() -> asio::awaitable<void> {
        ws_test_client client{io, port()};
        const auto upgraded = co_await client.connect("/x");
        EXPECT_EQ(upgraded.status, 101u);
        client.start_reading();
        const std::function<bool()> open = [&] { return server->ws_peer_count() == 1; };
        const bool is_open = co_await wait_until(open);
        EXPECT_TRUE(is_open);
        server->stop();
        EXPECT_EQ(venue.closed_ids.size(), 1u);
        const std::function<bool()> ended = [&] { return client.ended(); };
        const bool done = co_await wait_until(ended);
        EXPECT_TRUE(done);
    });
    EXPECT_EQ(venue.closed_ids.size(), 1u);
    EXPECT_TRUE(venue.messages.empty());
}

}  // namespace
}  // namespace tradebot::sim::server::test
