#include "tradebot/protection/aged_policy.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "unit/protection/protection_test_support.hpp"

namespace tradebot::protection {
namespace {

using namespace core::literals;
using namespace std::chrono_literals;
using core::decimal;
using core::position_side;

// Defaults: max age 3 h, grace 8 h, step 0.5 %/h, max loss 10 %, acceleration 1.2 after 10 h;
// commission 0.05 % so breakeven is entry x (1 +/- 0.001).
class aged_policy_test : public ::testing::Test {
protected:
    core::manual_clock clock_;
    aged_policy policy_{config::aged_settings{}, "0.05"_d};

    aged_decision at(std::chrono::seconds age, position_side s, const char* mark, bool trailing = false) const {
        return policy_.evaluate(aged_inputs{.side = s,
                                            .entry_price = "100"_d,
                                            .opened_at = clock_.now() - age,
                                            .now = clock_.now(),
                                            .mark_price = decimal::from_string(mark),
                                            .trailing_active = trailing});
    }
    aged_target target(std::chrono::seconds age, position_side s = position_side::long_) const {
        return policy_.target_at(s, "100"_d, clock_.now() - age, clock_.now());
    }

    static aged_decision hold(aged_hold_reason r, aged_phase p, std::optional<decimal> t) { return aged_hold{r, p, t}; }
    static aged_decision close(aged_close_reason r, aged_phase p, std::optional<decimal> t) {
        return aged_close{r, p, t};
    }
};

TEST_F(aged_policy_test, younger_than_max_age_is_not_aged) {
    EXPECT_EQ(at(3h - 1s, position_side::long_, "150"), hold(aged_hold_reason::not_aged, aged_phase::none, {}));
}

TEST_F(aged_policy_test, grace_starts_exactly_at_max_age_with_breakeven_target) {
    EXPECT_EQ(at(3h, position_side::long_, "100"),
              hold(aged_hold_reason::waiting_for_target, aged_phase::grace, "100.1"_d));
    EXPECT_EQ(at(3h, position_side::short_, "100"),
              hold(aged_hold_reason::waiting_for_target, aged_phase::grace, "99.9"_d));
}

TEST_F(aged_policy_test, grace_closes_at_breakeven_long) {
    EXPECT_EQ(at(5h, position_side::long_, "100.1"), close(aged_close_reason::aged_breakeven, aged_phase::grace, "100.1"_d));
    EXPECT_EQ(at(5h, position_side::long_, "100.05"), close(aged_close_reason::aged_profit, aged_phase::grace, "100.1"_d));
    EXPECT_EQ(at(5h, position_side::long_, "99.99"),
              hold(aged_hold_reason::waiting_for_target, aged_phase::grace, "100.1"_d));
}

TEST_F(aged_policy_test, grace_closes_at_breakeven_short) {
    EXPECT_EQ(at(5h, position_side::short_, "99.9"), close(aged_close_reason::aged_breakeven, aged_phase::grace, "99.9"_d));
    EXPECT_EQ(at(5h, position_side::short_, "99.95"), close(aged_close_reason::aged_profit, aged_phase::grace, "99.9"_d));
    EXPECT_EQ(at(5h, position_side::short_, "100.01"),
              hold(aged_hold_reason::waiting_for_target, aged_phase::grace, "99.9"_d));
}

TEST_F(aged_policy_test, grace_lasts_until_the_last_second) {
    EXPECT_EQ(target(11h - 1s).phase, aged_phase::grace);
    EXPECT_EQ(target(11h), (aged_target{aged_phase::progressive, "0"_d, "100"_d}));
}

TEST_F(aged_policy_test, progressive_starts_at_zero_tolerance) {
    // At the grace end the target is entry: a flat position closes, a losing one waits.
    EXPECT_EQ(at(11h, position_side::long_, "100"), close(aged_close_reason::aged_graded, aged_phase::progressive, "100"_d));
    EXPECT_EQ(at(11h, position_side::long_, "99.99"),
              hold(aged_hold_reason::waiting_for_target, aged_phase::progressive, "100"_d));
}

TEST_F(aged_policy_test, one_hour_past_grace_tolerates_one_step) {
    EXPECT_EQ(target(12h), (aged_target{aged_phase::progressive, "0.5"_d, "99.5"_d}));
    EXPECT_EQ(target(12h, position_side::short_), (aged_target{aged_phase::progressive, "0.5"_d, "100.5"_d}));
    EXPECT_EQ(at(12h, position_side::long_, "99.5"), close(aged_close_reason::aged_graded, aged_phase::progressive, "99.5"_d));
    EXPECT_EQ(at(12h, position_side::long_, "99.49"),
              hold(aged_hold_reason::waiting_for_target, aged_phase::progressive, "99.5"_d));
    EXPECT_EQ(at(12h, position_side::short_, "100.5"),
              close(aged_close_reason::aged_graded, aged_phase::progressive, "100.5"_d));
    EXPECT_EQ(at(12h, position_side::short_, "100.51"),
              hold(aged_hold_reason::waiting_for_target, aged_phase::progressive, "100.5"_d));
}

TEST_F(aged_policy_test, tolerance_grows_continuously_within_the_hour) {
    EXPECT_EQ(target(11h + 30min), (aged_target{aged_phase::progressive, "0.25"_d, "99.75"_d}));
    // One second: 0.5 / 3600 = 0.000138888..., rounded down to 8 decimals.
    EXPECT_EQ(target(11h + 1s), (aged_target{aged_phase::progressive, "0.00013888"_d, "99.99986112"_d}));
}

TEST_F(aged_policy_test, acceleration_applies_after_ten_hours_past_grace) {
    EXPECT_EQ(target(21h), (aged_target{aged_phase::progressive, "5"_d, "95"_d}));
    // Hour 11 costs 0.5 x 1.2 = 0.6.
    EXPECT_EQ(target(22h), (aged_target{aged_phase::progressive, "5.6"_d, "94.4"_d}));
}

TEST_F(aged_policy_test, without_acceleration_full_tolerance_is_reached_after_twenty_hours) {
    config::aged_settings linear;
    linear.acceleration_factor = "1"_d;
    const aged_policy p{linear, "0.05"_d};
    const auto now = clock_.now();
    EXPECT_EQ(p.target_at(position_side::long_, "100"_d, now - 31h, now),
              (aged_target{aged_phase::progressive, "10"_d, "90"_d}));
    EXPECT_EQ(p.target_at(position_side::long_, "100"_d, now - 31h - 1s, now).phase, aged_phase::expired);
}

TEST_F(aged_policy_test, max_tolerance_is_the_last_target_then_close_at_market) {
    // 10 h x 0.5 + 8 h 20 min x 0.6 = 10 %: reached 18 h 20 min past grace = age 29 h 20 min.
    const auto full = 29h + 20min;
    EXPECT_EQ(target(full), (aged_target{aged_phase::progressive, "10"_d, "90"_d}));
    EXPECT_EQ(at(full, position_side::long_, "89.99"),
              hold(aged_hold_reason::waiting_for_target, aged_phase::progressive, "90"_d));
    EXPECT_EQ(at(full + 1s, position_side::long_, "80"), close(aged_close_reason::aged_max, aged_phase::expired, {}));
    EXPECT_EQ(at(full + 1s, position_side::short_, "120"), close(aged_close_reason::aged_max, aged_phase::expired, {}));
}

TEST_F(aged_policy_test, profit_closes_in_the_progressive_phase) {
    EXPECT_EQ(at(15h, position_side::long_, "100.01"),
              close(aged_close_reason::aged_profit, aged_phase::progressive, "98"_d));
    EXPECT_EQ(at(15h, position_side::short_, "99.99"),
              close(aged_close_reason::aged_profit, aged_phase::progressive, "102"_d));
}

TEST_F(aged_policy_test, active_trailing_stop_is_left_alone) {
    // §11 #32: in profit, and even expired, the trailing stop owns the exit.
    EXPECT_EQ(at(5h, position_side::long_, "101.51", true),
              hold(aged_hold_reason::trailing_active, aged_phase::grace, "100.1"_d));
    EXPECT_EQ(at(40h, position_side::long_, "90", true), hold(aged_hold_reason::trailing_active, aged_phase::expired, {}));
}

TEST_F(aged_policy_test, disabled_never_closes) {
    config::aged_settings off;
    off.enabled = false;
    const aged_policy p{off, "0.05"_d};
    const auto now = clock_.now();
    EXPECT_EQ(p.evaluate(aged_inputs{.side = position_side::long_,
                                     .entry_price = "100"_d,
                                     .opened_at = now - 100h,
                                     .now = now,
                                     .mark_price = "120"_d,
                                     .trailing_active = false}),
              hold(aged_hold_reason::disabled, aged_phase::none, {}));
}

TEST_F(aged_policy_test, bad_mark_price_holds) {
    EXPECT_EQ(at(40h, position_side::long_, "0"), hold(aged_hold_reason::bad_price, aged_phase::none, {}));
    EXPECT_EQ(at(5h, position_side::short_, "-1"), hold(aged_hold_reason::bad_price, aged_phase::none, {}));
}

TEST_F(aged_policy_test, commission_sets_the_breakeven_distance) {
    const aged_policy p{config::aged_settings{}, "0.1"_d};
    const auto now = clock_.now();
    EXPECT_EQ(p.target_at(position_side::long_, "250"_d, now - 4h, now).target, "250.5"_d);
    EXPECT_EQ(p.target_at(position_side::short_, "250"_d, now - 4h, now).target, "249.5"_d);
}

}  // namespace
}  // namespace tradebot::protection
