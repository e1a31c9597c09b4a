// The instance's view of its lease, driven by core::manual_clock: when it trades, when it must
// stop, when it asks again.
#include <chrono>

#include <gtest/gtest.h>

#include "tradebot/app/lease_tracker.hpp"
#include "tradebot/core/clock.hpp"

namespace tradebot::app {
namespace {

using std::chrono::milliseconds;

constexpr lease_timing five_seconds{milliseconds{5000}, milliseconds{1000}};

TEST(LeaseTrackerTest, StartsAsStandbyWithoutAToken) {
    const lease_tracker t{five_seconds};
    EXPECT_EQ(t.role(), instance_role::standby);
    EXPECT_EQ(t.token(), 0);
    EXPECT_EQ(to_string(t.role()), "standby");
}

TEST(LeaseTrackerTest, AGrantMakesItActiveUntilTheSendTimePlusDurationLessTheMargin) {
    core::manual_clock clock;
    lease_tracker t{five_seconds};
    const auto sent = clock.steady_now();
    clock.advance(milliseconds{300});  // the answer took 300 ms: the deadline still counts from the send
    t.granted(7, sent);
    EXPECT_EQ(t.role(), instance_role::active);
    EXPECT_EQ(to_string(t.role()), "active");
    EXPECT_EQ(t.token(), 7);
    EXPECT_EQ(t.margin(), milliseconds{500});
    EXPECT_EQ(t.deadline(), sent + milliseconds{4500});
}

TEST(LeaseTrackerTest, AnActiveThatCannotRenewStopsBeforeTheDatabaseCouldHandTheLeaseOn) {
    core::manual_clock clock;
    lease_tracker t{five_seconds};
    t.granted(3, clock.steady_now());
    clock.advance(milliseconds{4499});
    EXPECT_FALSE(t.check_expiry(clock.steady_now()));
    EXPECT_EQ(t.role(), instance_role::active);
    clock.advance(milliseconds{1});
    EXPECT_TRUE(t.check_expiry(clock.steady_now()));
    EXPECT_EQ(t.role(), instance_role::standby);
    // Demoted once: the next check says nothing new.
    clock.advance(milliseconds{1000});
    EXPECT_FALSE(t.check_expiry(clock.steady_now()));
}

TEST(LeaseTrackerTest, EachRenewalMovesTheDeadline) {
    core::manual_clock clock;
    lease_tracker t{five_seconds};
    t.granted(4, clock.steady_now());
    for (int i = 0; i < 10; ++i) {
        clock.advance(milliseconds{1000});
        t.granted(4, clock.steady_now());
        EXPECT_FALSE(t.check_expiry(clock.steady_now()));
    }
    EXPECT_EQ(t.deadline(), clock.steady_now() + milliseconds{4500});
}

TEST(LeaseTrackerTest, ALateAnswerToAnOlderRenewalDoesNotExtendTheDeadline) {
    core::manual_clock clock;
    lease_tracker t{five_seconds};
    const auto first = clock.steady_now();
    clock.advance(milliseconds{1000});
    const auto second = clock.steady_now();
    t.granted(5, second);
    t.granted(5, first);  // answered out of order
    EXPECT_EQ(t.deadline(), second + milliseconds{4500});
}

TEST(LeaseTrackerTest, LosingTheLeaseDemotesAtOnceAndANewGrantCarriesTheNewToken) {
    core::manual_clock clock;
    lease_tracker t{five_seconds};
    t.granted(8, clock.steady_now());
    t.lost();
    EXPECT_EQ(t.role(), instance_role::standby);
    EXPECT_FALSE(t.check_expiry(clock.steady_now() + milliseconds{10'000}));
    t.granted(9, clock.steady_now());
    EXPECT_EQ(t.role(), instance_role::active);
    EXPECT_EQ(t.token(), 9);
}

TEST(LeaseTrackerTest, AnActiveRenewsOneIntervalAfterItsLastGrantWasSent) {
    core::manual_clock clock;
    lease_tracker t{five_seconds};
    const auto sent = clock.steady_now();
    t.granted(1, sent);
    clock.advance(milliseconds{40});
    EXPECT_EQ(t.next_attempt(clock.steady_now(), 5000), sent + milliseconds{1000});
    // Already late (a slow answer): right away, but not in a busy loop.
    clock.advance(milliseconds{2000});
    EXPECT_EQ(t.next_attempt(clock.steady_now(), 5000), clock.steady_now() + milliseconds{10});
}

TEST(LeaseTrackerTest, AStandbyAsksAgainWhenTheHoldersLeaseRunsOutButAtLeastEveryInterval) {
    core::manual_clock clock;
    const lease_tracker t{five_seconds};
    const auto now = clock.steady_now();
    EXPECT_EQ(t.next_attempt(now, 300), now + milliseconds{310});
    EXPECT_EQ(t.next_attempt(now, 4000), now + milliseconds{1000});
    EXPECT_EQ(t.next_attempt(now, -50), now + milliseconds{10});
}

}  // namespace
}  // namespace tradebot::app
