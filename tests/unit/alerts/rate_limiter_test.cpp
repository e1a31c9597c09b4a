#include "tradebot/alerts/rate_limiter.hpp"

#include <gtest/gtest.h>

#include "tradebot/core/clock.hpp"

namespace tradebot::alerts {
namespace {

using namespace std::chrono_literals;

alert make(alert_kind k, std::string text) { return alert{.kind = k, .text = std::move(text), .ts = {}}; }

class rate_limiter_test : public ::testing::Test {
protected:
    [[nodiscard]] rate_limiter::time_point now() const { return clock_.steady_now(); }
    core::manual_clock clock_;
};

TEST_F(rate_limiter_test, one_alert_per_kind_per_interval_and_the_next_says_how_many_were_held) {
    rate_limiter limiter{rate_limits{.per_kind_interval = 60s, .max_per_minute = 100}};
    const auto first = limiter.admit(make(alert_kind::stop_failed, "a"), now());
    ASSERT_TRUE(first);
    EXPECT_EQ(first->text, "a");
    clock_.advance(10s);
    EXPECT_FALSE(limiter.admit(make(alert_kind::stop_failed, "b"), now()));
    clock_.advance(10s);
    EXPECT_FALSE(limiter.admit(make(alert_kind::stop_failed, "c"), now()));
    // Another kind has its own interval.
    EXPECT_TRUE(limiter.admit(make(alert_kind::kill_switch, "k"), now()));
    EXPECT_EQ(limiter.suppressed_total(), 2U);
    EXPECT_TRUE(limiter.pending());
    clock_.advance(40s);  // 60 s after "a"
    const auto next = limiter.admit(make(alert_kind::stop_failed, "d"), now());
    ASSERT_TRUE(next);
    EXPECT_EQ(next->text, "d\n(2 more stop_failed alerts suppressed by the rate limit in the last 50 s)");
    EXPECT_FALSE(limiter.pending());
    // The count starts again after it was reported.
    clock_.advance(60s);
    const auto later = limiter.admit(make(alert_kind::stop_failed, "e"), now());
    ASSERT_TRUE(later);
    EXPECT_EQ(later->text, "e");
}

TEST_F(rate_limiter_test, suppressed_alerts_no_later_one_carries_come_out_as_a_summary_once_the_interval_passed) {
    rate_limiter limiter{rate_limits{.per_kind_interval = 30s, .max_per_minute = 100}};
    ASSERT_TRUE(limiter.admit(make(alert_kind::unprotected_position, "p1"), now()));
    clock_.advance(1s);
    EXPECT_FALSE(limiter.admit(make(alert_kind::unprotected_position, "p2"), now()));
    EXPECT_TRUE(limiter.due(now()).empty()) << "not before the interval";
    clock_.advance(28s);
    EXPECT_TRUE(limiter.due(now()).empty());
    clock_.advance(1s);
    auto single = limiter.due(now());
    ASSERT_EQ(single.size(), 1U);
    EXPECT_EQ(single[0].kind, alert_kind::unprotected_position);
    EXPECT_EQ(single[0].text, "p2") << "one held alert is sent as it was";
    EXPECT_FALSE(limiter.pending());

    clock_.advance(5s);
    EXPECT_FALSE(limiter.admit(make(alert_kind::unprotected_position, "p3"), now()));
    clock_.advance(5s);
    EXPECT_FALSE(limiter.admit(make(alert_kind::unprotected_position, "p4"), now()));
    clock_.advance(5s);
    EXPECT_FALSE(limiter.admit(make(alert_kind::unprotected_position, "p5"), now()));
    clock_.advance(15s);
    auto summary = limiter.due(now());
    ASSERT_EQ(summary.size(), 1U);
    EXPECT_EQ(summary[0].text, "p5\n(2 more unprotected_position alerts suppressed by the rate limit in the last 25 s)");
    EXPECT_TRUE(limiter.due(now()).empty()) << "reported once";
}

TEST_F(rate_limiter_test, the_global_cap_holds_every_kind_over_a_sliding_minute) {
    rate_limiter limiter{rate_limits{.per_kind_interval = 0s, .max_per_minute = 2}};
    EXPECT_TRUE(limiter.admit(make(alert_kind::stop_failed, "1"), now()));
    clock_.advance(20s);
    EXPECT_TRUE(limiter.admit(make(alert_kind::kill_switch, "2"), now()));
    clock_.advance(20s);
    EXPECT_FALSE(limiter.admit(make(alert_kind::shutdown, "3"), now()));
    EXPECT_FALSE(limiter.admit(make(alert_kind::stop_failed, "4"), now()));
    EXPECT_TRUE(limiter.due(now()).empty()) << "the minute's budget is spent";
    clock_.advance(20s);  // 60 s after "1": one slot free again
    auto freed = limiter.due(now());
    ASSERT_EQ(freed.size(), 1U);
    EXPECT_EQ(freed[0].text, "4");
    EXPECT_TRUE(limiter.pending()) << "the shutdown alert still waits for a slot";
    clock_.advance(20s);
    freed = limiter.due(now());
    ASSERT_EQ(freed.size(), 1U);
    EXPECT_EQ(freed[0].kind, alert_kind::shutdown);
    EXPECT_FALSE(limiter.pending());
}

TEST_F(rate_limiter_test, without_a_per_kind_interval_a_burst_of_one_kind_passes_up_to_the_cap) {
    rate_limiter limiter{rate_limits{.per_kind_interval = 0s, .max_per_minute = 3}};
    int passed = 0;
    for (int i = 0; i < 10; ++i) {
        passed += limiter.admit(make(alert_kind::stop_failed, std::to_string(i)), now()) ? 1 : 0;
    }
    EXPECT_EQ(passed, 3);
    EXPECT_EQ(limiter.suppressed_total(), 7U);
    clock_.advance(60s);
    const auto next = limiter.admit(make(alert_kind::stop_failed, "x"), now());
    ASSERT_TRUE(next);
    EXPECT_EQ(next->text, "x\n(7 more stop_failed alerts suppressed by the rate limit in the last 60 s)");
}

alert about(alert_kind k, std::string subject, bool resolved, std::string text) {
    return alert{.kind = k, .text = std::move(text), .ts = {}, .subject = std::move(subject), .resolved = resolved};
}

TEST_F(rate_limiter_test, the_resolution_of_a_problem_that_went_out_goes_out_at_once_and_others_wait) {
    rate_limiter limiter{rate_limits{.per_kind_interval = 300s, .max_per_minute = 100}};
    ASSERT_TRUE(limiter.admit(about(alert_kind::venue_down, "binance REST API", false, "down"), now()));
    clock_.advance(20s);
    // Within the kind's interval, but its problem alert went out: the operator hears it is over.
    const auto back = limiter.admit(about(alert_kind::venue_down, "binance REST API", true, "back"), now());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->text, "back");
    clock_.advance(20s);
    // The same subject down again: the interval holds it (a flapping venue gives few messages) ...
    EXPECT_FALSE(limiter.admit(about(alert_kind::venue_down, "binance REST API", false, "down again"), now()));
    // ... and so its resolution, which no announced problem stands behind.
    EXPECT_FALSE(limiter.admit(about(alert_kind::venue_down, "binance REST API", true, "back again"), now()));
    // Another subject's resolution never skips the interval either.
    EXPECT_FALSE(limiter.admit(about(alert_kind::venue_down, "bybit REST API", true, "bybit back"), now()));
    clock_.advance(280s);  // 300 s after the resolution was sent
    auto summary = limiter.due(now());
    ASSERT_EQ(summary.size(), 1U);
    EXPECT_TRUE(summary[0].resolved) << "the summary carries the newest state";
    EXPECT_EQ(summary[0].text,
              "bybit back\n(2 more venue_down alerts suppressed by the rate limit in the last 280 s)");
}

TEST_F(rate_limiter_test, a_resolution_still_counts_against_the_minute_budget) {
    rate_limiter limiter{rate_limits{.per_kind_interval = 300s, .max_per_minute = 2}};
    ASSERT_TRUE(limiter.admit(about(alert_kind::unprotected_position, "position 1", false, "bare"), now()));
    ASSERT_TRUE(limiter.admit(make(alert_kind::stop_failed, "other"), now()));
    EXPECT_FALSE(limiter.admit(about(alert_kind::unprotected_position, "position 1", true, "stop again"), now()));
    clock_.advance(60s);
    auto freed = limiter.due(now());
    ASSERT_EQ(freed.size(), 0U) << "the kind's interval holds the summary of a resolution not yet sent";
    // A later resolution of the same announced subject (still open: its resolution never went out) passes.
    const auto again = limiter.admit(about(alert_kind::unprotected_position, "position 1", true, "stop again"), now());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->text, "stop again\n(1 more unprotected_position alert suppressed by the rate limit in the last 60 s)");
}

}  // namespace
}  // namespace tradebot::alerts
