#include "tradebot/protection/trailing_stop.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "unit/protection/protection_test_support.hpp"

namespace tradebot::protection {
namespace {

using namespace core::literals;
using namespace std::chrono_literals;
using core::decimal;
using core::position_side;

// Defaults: activation 1.5 %, callback 0.5 %, interval 30 s, min improvement 0.2 %,
// immediate 1.0 %, peak save every 10 s at >= 0.2 % (or at once at >= 1 %).
class trailing_stop_test : public ::testing::Test {
protected:
    core::manual_clock clock_;
    config::trailing_settings settings_;
    exchange::instrument_rules rules_ = test::cent_rules();

    trailing_stop make(position_side s, const char* initial_stop, std::optional<trailing_snapshot> restored = {},
                       decimal callback = "0.5"_d) {
        return trailing_stop{trailing_params{.side = s,
                                             .entry_price = "100"_d,
                                             .activation_percent = "1.5"_d,
                                             .callback_percent = callback,
                                             .initial_stop = decimal::from_string(initial_stop)},
                             settings_, rules_, restored};
    }

    static trailing_decision moved(decimal trigger, move_reason reason) { return move_stop{trigger, reason}; }
    static trailing_decision closed(decimal trigger, decimal mark) { return close_now{trigger, mark}; }

    trailing_decision tick(trailing_stop& ts, const char* mark) {
        return ts.on_price(decimal::from_string(mark), clock_.now());
    }

