#include "tradebot/exchange/time_sync.hpp"

#include <gtest/gtest.h>

namespace tradebot::exchange {
namespace {

using namespace std::chrono_literals;

// The venue's clock runs `ahead` of the local wall clock; a request takes `up` to arrive and
// `down` to come back. Returns whether the sample was accepted.
bool sample(time_sync& ts, core::manual_clock& clock, std::chrono::milliseconds ahead, std::chrono::milliseconds up,
            std::chrono::milliseconds down) {
    const auto sent = clock.steady_now();
    clock.advance(up);
    const std::int64_t server = clock.now_ms() + ahead.count();
    clock.advance(down);
    return ts.add_sample(sent, server, clock.steady_now());
}

TEST(time_sync, before_any_sample_it_uses_the_local_clock_and_wants_a_sync) {
    core::manual_clock clock;
    time_sync ts{clock};
    EXPECT_FALSE(ts.synced());
    EXPECT_TRUE(ts.needs_resync());
    EXPECT_EQ(ts.venue_now_ms(), clock.now_ms());
    EXPECT_FALSE(ts.uncertainty());
}

TEST(time_sync, symmetric_delay_gives_the_exact_offset) {
    core::manual_clock clock;
    time_sync ts{clock};
    ASSERT_TRUE(sample(ts, clock, 1500ms, 40ms, 40ms));
    EXPECT_EQ(ts.wall_offset(), 1500ms);
    EXPECT_EQ(ts.venue_now_ms(), clock.now_ms() + 1500);
    EXPECT_EQ(ts.uncertainty(), 40ms);
    EXPECT_FALSE(ts.needs_resync());
    clock.advance(10s);
    EXPECT_EQ(ts.venue_now_ms(), clock.now_ms() + 1500);
}

TEST(time_sync, asymmetric_delay_errs_by_at_most_half_the_rtt) {
    core::manual_clock clock;
    time_sync ts{clock};
    ASSERT_TRUE(sample(ts, clock, -700ms, 10ms, 190ms));
    // Midpoint assumes 100/100: the venue actually read its clock 90 ms earlier than assumed.
    EXPECT_EQ(ts.wall_offset(), -790ms);
    EXPECT_LE(std::chrono::abs(ts.wall_offset() - (-700ms)), *ts.uncertainty());
}

TEST(time_sync, the_fastest_recent_sample_wins) {
    core::manual_clock clock;
    time_sync ts{clock};
    ASSERT_TRUE(sample(ts, clock, 0ms, 10ms, 390ms));  // slow, skewed: estimate -190
    ASSERT_TRUE(sample(ts, clock, 0ms, 5ms, 5ms));     // fast: estimate 0
    ASSERT_TRUE(sample(ts, clock, 0ms, 300ms, 10ms));  // slow the other way: estimate +145
    EXPECT_EQ(ts.wall_offset(), 0ms);
    EXPECT_EQ(ts.uncertainty(), 5ms);
    EXPECT_EQ(ts.sample_count(), 3U);
}

TEST(time_sync, old_fast_samples_lose_to_fresh_ones_as_drift_accumulates) {
    core::manual_clock clock;
    time_sync_options o;
    o.max_drift_ppm = 100;  // 100 us per second of age
    time_sync ts{clock, o};
    ASSERT_TRUE(sample(ts, clock, 0ms, 1ms, 1ms));  // bound 1 ms now
    clock.advance(1000s);                           // bound 1 + 100 ms
    ASSERT_TRUE(sample(ts, clock, 250ms, 25ms, 25ms));  // bound 25 ms: wins, venue moved 250 ms
    EXPECT_EQ(ts.wall_offset(), 250ms);
    EXPECT_EQ(ts.uncertainty(), 25ms);
}

TEST(time_sync, only_the_last_n_samples_are_kept) {
    core::manual_clock clock;
    time_sync_options o;
    o.window = 2;
    time_sync ts{clock, o};
    ASSERT_TRUE(sample(ts, clock, 0ms, 1ms, 1ms));
    ASSERT_TRUE(sample(ts, clock, 100ms, 50ms, 50ms));
    ASSERT_TRUE(sample(ts, clock, 200ms, 60ms, 60ms));
    EXPECT_EQ(ts.sample_count(), 2U);
    EXPECT_EQ(ts.wall_offset(), 100ms);  // the 1 ms sample fell out of the window
}

TEST(time_sync, slow_or_impossible_samples_are_rejected) {
    core::manual_clock clock;
    time_sync ts{clock};
    EXPECT_FALSE(sample(ts, clock, 0ms, 1500ms, 1500ms));  // rtt above max_rtt
    const auto t = clock.steady_now();
    EXPECT_FALSE(ts.add_sample(t, clock.now_ms(), t - 1ms));  // received before sent
    EXPECT_EQ(ts.rejected_samples(), 2U);
    EXPECT_FALSE(ts.synced());
}

TEST(time_sync, a_wall_clock_step_does_not_move_venue_time) {
    core::manual_clock clock;
    time_sync ts{clock};
    ASSERT_TRUE(sample(ts, clock, 0ms, 10ms, 10ms));
    const auto before = ts.venue_now_ms();
    clock.set(clock.now() + 5s);  // NTP steps the host's wall clock
    EXPECT_EQ(ts.venue_now_ms(), before);
    EXPECT_EQ(ts.wall_offset(), -5000ms);
}

TEST(time_sync, clock_skew_forces_a_resync_and_drops_old_samples) {
    core::manual_clock clock;
    time_sync ts{clock};
    ASSERT_TRUE(sample(ts, clock, 0ms, 10ms, 10ms));
    EXPECT_FALSE(ts.needs_resync());
    ts.on_clock_skew();
    EXPECT_TRUE(ts.needs_resync());
    EXPECT_EQ(ts.skew_events(), 1U);
    EXPECT_EQ(ts.sample_count(), 0U);
    ASSERT_TRUE(sample(ts, clock, 3000ms, 10ms, 10ms));
    EXPECT_FALSE(ts.needs_resync());
    EXPECT_EQ(ts.wall_offset(), 3000ms);
}

TEST(time_sync, resync_is_due_after_the_interval_or_when_uncertainty_grows) {
    core::manual_clock clock;
    time_sync_options o;
    o.resync_interval = 30min;
    o.max_uncertainty = 100ms;
    o.max_drift_ppm = 1;  // 29 min of age add under 2 ms: only the interval matters here
    time_sync ts{clock, o};
    ASSERT_TRUE(sample(ts, clock, 0ms, 10ms, 10ms));
    clock.advance(29min);
    EXPECT_FALSE(ts.needs_resync());
    clock.advance(2min);
    EXPECT_TRUE(ts.needs_resync());

    o.max_drift_ppm = 100;
    time_sync ts2{clock, o};
    ASSERT_TRUE(sample(ts2, clock, 0ms, 80ms, 80ms));  // bound 80 ms
    clock.advance(100s);                               // + 10 ms drift = 90 ms
    EXPECT_FALSE(ts2.needs_resync());
    clock.advance(200s);  // + 30 ms = 110 ms
    EXPECT_TRUE(ts2.needs_resync());
}

}  // namespace
}  // namespace tradebot::exchange
