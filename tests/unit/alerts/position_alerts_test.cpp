#include "tradebot/alerts/position_alerts.hpp"

#include <gtest/gtest.h>

namespace tradebot::alerts {
namespace {

events::position_event event(std::int64_t id, events::position_event_kind kind, std::string reason = {}) {
    events::position_event e;
    e.exchange = core::exchange_id::binance;
    e.symbol = core::symbol::from_string("BTCUSDT");
    e.position_id = id;
    e.kind = kind;
    e.reason = std::move(reason);
    return e;
}

TEST(position_alerts, a_position_reported_without_a_stop_is_resolved_when_a_stop_is_back) {
    position_alerts p;
    const auto bare = p.on(event(7, events::position_event_kind::unprotected, "no entry price"));
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->kind, alert_kind::unprotected_position);
    EXPECT_EQ(bare->subject, "position 7");
    EXPECT_FALSE(bare->resolved);
    // Another position's events change nothing for this one.
    EXPECT_FALSE(p.on(event(8, events::position_event_kind::stop_moved)));

    auto restored = event(7, events::position_event_kind::stop_restored);
    restored.stop_price = core::decimal::from_string("61000.50");
    const auto back = p.on(restored);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->resolved);
    EXPECT_EQ(back->kind, alert_kind::unprotected_position);
    EXPECT_EQ(back->subject, "position 7");
    EXPECT_EQ(back->text, "binance BTCUSDT (position 7) is protected again: a stop is on the venue at 61000.5");
    // Resolved once: the next moves are routine again.
    EXPECT_FALSE(p.on(event(7, events::position_event_kind::stop_moved)));
    EXPECT_FALSE(p.on(event(7, events::position_event_kind::closed, "aged")));
}

TEST(position_alerts, a_stop_the_daemon_adopted_from_the_venue_resolves_the_alert_too) {
    position_alerts p;
    ASSERT_TRUE(p.on(event(4, events::position_event_kind::unprotected, "no instrument rules")));
    auto found = event(4, events::position_event_kind::stop_adopted, "stop found on the venue");
    found.stop_price = core::decimal::from_string("2900.00");
    const auto back = p.on(found);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->resolved);
    EXPECT_EQ(back->kind, alert_kind::unprotected_position);
    EXPECT_EQ(back->text, "binance BTCUSDT (position 4) is protected again: a stop is on the venue at 2900");
    // Without a problem reported first, an adopted stop is no alert at all.
    EXPECT_FALSE(p.on(event(5, events::position_event_kind::stop_adopted)));
}

TEST(position_alerts, a_stop_restored_without_a_reported_problem_is_the_one_alert_it_always_was) {
    position_alerts p;
    const auto a = p.on(event(3, events::position_event_kind::stop_restored));
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->resolved);
    EXPECT_EQ(a->text, "binance BTCUSDT (position 3) had no stop on the venue; a stop was placed again");
    EXPECT_TRUE(a->subject.empty()) << "nothing to resolve later";
}

TEST(position_alerts, a_failed_stop_is_resolved_by_the_close_and_by_the_venue_trailing_stop) {
    position_alerts p;
    ASSERT_TRUE(p.on(event(5, events::position_event_kind::stop_failed, "closing at market")));
    const auto closed = p.on(event(5, events::position_event_kind::closed, "stop_crossed"));
    ASSERT_TRUE(closed);
    EXPECT_TRUE(closed->resolved);
    EXPECT_EQ(closed->kind, alert_kind::stop_failed);
    EXPECT_EQ(closed->text, "binance BTCUSDT (position 5) is closed (stop_crossed): no longer at risk");

    ASSERT_TRUE(p.on(event(6, events::position_event_kind::stop_failed, "left unprotected")));
    ASSERT_TRUE(p.on(event(6, events::position_event_kind::unprotected, "no rules")));
    const auto trailing = p.on(event(6, events::position_event_kind::trailing_restored));
    ASSERT_TRUE(trailing);
    EXPECT_TRUE(trailing->resolved);
    EXPECT_EQ(trailing->kind, alert_kind::unprotected_position) << "the kind of the latest problem alert";
    EXPECT_EQ(trailing->text, "binance BTCUSDT (position 6) is protected again: the venue's trailing stop is live");
    // Events that say nothing about a stop leave a position at risk.
    ASSERT_TRUE(p.on(event(9, events::position_event_kind::unprotected)));
    EXPECT_FALSE(p.on(event(9, events::position_event_kind::open_unresolved)));
    EXPECT_FALSE(p.on(event(9, events::position_event_kind::adopted)));
    EXPECT_TRUE(p.on(event(9, events::position_event_kind::closed)));
}

}  // namespace
}  // namespace tradebot::alerts