    // An active long trailing stop at 101.00 (peak 101.5), confirmed at the current time.
    trailing_stop active_long() {
        auto ts = make(position_side::long_, "98");
        EXPECT_EQ(tick(ts, "101.5"), moved("101.00"_d, move_reason::activation));
        EXPECT_TRUE(ts.confirm_move("101.00"_d, clock_.now()));
        return ts;
    }
};

TEST_F(trailing_stop_test, activation_price_follows_the_side) {
    EXPECT_EQ(make(position_side::long_, "98").activation_price(), "101.5"_d);
    EXPECT_EQ(make(position_side::short_, "102").activation_price(), "98.5"_d);
}

TEST_F(trailing_stop_test, below_the_activation_price_nothing_happens) {
    auto ts = make(position_side::long_, "98");
    EXPECT_EQ(tick(ts, "100.1"), trailing_decision{no_action{}});
    EXPECT_EQ(tick(ts, "99"), trailing_decision{no_action{}});
    EXPECT_EQ(ts.phase(), trailing_phase::inactive);
    EXPECT_EQ(ts.current_stop(), "98"_d);
}

TEST_F(trailing_stop_test, long_activates_exactly_at_the_threshold) {
    auto ts = make(position_side::long_, "98");
    // 101.5 x 0.995 = 100.9925, rounded up (towards the market) to 101.00.
    EXPECT_EQ(tick(ts, "101.5"), moved("101.00"_d, move_reason::activation));
    EXPECT_EQ(ts.phase(), trailing_phase::inactive);  // not before the venue confirms
    EXPECT_EQ(ts.current_stop(), "98"_d);
    const auto t = clock_.now();
    EXPECT_TRUE(ts.confirm_move("101.00"_d, t));
    EXPECT_EQ(ts.phase(), trailing_phase::active);
    EXPECT_EQ(ts.current_stop(), "101.00"_d);
    EXPECT_EQ(ts.snapshot(), (trailing_snapshot{.trailing_activated = true,
                                                .trailing_activated_at = t,
                                                .trailing_peak_price = "101.5"_d,
                                                .trailing_last_move_at = t,
                                                .stop_price = "101.00"_d}));
}

TEST_F(trailing_stop_test, short_activates_exactly_at_the_threshold) {
    auto ts = make(position_side::short_, "102");
    EXPECT_EQ(tick(ts, "99.9"), trailing_decision{no_action{}});
    // 98.5 x 1.005 = 98.9925, rounded down (towards the market) to 98.99.
    EXPECT_EQ(tick(ts, "98.5"), moved("98.99"_d, move_reason::activation));
    EXPECT_TRUE(ts.confirm_move("98.99"_d, clock_.now()));
    EXPECT_EQ(ts.phase(), trailing_phase::active);
}

TEST_F(trailing_stop_test, candidate_rounding_never_loosens_beyond_the_callback) {
    auto l = make(position_side::long_, "98");
    // 101.57 x 0.995 = 101.06215 -> 101.07 (a long's stop rounds up).
    EXPECT_EQ(tick(l, "101.57"), moved("101.07"_d, move_reason::activation));
    auto s = make(position_side::short_, "102");
    // 98.43 x 1.005 = 98.92215 -> 98.92 (a short's stop rounds down).
    EXPECT_EQ(tick(s, "98.43"), moved("98.92"_d, move_reason::activation));
}

TEST_F(trailing_stop_test, rejected_activation_keeps_the_old_stop_and_retries) {
    auto ts = make(position_side::long_, "98");
    ASSERT_TRUE(std::holds_alternative<move_stop>(tick(ts, "101.5")));
    EXPECT_TRUE(ts.reject_move());
    EXPECT_EQ(ts.phase(), trailing_phase::inactive);
    EXPECT_EQ(ts.current_stop(), "98"_d);
    EXPECT_FALSE(ts.snapshot().trailing_activated);
    // The peak reached the activation price: activation is a latch even after a pull-back.
    clock_.advance(1s);
    EXPECT_EQ(tick(ts, "101.2"), moved("101.00"_d, move_reason::activation));
}

TEST_F(trailing_stop_test, confirm_and_reject_without_a_move_in_flight_do_nothing) {
    auto ts = make(position_side::long_, "98");
    EXPECT_FALSE(ts.confirm_move("101"_d, clock_.now()));
    EXPECT_FALSE(ts.reject_move());
    EXPECT_EQ(ts.current_stop(), "98"_d);
    EXPECT_EQ(ts.phase(), trailing_phase::inactive);
}

TEST_F(trailing_stop_test, no_second_move_while_one_is_in_flight) {
    auto ts = make(position_side::long_, "98");
    ASSERT_TRUE(std::holds_alternative<move_stop>(tick(ts, "101.5")));
    EXPECT_TRUE(ts.move_in_flight());
    clock_.advance(1s);
    // A 2 % higher peak is only saved, not traded on.
    EXPECT_EQ(tick(ts, "103.6"), trailing_decision{save_peak{"103.6"_d}});
    EXPECT_EQ(ts.pending_trigger(), "101.00"_d);
    EXPECT_TRUE(ts.confirm_move("101.00"_d, clock_.now()));
    EXPECT_FALSE(ts.move_in_flight());
    // Once confirmed the higher peak moves the stop: 103.6 x 0.995 = 103.082 -> 103.09.
    EXPECT_EQ(tick(ts, "103.5"), moved("103.09"_d, move_reason::immediate));
}

TEST_F(trailing_stop_test, improvement_of_one_percent_moves_at_once) {
    auto ts = active_long();
    clock_.advance(1s);
    // 103 x 0.995 = 102.485 -> 102.49: +1.475 % over 101.00, interval ignored.
    EXPECT_EQ(tick(ts, "103"), moved("102.49"_d, move_reason::immediate));
}

TEST_F(trailing_stop_test, small_improvement_waits_for_the_interval) {
    auto ts = active_long();
    // 101.8 x 0.995 = 101.291 -> 101.30: +0.297 %, above 0.2 % but below 1 %.
    clock_.advance(5s);
    EXPECT_EQ(tick(ts, "101.8"), trailing_decision{no_action{}});
    clock_.advance(24s);  // 29 s since the confirmed move
    EXPECT_FALSE(std::holds_alternative<move_stop>(tick(ts, "101.8")));
    clock_.advance(1s);  // 30 s
    EXPECT_EQ(tick(ts, "101.8"), moved("101.30"_d, move_reason::interval));
}

TEST_F(trailing_stop_test, interval_alone_is_not_enough_without_min_improvement) {
    // Restored: active, stop 100.00, last move long ago.
    const auto long_ago = clock_.now() - 1h;
    const trailing_snapshot snap{.trailing_activated = true,
                                 .trailing_activated_at = long_ago,
                                 .trailing_peak_price = "100.5"_d,
                                 .trailing_last_move_at = long_ago,
                                 .stop_price = "100.00"_d};
    auto ts = make(position_side::long_, "98", snap);
    // 100.69 x 0.995 = 100.18655 -> 100.19: +0.19 %, below 0.2 %.
    EXPECT_EQ(tick(ts, "100.69"), trailing_decision{no_action{}});
    // 100.70 x 0.995 = 100.1965 -> 100.20: exactly +0.2 %.
    EXPECT_EQ(tick(ts, "100.70"), moved("100.20"_d, move_reason::interval));
}

TEST_F(trailing_stop_test, rate_limit_counts_from_the_last_confirmed_move) {
    auto ts = active_long();
    clock_.advance(30s);
    ASSERT_EQ(tick(ts, "101.8"), moved("101.30"_d, move_reason::interval));
    EXPECT_TRUE(ts.reject_move());
    EXPECT_EQ(ts.current_stop(), "101.00"_d);
    // The rejected attempt does not restart the interval: the next price may propose again.
    clock_.advance(1s);
    EXPECT_EQ(tick(ts, "101.8"), moved("101.30"_d, move_reason::interval));
    const auto t = clock_.now();
    EXPECT_TRUE(ts.confirm_move("101.30"_d, t));
    EXPECT_EQ(ts.snapshot().trailing_last_move_at, t);
    // Now the interval runs from t: another +0.2 % has to wait.
    clock_.advance(10s);
    EXPECT_FALSE(std::holds_alternative<move_stop>(tick(ts, "102.1")));
}

TEST_F(trailing_stop_test, long_stop_only_moves_up_without_gaps) {
    auto ts = active_long();
    const std::vector<const char*> prices{"101.2", "102.4", "101.9", "103.8", "103.0", "102.0", "104.9", "104.0"};
    decimal last = *ts.current_stop();
    for (const char* p : prices) {
        clock_.advance(31s);
        const auto d = tick(ts, p);
        if (const auto* m = std::get_if<move_stop>(&d)) {
            EXPECT_GT(m->new_trigger, last) << p;
            EXPECT_LT(m->new_trigger, decimal::from_string(p)) << p;
            EXPECT_TRUE(ts.confirm_move(m->new_trigger, clock_.now()));
        }
        ASSERT_TRUE(ts.current_stop().has_value());
        EXPECT_GE(*ts.current_stop(), last) << p;
        last = *ts.current_stop();
    }
    // Peaks 102.4, 103.8, 104.9 each moved it; the final stop is 104.9 x 0.995 = 104.3755 -> 104.38.
    EXPECT_EQ(ts.current_stop(), "104.38"_d);
    EXPECT_EQ(ts.peak(), "104.9"_d);
}

TEST_F(trailing_stop_test, short_stop_only_moves_down) {
    auto ts = make(position_side::short_, "102");
    ASSERT_EQ(tick(ts, "98.5"), moved("98.99"_d, move_reason::activation));
    ASSERT_TRUE(ts.confirm_move("98.99"_d, clock_.now()));
    clock_.advance(1s);
    // 97 x 1.005 = 97.485 -> 97.48: 1.525 % lower.
    ASSERT_EQ(tick(ts, "97"), moved("97.48"_d, move_reason::immediate));
    ASSERT_TRUE(ts.confirm_move("97.48"_d, clock_.now()));
    // The price rises: the stop stays (never lowered while the price climbs, §11 #23).
    for (const char* p : {"97.2", "97.4", "97.1"}) {
        clock_.advance(60s);
        EXPECT_FALSE(std::holds_alternative<move_stop>(tick(ts, p))) << p;
    }
    EXPECT_EQ(ts.current_stop(), "97.48"_d);
    EXPECT_EQ(ts.peak(), "97"_d);
}

TEST_F(trailing_stop_test, price_past_the_proposed_stop_closes_at_market) {
    auto ts = active_long();
    clock_.advance(5s);
    // Peak 102 would give 101.49 (+0.485 %), but the interval has not passed.
    EXPECT_EQ(tick(ts, "102"), trailing_decision{no_action{}});
    clock_.advance(35s);
    // The price fell below 101.49 before the stop could follow: close now.
    EXPECT_EQ(tick(ts, "101.40"), closed("101.49"_d, "101.40"_d));
    EXPECT_EQ(ts.phase(), trailing_phase::triggered);
    EXPECT_EQ(ts.current_stop(), "101.00"_d);
    EXPECT_EQ(tick(ts, "105"), trailing_decision{no_action{}});
}

TEST_F(trailing_stop_test, pull_back_past_a_refused_activation_closes_at_market) {
    auto ts = make(position_side::long_, "98");
    ASSERT_TRUE(std::holds_alternative<move_stop>(tick(ts, "101.5")));
    ASSERT_TRUE(ts.reject_move());
    EXPECT_EQ(tick(ts, "100.99"), closed("101.00"_d, "100.99"_d));
}

TEST_F(trailing_stop_test, short_emergency_close_when_price_rose_past_the_candidate) {
    auto ts = make(position_side::short_, "102");
    ASSERT_TRUE(std::holds_alternative<move_stop>(tick(ts, "98.5")));
    ASSERT_TRUE(ts.reject_move());
    EXPECT_EQ(tick(ts, "99.00"), closed("98.99"_d, "99.00"_d));
}

TEST_F(trailing_stop_test, stop_crossed_only_by_rounding_is_not_proposed) {
    auto coarse = rules_;
    coarse.tick_size = "1"_d;
    coarse.min_price = "1"_d;
    trailing_stop ts{trailing_params{.side = position_side::long_,
                                     .entry_price = "100"_d,
                                     .activation_percent = "1.5"_d,
                                     .callback_percent = "0.1"_d,
                                     .initial_stop = "98"_d},
                     settings_, coarse};
    // 102 x 0.999 = 101.898 is below the mark, but the tick grid rounds it up to 102 = the mark.
    const auto d = ts.on_price("102"_d, clock_.now());
    EXPECT_FALSE(std::holds_alternative<move_stop>(d));
    EXPECT_FALSE(std::holds_alternative<close_now>(d));
    EXPECT_EQ(ts.phase(), trailing_phase::inactive);
}

TEST_F(trailing_stop_test, restore_continues_from_the_saved_peak_and_move_time) {
    const auto activated_at = clock_.now() - 2h;
    const auto moved_at = clock_.now() - 10s;
    const trailing_snapshot snap{.trailing_activated = true,
                                 .trailing_activated_at = activated_at,
                                 .trailing_peak_price = "105"_d,
                                 .trailing_last_move_at = moved_at,
                                 .stop_price = "104.48"_d};
    auto ts = make(position_side::long_, "98", snap);
    EXPECT_EQ(ts.phase(), trailing_phase::active);
    EXPECT_EQ(ts.peak(), "105"_d);
    EXPECT_EQ(ts.current_stop(), "104.48"_d);
    EXPECT_EQ(ts.snapshot(), snap);
    // Below the peak: nothing (a peak reset to entry would not change that, but the save would).
    EXPECT_EQ(tick(ts, "104.8"), trailing_decision{no_action{}});
    // 106 x 0.995 = 105.47 (+0.95 %): the restored move time still rate-limits it.
    EXPECT_FALSE(std::holds_alternative<move_stop>(tick(ts, "106")));
    clock_.advance(20s);  // 30 s after the restored move
    EXPECT_EQ(tick(ts, "106"), moved("105.47"_d, move_reason::interval));
}

TEST_F(trailing_stop_test, restored_inactive_state_with_peak_past_activation_activates) {
    const trailing_snapshot snap{.trailing_activated = false,
                                 .trailing_activated_at = std::nullopt,
                                 .trailing_peak_price = "102"_d,
                                 .trailing_last_move_at = std::nullopt,
                                 .stop_price = "98"_d};
    auto ts = make(position_side::long_, "98", snap);
    // 102 x 0.995 = 101.49 from the restored peak, not from the current 101.7.
    EXPECT_EQ(tick(ts, "101.7"), moved("101.49"_d, move_reason::activation));
}

TEST_F(trailing_stop_test, restored_zero_callback_falls_back_to_the_setting) {
    auto ts = make(position_side::long_, "98", std::nullopt, "0"_d);
    EXPECT_EQ(ts.callback_percent(), "0.5"_d);
    EXPECT_EQ(tick(ts, "101.5"), moved("101.00"_d, move_reason::activation));
}

TEST_F(trailing_stop_test, restored_peak_worse_than_entry_starts_from_entry) {
    const trailing_snapshot snap{.trailing_activated = false,
                                 .trailing_activated_at = std::nullopt,
                                 .trailing_peak_price = "95"_d,
                                 .trailing_last_move_at = std::nullopt,
                                 .stop_price = std::nullopt};
    EXPECT_EQ(make(position_side::long_, "98", snap).peak(), "100"_d);
    EXPECT_EQ(make(position_side::short_, "102", snap).peak(), "95"_d);
}

TEST_F(trailing_stop_test, activation_without_move_when_the_stop_is_already_better) {
    const trailing_snapshot snap{.trailing_activated = false,
                                 .trailing_activated_at = std::nullopt,
                                 .trailing_peak_price = std::nullopt,
                                 .trailing_last_move_at = std::nullopt,
                                 .stop_price = "101.20"_d};
    auto ts = make(position_side::long_, "98", snap);
    EXPECT_EQ(tick(ts, "101.5"), trailing_decision{save_peak{"101.5"_d}});
    EXPECT_EQ(ts.phase(), trailing_phase::active);
    EXPECT_EQ(ts.current_stop(), "101.20"_d);
    EXPECT_EQ(ts.snapshot().trailing_activated_at, clock_.now());
}

TEST_F(trailing_stop_test, peak_is_saved_by_interval_and_change_or_at_once_on_one_percent) {
    settings_.activation_percent = "5"_d;
    trailing_stop ts{trailing_params{.side = position_side::long_,
                                     .entry_price = "100"_d,
                                     .activation_percent = "5"_d,
                                     .callback_percent = "0.5"_d,
                                     .initial_stop = "98"_d},
                     settings_, rules_};
    EXPECT_EQ(tick(ts, "100.1"), trailing_decision{no_action{}});  // +0.1 %
    clock_.advance(1s);
    EXPECT_EQ(tick(ts, "100.3"), trailing_decision{save_peak{"100.3"_d}});  // +0.3 %, first save
    clock_.advance(5s);
    EXPECT_EQ(tick(ts, "100.6"), trailing_decision{no_action{}});  // +0.299 % but only 5 s
    clock_.advance(5s);
    EXPECT_EQ(tick(ts, "100.5"), trailing_decision{save_peak{"100.6"_d}});  // 10 s: the peak, not the mark
    clock_.advance(1s);
    EXPECT_EQ(tick(ts, "101.4"), trailing_decision{no_action{}});  // +0.795 %, 1 s
    clock_.advance(1s);
    EXPECT_EQ(tick(ts, "101.61"), trailing_decision{save_peak{"101.61"_d}});  // +1.004 %: at once
    EXPECT_EQ(ts.snapshot().trailing_peak_price, "101.61"_d);
    EXPECT_FALSE(ts.snapshot().trailing_activated);
}

TEST_F(trailing_stop_test, non_positive_mark_is_ignored) {
    auto ts = make(position_side::short_, "102");
    EXPECT_EQ(tick(ts, "0"), trailing_decision{no_action{}});
    EXPECT_EQ(ts.peak(), "100"_d);
}

}  // namespace
}  // namespace tradebot::protection
