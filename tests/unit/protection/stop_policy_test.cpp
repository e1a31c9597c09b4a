#include "tradebot/protection/stop_policy.hpp"

#include <gtest/gtest.h>

#include "unit/protection/protection_test_support.hpp"

namespace tradebot::protection {
namespace {

using namespace core::literals;
using core::position_side;
using core::side;

class stop_policy_test : public ::testing::Test {
protected:
    stop_policy policy_{config::stop_loss_settings{}};  // 2 %, margin 0.5 %, max deviation 50 %
    exchange::instrument_rules rules_ = test::cent_rules();

    static stop_inputs in(position_side s, const char* entry, const char* mark, int attempt = 0) {
        return stop_inputs{.side = s,
                           .entry_price = core::decimal::from_string(entry),
                           .mark_price = core::decimal::from_string(mark),
                           .attempt = attempt,
                           .percent = std::nullopt,
                           .last_stop = std::nullopt};
    }

    static place_stop placed(const stop_decision& d) {
        EXPECT_TRUE(std::holds_alternative<place_stop>(d));
        return std::holds_alternative<place_stop>(d) ? std::get<place_stop>(d) : place_stop{};
    }

    static stop_refused refused(const stop_decision& d) {
        EXPECT_TRUE(std::holds_alternative<stop_refused>(d));
        return std::holds_alternative<stop_refused>(d) ? std::get<stop_refused>(d) : stop_refused{};
    }
};

TEST_F(stop_policy_test, long_stop_is_below_the_fill_price) {
    const auto p = placed(policy_.initial_stop(rules_, in(position_side::long_, "100", "100")));
    EXPECT_EQ(p.trigger, "98.00"_d);
    EXPECT_EQ(p.basis, stop_basis::entry);
    EXPECT_EQ(p.base_price, "100"_d);
    EXPECT_EQ(p.distance_percent, "2.0"_d);
}

TEST_F(stop_policy_test, short_stop_is_above_the_fill_price) {
    const auto p = placed(policy_.initial_stop(rules_, in(position_side::short_, "100", "100")));
    EXPECT_EQ(p.trigger, "102.00"_d);
    EXPECT_EQ(p.basis, stop_basis::entry);
}

TEST_F(stop_policy_test, rounding_goes_towards_the_market_on_each_side) {
    // 10.37 x 0.98 = 10.1626 -> up to 10.17 for a long; 10.37 x 1.02 = 10.5774 -> down for a short.
    EXPECT_EQ(placed(policy_.initial_stop(rules_, in(position_side::long_, "10.37", "10.37"))).trigger, "10.17"_d);
    EXPECT_EQ(placed(policy_.initial_stop(rules_, in(position_side::short_, "10.37", "10.37"))).trigger, "10.57"_d);
}

TEST_F(stop_policy_test, per_position_percent_overrides_the_setting) {
    auto request = in(position_side::long_, "100", "100");
    request.percent = "5"_d;
    const auto p = placed(policy_.initial_stop(rules_, request));
    EXPECT_EQ(p.trigger, "95.00"_d);
    EXPECT_EQ(p.distance_percent, "5"_d);
}

TEST_F(stop_policy_test, long_stop_crossed_by_the_mark_is_rebased_on_the_mark) {
    // §11 #10: the entry-based 98 is above the mark 97.5; the stop goes 2 % below the mark.
    const auto p = placed(policy_.initial_stop(rules_, in(position_side::long_, "100", "97.5")));
    EXPECT_EQ(p.trigger, "95.55"_d);
    EXPECT_EQ(p.basis, stop_basis::mark);
    EXPECT_EQ(p.base_price, "97.5"_d);
}

TEST_F(stop_policy_test, short_stop_crossed_by_the_mark_is_rebased_on_the_mark) {
    const auto p = placed(policy_.initial_stop(rules_, in(position_side::short_, "100", "102.5")));
    EXPECT_EQ(p.trigger, "104.55"_d);
    EXPECT_EQ(p.basis, stop_basis::mark);
}

TEST_F(stop_policy_test, stop_within_one_tick_of_the_mark_is_rebased_two_ticks_is_kept) {
    const auto close = placed(policy_.initial_stop(rules_, in(position_side::long_, "100", "98.01")));
    EXPECT_EQ(close.basis, stop_basis::mark);
    EXPECT_EQ(close.trigger, "96.05"_d);  // 98.01 x 0.98 = 96.0498 -> up

    const auto kept = placed(policy_.initial_stop(rules_, in(position_side::long_, "100", "98.02")));
    EXPECT_EQ(kept.basis, stop_basis::entry);
    EXPECT_EQ(kept.trigger, "98.00"_d);
}

TEST_F(stop_policy_test, each_retry_adds_the_safety_margin) {
    // Attempt 1: 2.5 %; from entry 97.50 equals the mark, so from the mark: 97.5 x 0.975 = 95.0625.
    const auto first = placed(policy_.initial_stop(rules_, in(position_side::long_, "100", "97.5", 1)));
    EXPECT_EQ(first.distance_percent, "2.5"_d);
    EXPECT_EQ(first.basis, stop_basis::mark);
    EXPECT_EQ(first.trigger, "95.07"_d);
    // Attempt 2: 3 %; 97.00 is above the mark 96, so 96 x 0.97 = 93.12.
    const auto second = placed(policy_.initial_stop(rules_, in(position_side::long_, "100", "96", 2)));
    EXPECT_EQ(second.distance_percent, "3.0"_d);
    EXPECT_EQ(second.trigger, "93.12"_d);
    // Short, attempt 1 with the mark well away: entry based, 2.5 % above.
    const auto s = placed(policy_.initial_stop(rules_, in(position_side::short_, "100", "100", 1)));
    EXPECT_EQ(s.trigger, "102.50"_d);
    EXPECT_EQ(s.basis, stop_basis::entry);
}

TEST_F(stop_policy_test, mark_beyond_max_deviation_is_bad_price) {
    EXPECT_EQ(refused(policy_.initial_stop(rules_, in(position_side::long_, "100", "150.01"))).reason,
              stop_refusal::bad_price);
    EXPECT_EQ(refused(policy_.initial_stop(rules_, in(position_side::short_, "100", "49.99"))).reason,
              stop_refusal::bad_price);
    // Exactly 50 % is still accepted ("more than" the limit is bad data).
    EXPECT_EQ(placed(policy_.initial_stop(rules_, in(position_side::long_, "100", "150"))).trigger, "98.00"_d);
}

TEST_F(stop_policy_test, non_positive_prices_are_bad_price) {
    EXPECT_EQ(refused(policy_.initial_stop(rules_, in(position_side::long_, "100", "0"))).reason,
              stop_refusal::bad_price);
    EXPECT_EQ(refused(policy_.initial_stop(rules_, in(position_side::short_, "0", "100"))).reason,
              stop_refusal::bad_price);
    EXPECT_EQ(refused(policy_.restore_stop(rules_, in(position_side::long_, "100", "-1"))).reason,
              stop_refusal::bad_price);
}

TEST_F(stop_policy_test, tick_too_coarse_for_the_distance_is_unplaceable) {
    auto coarse = rules_;
    coarse.tick_size = "1"_d;
    coarse.min_price = "1"_d;
    coarse.price_precision = 0;
    // 10 x 0.98 = 9.8 rounds up to 10 = the mark, from entry and from mark alike.
    EXPECT_EQ(refused(policy_.initial_stop(coarse, in(position_side::long_, "10", "10"))).reason,
              stop_refusal::unplaceable);
}

TEST_F(stop_policy_test, distance_of_one_hundred_percent_is_unplaceable) {
    auto request = in(position_side::long_, "100", "100");
    request.percent = "100"_d;
    EXPECT_EQ(refused(policy_.initial_stop(rules_, request)).reason, stop_refusal::unplaceable);
}

TEST_F(stop_policy_test, trigger_failing_an_instrument_filter_is_reported) {
    auto high_floor = rules_;
    high_floor.min_price = "95"_d;
    const auto r = refused(policy_.initial_stop(high_floor, in(position_side::long_, "96", "96")));
    EXPECT_EQ(r.reason, stop_refusal::rejected_by_rules);
    ASSERT_TRUE(r.violation.has_value());
    EXPECT_EQ(*r.violation, exchange::rule_violation::price_below_min);
}

TEST_F(stop_policy_test, restore_without_drift_uses_entry) {
    const auto p = placed(policy_.restore_stop(rules_, in(position_side::long_, "100", "99")));
    EXPECT_EQ(p.basis, stop_basis::entry);
    EXPECT_EQ(p.trigger, "98.00"_d);
    // Exactly the stop percent of drift is not "more than" it.
    EXPECT_EQ(placed(policy_.restore_stop(rules_, in(position_side::long_, "100", "102"))).basis, stop_basis::entry);
}

TEST_F(stop_policy_test, restore_after_favourable_drift_uses_the_mark) {
    const auto l = placed(policy_.restore_stop(rules_, in(position_side::long_, "100", "105")));
    EXPECT_EQ(l.basis, stop_basis::mark);
    EXPECT_EQ(l.trigger, "102.90"_d);
    const auto s = placed(policy_.restore_stop(rules_, in(position_side::short_, "100", "95")));
    EXPECT_EQ(s.basis, stop_basis::mark);
    EXPECT_EQ(s.trigger, "96.90"_d);
}

TEST_F(stop_policy_test, restore_after_adverse_drift_uses_the_mark) {
    const auto p = placed(policy_.restore_stop(rules_, in(position_side::long_, "100", "97")));
    EXPECT_EQ(p.basis, stop_basis::mark);
    EXPECT_EQ(p.trigger, "95.06"_d);
}

TEST_F(stop_policy_test, restore_keeps_a_recorded_stop_tighter_than_its_own) {
    auto i = in(position_side::long_, "100", "101.50");
    i.last_stop = "100.99"_d;  // trailed up
    const auto p = placed(policy_.restore_stop(rules_, i));
    EXPECT_EQ(p.basis, stop_basis::recorded);
    EXPECT_EQ(p.trigger, "100.99"_d);
    auto s = in(position_side::short_, "100", "98");
    s.last_stop = "98.49"_d;
    EXPECT_EQ(placed(policy_.restore_stop(rules_, s)).trigger, "98.49"_d);
}

TEST_F(stop_policy_test, restore_tightens_past_a_looser_recorded_stop) {
    auto i = in(position_side::long_, "100", "105");
    i.last_stop = "98.00"_d;  // the initial stop; the price ran without trailing
    const auto p = placed(policy_.restore_stop(rules_, i));
    EXPECT_EQ(p.basis, stop_basis::mark);
    EXPECT_EQ(p.trigger, "102.90"_d);
}

TEST_F(stop_policy_test, restore_refuses_a_recorded_stop_the_mark_has_crossed) {
    auto i = in(position_side::long_, "100", "100.50");
    i.last_stop = "100.60"_d;
    EXPECT_EQ(refused(policy_.restore_stop(rules_, i)).reason, stop_refusal::crossed);
    i.last_stop = "100.49"_d;  // one tick under the mark: would fire on the next tick
    EXPECT_EQ(refused(policy_.restore_stop(rules_, i)).reason, stop_refusal::crossed);
    i.last_stop = "100.48"_d;
    EXPECT_EQ(placed(policy_.restore_stop(rules_, i)).trigger, "100.48"_d);
    auto s = in(position_side::short_, "100", "99");
    s.last_stop = "98.90"_d;
    EXPECT_EQ(refused(policy_.restore_stop(rules_, s)).reason, stop_refusal::crossed);
}

TEST_F(stop_policy_test, restore_with_bad_mark_places_nothing) {
    EXPECT_EQ(refused(policy_.restore_stop(rules_, in(position_side::long_, "100", "40"))).reason,
              stop_refusal::bad_price);
}

// --- reuse of an existing stop (§4.1, §11 #14) ---

reuse_inputs reuse(position_side s, const char* entry, const char* mark, const char* wanted) {
    return reuse_inputs{.side = s,
                        .entry_price = core::decimal::from_string(entry),
                        .mark_price = core::decimal::from_string(mark),
                        .wanted_trigger = core::decimal::from_string(wanted),
                        .position_quantity = "1.5"_d,
                        .tolerance_percent = "0.1"_d};
}

existing_stop stop(side s, const char* trigger, std::optional<core::decimal> qty = "1.5"_d) {
    return existing_stop{.order_side = s, .trigger = core::decimal::from_string(trigger), .quantity = qty};
}

TEST_F(stop_policy_test, stop_within_tolerance_is_reusable) {
    // 0.1 % of 98 = 0.098.
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::sell, "98.09"), reuse(position_side::long_, "100", "100", "98")),
              reuse_verdict::reusable);
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::sell, "98.10"), reuse(position_side::long_, "100", "100", "98")),
              reuse_verdict::too_far_from_target);
}

