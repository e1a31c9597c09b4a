#include "tradebot/monitoring/health_feed.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

namespace tradebot::monitoring {
namespace {

using namespace std::chrono_literals;

class health_feed_test : public ::testing::Test {
protected:
    [[nodiscard]] component_state state_of(std::string_view name) const {
        const auto c = health_.find(name);
        EXPECT_TRUE(c) << name;
        return c ? c->state : component_state::failed;
    }
    // Runs the handlers queued so far (poll() stops the context once it runs out of work).
    void deliver() {
        io_.restart();
        io_.poll();
    }
    [[nodiscard]] std::string detail_of(std::string_view name) const {
        const auto c = health_.find(name);
        return c ? c->detail : std::string{};
    }

    boost::asio::io_context io_;
    prometheus::Registry registry_;
    events::router router_{registry_};
    core::manual_clock clock_;
    health health_{clock_};
    health_feed feed_{io_.get_executor(), router_, health_, clock_, 60s};
};

TEST_F(health_feed_test, each_venue_stream_is_a_component_and_a_stalled_or_lost_one_is_degraded) {
    auto& streams = router_.topic<events::stream_state>(events::topic_name::stream_state);
    streams.publish(events::stream_state{.exchange = core::exchange_id::binance, .stream = "market",
                                         .status = events::stream_status::connected, .reason = {}, .ts = {}});
    streams.publish(events::stream_state{.exchange = core::exchange_id::bybit, .stream = "private",
                                         .status = events::stream_status::connected, .reason = {}, .ts = {}});
    deliver();
    EXPECT_EQ(state_of("binance.stream.market"), component_state::ok);
    EXPECT_EQ(state_of("bybit.stream.private"), component_state::ok);
    EXPECT_EQ(health_.overall(), component_state::ok);

    streams.publish(events::stream_state{.exchange = core::exchange_id::binance, .stream = "market",
                                         .status = events::stream_status::stalled, .reason = "no frame for 30 s",
                                         .ts = {}});
    deliver();
    EXPECT_EQ(state_of("binance.stream.market"), component_state::degraded);
    EXPECT_EQ(detail_of("binance.stream.market"), "stalled: no frame for 30 s");
    EXPECT_EQ(health_.overall(), component_state::degraded);
    EXPECT_TRUE(health_.is_live()) << "degraded, not failed: the daemon still serves";

    streams.publish(events::stream_state{.exchange = core::exchange_id::bybit, .stream = "private",
                                         .status = events::stream_status::disconnected, .reason = "eof", .ts = {}});
    deliver();
    EXPECT_EQ(state_of("bybit.stream.private"), component_state::degraded);
}

TEST_F(health_feed_test, a_venues_rest_component_follows_its_reads) {
    auto& rest = router_.topic<events::rest_state>(events::topic_name::rest_state);
    rest.publish(events::rest_state{.exchange = core::exchange_id::binance, .ok = true, .detail = {}, .ts = {}});
    deliver();
    EXPECT_EQ(state_of("binance.rest"), component_state::ok);
    EXPECT_FALSE(health_.find("bybit.rest")) << "no read, no component";
    rest.publish(events::rest_state{.exchange = core::exchange_id::binance, .ok = false, .detail = "HTTP 503", .ts = {}});
    deliver();
    EXPECT_EQ(state_of("binance.rest"), component_state::degraded);
    EXPECT_EQ(detail_of("binance.rest"), "failing: HTTP 503");
}

TEST_F(health_feed_test, signals_turn_stale_after_the_configured_quiet_time_and_fresh_with_the_next_one) {
    feed_.check_signals();
    EXPECT_EQ(state_of("signals.freshness"), component_state::ok);
    clock_.advance(59s);
    feed_.check_signals();
    EXPECT_EQ(state_of("signals.freshness"), component_state::ok);
    EXPECT_EQ(detail_of("signals.freshness"), "no signal since start 59 s ago");
    clock_.advance(1s);
    feed_.check_signals();
    EXPECT_EQ(state_of("signals.freshness"), component_state::degraded);
    EXPECT_EQ(detail_of("signals.freshness"), "no signal since start 60 s ago (stale after 60 s)");

    auto& signals = router_.topic<events::signal_event>(events::topic_name::signal_event);
    events::signal_event decided;
    decided.outcome = "skipped";
    decided.ts = clock_.now();
    signals.publish(decided);
    deliver();
    EXPECT_EQ(state_of("signals.freshness"), component_state::degraded) << "only arrivals count";
    events::signal_event received;
    received.outcome = "received";
    received.ts = clock_.now();
    signals.publish(received);
    deliver();
    EXPECT_EQ(state_of("signals.freshness"), component_state::ok);
    clock_.advance(30s);
    feed_.check_signals();
    EXPECT_EQ(detail_of("signals.freshness"), "last signal 30 s ago");
    clock_.advance(30s);
    feed_.check_signals();
    EXPECT_EQ(state_of("signals.freshness"), component_state::degraded);
    // A row refused by validation was still read: the producer writes.
    events::signal_event rejected;
    rejected.outcome = "rejected";
    rejected.ts = clock_.now();
    signals.publish(rejected);
    deliver();
    EXPECT_EQ(state_of("signals.freshness"), component_state::ok);
}

}  // namespace
}  // namespace tradebot::monitoring
