#include "tradebot/alerts/outage_tracker.hpp"

#include <gtest/gtest.h>

namespace tradebot::alerts {
namespace {

using namespace std::chrono_literals;

class outage_tracker_test : public ::testing::Test {
protected:
    [[nodiscard]] outage_tracker::time_point now() const { return clock_.steady_now(); }
    core::manual_clock clock_;
};

TEST_F(outage_tracker_test, an_outage_longer_than_the_grace_gives_one_alert_and_its_end_one_resolution) {
    outage_tracker t{30s};
    t.down(alert_kind::venue_down, "binance private stream", "disconnected: eof", now());
    EXPECT_TRUE(t.due(now(), clock_.now()).empty()) << "not before the grace";
    ASSERT_TRUE(t.next_due());
    EXPECT_EQ(*t.next_due(), now() + 30s);
    clock_.advance(10s);
    t.down(alert_kind::venue_down, "binance private stream", "stalled: no frame for 10 s", now());  // still down
    clock_.advance(20s);
    auto due = t.due(now(), clock_.now());
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0].kind, alert_kind::venue_down);
    EXPECT_EQ(due[0].subject, "binance private stream");
    EXPECT_FALSE(due[0].resolved);
    EXPECT_EQ(due[0].text, "binance private stream down for 30 s: stalled: no frame for 10 s")
        << "counted from the first down, with the newest reason";
    EXPECT_TRUE(t.due(now(), clock_.now()).empty()) << "once";
    EXPECT_FALSE(t.next_due());

    clock_.advance(95s);
    const auto back = t.up("binance private stream", now(), clock_.now());
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->resolved);
    EXPECT_EQ(back->kind, alert_kind::venue_down);
    EXPECT_EQ(back->subject, "binance private stream");
    EXPECT_EQ(back->text, "binance private stream is back after 2 min 5 s");
    EXPECT_FALSE(t.up("binance private stream", now(), clock_.now())) << "up twice: one resolution";
}

TEST_F(outage_tracker_test, a_blip_shorter_than_the_grace_gives_nothing) {
    outage_tracker t{30s};
    t.down(alert_kind::database_down, "database", "connection refused", now());
    clock_.advance(29s);
    EXPECT_FALSE(t.up("database", now(), clock_.now()));
    EXPECT_FALSE(t.next_due());
    clock_.advance(60s);
    EXPECT_TRUE(t.due(now(), clock_.now()).empty());
    EXPECT_FALSE(t.up("never down", now(), clock_.now()));
}

TEST_F(outage_tracker_test, subjects_are_apart_and_a_zero_grace_announces_at_once) {
    outage_tracker t{0s};
    t.down(alert_kind::venue_down, "bybit REST API", "timeout", now());
    t.down(alert_kind::database_down, "database", "", now());
    auto due = t.due(now(), clock_.now());
    ASSERT_EQ(due.size(), 2U);
    EXPECT_EQ(due[0].text, "bybit REST API down for 0 s: timeout");
    EXPECT_EQ(due[1].text, "database down for 0 s");
    EXPECT_EQ(due[1].kind, alert_kind::database_down);
    clock_.advance(2h + 3min);
    const auto db = t.up("database", now(), clock_.now());
    ASSERT_TRUE(db);
    EXPECT_EQ(db->text, "database is back after 2 h 3 min");
    EXPECT_EQ(db->kind, alert_kind::database_down);
    // The other one is still down, and already announced.
    EXPECT_TRUE(t.due(now(), clock_.now()).empty());
    EXPECT_TRUE(t.up("bybit REST API", now(), clock_.now()));
}

}  // namespace
}  // namespace tradebot::alerts