TEST_F(stop_policy_test, stale_stop_from_an_old_position_is_not_reused) {
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::sell, "88"), reuse(position_side::long_, "100", "100", "98")),
              reuse_verdict::too_far_from_target);
}

TEST_F(stop_policy_test, stop_of_the_wrong_order_side_is_not_reused) {
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::buy, "98"), reuse(position_side::long_, "100", "100", "98")),
              reuse_verdict::wrong_order_side);
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::sell, "102"), reuse(position_side::short_, "100", "100", "102")),
              reuse_verdict::wrong_order_side);
}

TEST_F(stop_policy_test, stop_on_the_wrong_side_of_entry_or_mark_is_not_reused) {
    // Below the mark but above entry while the wanted stop is below entry.
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::sell, "105"), reuse(position_side::long_, "100", "110", "98")),
              reuse_verdict::wrong_side_of_entry);
    // Above the mark: already crossed.
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::sell, "98"), reuse(position_side::long_, "100", "97.9", "98")),
              reuse_verdict::wrong_side_of_mark);
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::buy, "102"), reuse(position_side::short_, "100", "102", "102")),
              reuse_verdict::wrong_side_of_mark);
}

TEST_F(stop_policy_test, short_stop_at_target_is_reusable) {
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::buy, "102.00"), reuse(position_side::short_, "100", "100", "102")),
              reuse_verdict::reusable);
}

TEST_F(stop_policy_test, quantity_must_match_unless_the_stop_closes_the_position) {
    const auto want = reuse(position_side::long_, "100", "100", "98");
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::sell, "98", "1.0"_d), want), reuse_verdict::quantity_mismatch);
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::sell, "98", std::nullopt), want), reuse_verdict::reusable);
}

TEST_F(stop_policy_test, one_tick_is_always_within_tolerance) {
    // 0.1 % of 1.00 is 0.001, less than the 0.01 tick.
    const auto want = reuse(position_side::long_, "1.05", "1.05", "1.00");
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::sell, "1.01"), want), reuse_verdict::reusable);
    EXPECT_EQ(policy_.stop_is_reusable(rules_, stop(side::sell, "1.02"), want), reuse_verdict::too_far_from_target);
}

}  // namespace
}  // namespace tradebot::protection
