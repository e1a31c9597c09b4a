#include "exchange/stream_session.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <prometheus/registry.h>

#include "tradebot/events/router.hpp"

namespace tradebot::exchange {
namespace {

std::optional<double> series(prometheus::Registry& registry, const std::string& name, const std::string& stream) {
    for (const auto& family : registry.Collect()) {
        if (family.name != name) {
            continue;
        }
        for (const auto& m : family.metric) {
            for (const auto& label : m.label) {
                if (label.name == "stream" && label.value == stream) {
                    return family.type == prometheus::MetricType::Gauge ? m.gauge.value : m.counter.value;
                }
            }
        }
    }
    return std::nullopt;
}

struct stream_session_test : ::testing::Test {
    prometheus::Registry registry;
    events::router router{registry};
    events::topic<events::stream_state>& states{router.topic<events::stream_state>("stream_state")};
    venue_metrics metrics{registry, core::exchange_id::bybit};
    core::manual_clock clock;
    std::mutex metrics_mutex;
    boost::asio::io_context io;
    std::vector<events::stream_state> seen;
    events::subscription sub{
        states.subscribe(io.get_executor(), [this](const events::stream_state& s) { seen.push_back(s); })};
};

TEST_F(stream_session_test, report_publishes_the_event_and_sets_the_gauge) {
    const stream_session session{core::exchange_id::bybit, "public", clock, &states, &metrics, metrics_mutex};
    session.report(events::stream_status::stalled, "no data");
    io.run();
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].exchange, core::exchange_id::bybit);
    EXPECT_EQ(seen[0].stream, "public");
    EXPECT_EQ(seen[0].status, events::stream_status::stalled);
    EXPECT_EQ(seen[0].reason, "no data");
    EXPECT_EQ(seen[0].ts, clock.now());
    EXPECT_EQ(series(registry, "tradebot_exchange_stream_up", "public"), -1.0);
    session.set_up(events::stream_status::connected);
    EXPECT_EQ(series(registry, "tradebot_exchange_stream_up", "public"), 1.0);
    session.set_up(events::stream_status::disconnected);
    EXPECT_EQ(series(registry, "tradebot_exchange_stream_up", "public"), 0.0);
}

TEST_F(stream_session_test, counts_messages_malformed_frames_and_reconnects) {
    const stream_session session{core::exchange_id::bybit, "private", clock, &states, &metrics, metrics_mutex};
    session.count_message();
    session.count_message();
    session.count_malformed();
    session.count_reconnect();
    EXPECT_EQ(series(registry, "tradebot_exchange_stream_messages_total", "private"), 2.0);
    EXPECT_EQ(series(registry, "tradebot_exchange_stream_malformed_total", "private"), 1.0);
    EXPECT_EQ(series(registry, "tradebot_exchange_stream_reconnects_total", "private"), 1.0);
}

TEST_F(stream_session_test, without_topic_or_metrics_reports_nothing) {
    const stream_session session{core::exchange_id::binance, "market", clock, nullptr, nullptr, metrics_mutex};
    session.report(events::stream_status::connected, {});
    session.count_message();
    io.run();
    EXPECT_TRUE(seen.empty());
    EXPECT_EQ(series(registry, "tradebot_exchange_stream_messages_total", "market"), std::nullopt);
}

TEST(stream_state_mapping, only_disconnected_and_stalled_are_down) {
    EXPECT_TRUE(is_down(net::ws_state::disconnected));
    EXPECT_TRUE(is_down(net::ws_state::stalled));
    EXPECT_FALSE(is_down(net::ws_state::connected));
    EXPECT_FALSE(is_down(net::ws_state::stopped));
    EXPECT_EQ(down_status(net::ws_state::stalled), events::stream_status::stalled);
    EXPECT_EQ(down_status(net::ws_state::disconnected), events::stream_status::disconnected);
}

}  // namespace
}  // namespace tradebot::exchange
