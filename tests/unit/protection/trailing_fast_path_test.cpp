// The replay fast path of trailing_stop (per-peak candidate and peak-save caches, inline
// same-scale comparisons) must give the answers of the plain computation. The reference below is
// the trailing stop as it was before the fast path, written with decimal's own operators only;
// both are driven through long random price paths with mixed decimal representations.

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "protection/price_math.hpp"
#include "tradebot/protection/trailing_stop.hpp"
#include "unit/protection/protection_test_support.hpp"

namespace tradebot::protection {
namespace {

using namespace core::literals;
using namespace std::chrono_literals;
using core::decimal;
using core::position_side;

decimal pct_below(decimal x, decimal pct) { return x * (decimal::from_int(1) - pct * decimal::from_raw(1, 2)); }
decimal pct_above(decimal x, decimal pct) { return x * (decimal::from_int(1) + pct * decimal::from_raw(1, 2)); }
bool better_ref(position_side s, decimal a, decimal b) { return s == position_side::long_ ? a > b : a < b; }
bool protective_ref(position_side s, decimal trigger, decimal mark) {
    return s == position_side::long_ ? trigger < mark : trigger > mark;
}
bool deviates_ref(decimal a, decimal ref, decimal pct) { return (a - ref).abs() * decimal::from_int(100) >= ref * pct; }
bool improves_ref(position_side s, decimal from, decimal to, decimal pct) {
    const decimal gain = s == position_side::long_ ? to - from : from - to;
    return gain * decimal::from_int(100) >= from * pct;
}

// trailing_stop::on_price / confirm_move / reject_move without any cache (fresh start only).
class reference_trailing {
public:
    reference_trailing(trailing_params p, config::trailing_settings s, exchange::instrument_rules r)
        : p_{p}, s_{s}, r_{std::move(r)} {
        if (!p_.activation_percent.is_positive()) p_.activation_percent = s_.activation_percent;
        if (!p_.callback_percent.is_positive()) p_.callback_percent = s_.callback_percent;
        activation_ = p_.side == position_side::long_ ? pct_above(p_.entry_price, p_.activation_percent)
                                                      : pct_below(p_.entry_price, p_.activation_percent);
        peak_ = p_.entry_price;
        stop_ = p_.initial_stop;
        saved_ = peak_;
    }

    trailing_decision on_price(decimal mark, time_point now) {
        if (triggered_ || !mark.is_positive()) return no_action{};
        if (better_ref(p_.side, mark, peak_)) peak_ = mark;
        if (pending_) return save(now);
        if (!activated_) {
            if (better_ref(p_.side, activation_, peak_)) return save(now);
            return propose(mark, now, true);
        }
        return propose(mark, now, false);
    }

    bool confirm_move(decimal trigger, time_point now) {
        if (!pending_) return false;
        stop_ = trigger;
        last_move_ = now;
        if (pending_->second == move_reason::activation && !activated_) {
            activated_ = true;
            activated_at_ = now;
        }
        pending_.reset();
        saved_ = peak_;
        saved_at_ = now;
        return true;
    }

    bool reject_move() {
        if (!pending_) return false;
        pending_.reset();
        return true;
    }

    [[nodiscard]] trailing_snapshot snapshot() const {
        return trailing_snapshot{activated_, activated_at_, peak_, last_move_, stop_};
    }

private:
    trailing_decision propose(decimal mark, time_point now, bool activating) {
        const decimal raw = p_.side == position_side::long_ ? pct_below(peak_, p_.callback_percent)
                                                            : pct_above(peak_, p_.callback_percent);
        const decimal candidate = r_.stop_price(p_.side, raw);
        if (stop_ && !better_ref(p_.side, candidate, *stop_)) {
            if (!activating) return save(now);
            activated_ = true;
            activated_at_ = now;
            saved_ = peak_;
            saved_at_ = now;
            return save_peak{peak_};
        }
        move_reason reason = move_reason::activation;
        if (!activating) {
            std::optional<move_reason> allowed;
            if (!stop_ || improves_ref(p_.side, *stop_, candidate, s_.immediate_improvement_percent)) {
                allowed = move_reason::immediate;
            } else if ((!last_move_ || now - *last_move_ >= s_.min_update_interval_seconds) &&
                       improves_ref(p_.side, *stop_, candidate, s_.min_improvement_percent)) {
                allowed = move_reason::interval;
            }
            if (!allowed) return save(now);
            reason = *allowed;
        }
        if (!protective_ref(p_.side, raw, mark)) {
            triggered_ = true;
            return close_now{candidate, mark};
        }
        if (!protective_ref(p_.side, candidate, mark)) return save(now);
        pending_ = std::make_pair(candidate, reason);
        return move_stop{candidate, reason};
    }

    trailing_decision save(time_point now) {
        if (peak_ == saved_) return no_action{};
        const bool immediate = deviates_ref(peak_, saved_, trailing_stop::peak_save_immediate_percent);
        const bool interval = !saved_at_ || now - *saved_at_ >= s_.peak_save_interval_seconds;
        const bool enough = deviates_ref(peak_, saved_, s_.peak_save_min_change_percent);
        if (!immediate && !(interval && enough)) return no_action{};
        saved_ = peak_;
        saved_at_ = now;
        return save_peak{peak_};
    }

    trailing_params p_;
    config::trailing_settings s_;
    exchange::instrument_rules r_;
    decimal activation_;
    bool activated_ = false;
    bool triggered_ = false;
    decimal peak_;
    std::optional<decimal> stop_;
    std::optional<time_point> activated_at_;
    std::optional<time_point> last_move_;
    std::optional<std::pair<decimal, move_reason>> pending_;
    decimal saved_;
    std::optional<time_point> saved_at_;
};

trailing_decision moved(decimal trigger, move_reason reason) { return move_stop{trigger, reason}; }

// A random walk from 100 in cents, written at scale 2, 3 or 8 (the same value in several
// representations, which the caches key on), with jumps, time steps of 0-40 s, the venue's
// answers (confirm, reject, or none for a while) chosen at random, and a new position whenever
// the stop is crossed.
void run_random_path(position_side side, std::uint64_t seed, int steps) {
    std::mt19937_64 rng{seed};
    core::manual_clock clock;
    config::trailing_settings settings;
    const auto rules = test::cent_rules();
    const trailing_params params{.side = side,
                                 .entry_price = "100"_d,
                                 .activation_percent = decimal{},
                                 .callback_percent = decimal{},
                                 .initial_stop = side == position_side::long_ ? "98"_d : "102"_d};
    trailing_stop fast{params, settings, rules};
    reference_trailing ref{params, settings, rules};
    std::int64_t cents = 10'000;
    int moves = 0;
    int saves = 0;
    for (int i = 0; i < steps; ++i) {
        const auto r = rng() % 100;
        std::int64_t step = static_cast<std::int64_t>(rng() % 21) - 10;
        if (r < 2) step *= 20;  // a jump now and then
        cents = std::max<std::int64_t>(5'000, std::min<std::int64_t>(20'000, cents + step));
        const int scale = std::array{2, 3, 8}[rng() % 3];
        std::int64_t mantissa = cents;
        for (int k = 2; k < scale; ++k) mantissa *= 10;
        const auto mark = decimal::from_raw(mantissa, scale);
        clock.advance(std::chrono::seconds{static_cast<int>(rng() % 41)});
        const auto a = fast.on_price(mark, clock.now());
        const auto b = ref.on_price(mark, clock.now());
        ASSERT_EQ(a, b) << "step " << i << " mark " << mark.to_string();
        if (const auto* m = std::get_if<move_stop>(&a)) {
            ++moves;
            const auto answer = rng() % 10;
            if (answer < 7) {
                ASSERT_EQ(fast.confirm_move(m->new_trigger, clock.now()), ref.confirm_move(m->new_trigger, clock.now()));
            } else if (answer < 9) {
                ASSERT_EQ(fast.reject_move(), ref.reject_move());
            }  // else: the answer is still out; later prices only track the peak
        } else if (std::holds_alternative<save_peak>(a)) {
            ++saves;
        } else if (std::holds_alternative<close_now>(a)) {
            // Triggered: start over, as the position lifecycle would with a new position.
            fast = trailing_stop{params, settings, rules};
            ref = reference_trailing{params, settings, rules};
            cents = 10'000;
        }
        const auto stop = fast.current_stop();
        if (stop && (side == position_side::long_ ? mark <= *stop : mark >= *stop)) {
            // The venue's stop fired: a new position from here.
            fast = trailing_stop{params, settings, rules};
            ref = reference_trailing{params, settings, rules};
            cents = 10'000;
            continue;
        }
        if (rng() % 50 == 0) {
            ASSERT_EQ(fast.confirm_move("99.5"_d, clock.now()), ref.confirm_move("99.5"_d, clock.now()));
        }
        ASSERT_EQ(fast.snapshot(), ref.snapshot()) << "step " << i;
    }
    // The path must have exercised what the caches shortcut.
    EXPECT_GT(moves, 50);
    EXPECT_GT(saves, 50);
}

TEST(trailing_fast_path, long_random_paths_answer_as_the_plain_computation) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        run_random_path(position_side::long_, seed, 20'000);
    }
}

TEST(trailing_fast_path, short_random_paths_answer_as_the_plain_computation) {
    for (std::uint64_t seed = 11; seed <= 15; ++seed) {
        run_random_path(position_side::short_, seed, 20'000);
    }
}

// The candidate cache is keyed by the peak only; the stop it is compared with changes on
// confirm_move, and the save cache's last saved peak changes on every save and confirmed move.
TEST(trailing_fast_path, caches_follow_confirmed_moves_and_saves) {
    core::manual_clock clock;
    trailing_stop ts{trailing_params{.side = position_side::long_,
                                     .entry_price = "100"_d,
                                     .activation_percent = "1.5"_d,
                                     .callback_percent = "0.5"_d,
                                     .initial_stop = "98"_d},
                     config::trailing_settings{}, test::cent_rules()};
    ASSERT_EQ(ts.on_price("101.5"_d, clock.now()), moved("101.00"_d, move_reason::activation));
    // Same peak while the move is in flight: no second move, only the (1.5 %) peak save.
    EXPECT_EQ(ts.on_price("101.4"_d, clock.now()), trailing_decision{save_peak{"101.5"_d}});
    ASSERT_TRUE(ts.confirm_move("101.00"_d, clock.now()));
    // Same peak, the stop is now the candidate: not better, nothing to save (saved on confirm).
    EXPECT_EQ(ts.on_price("101.5"_d, clock.now()), trailing_decision{no_action{}});
    // A peak 0.3 % higher: below the interval for a move, but enough to save after 10 s.
    EXPECT_EQ(ts.on_price("101.8"_d, clock.now()), trailing_decision{no_action{}});
    clock.advance(10s);
    EXPECT_EQ(ts.on_price("101.7"_d, clock.now()), trailing_decision{save_peak{"101.8"_d}});
    // Saved: the same peak, written at another scale, is nothing new.
    clock.advance(10s);
    EXPECT_EQ(ts.on_price("101.80000000"_d, clock.now()), trailing_decision{no_action{}});
    // 30 s after the confirmed move: the cached candidate for 101.8 (101.30) moves now.
    clock.advance(10s);
    EXPECT_EQ(ts.on_price("101.75"_d, clock.now()), moved("101.30"_d, move_reason::interval));
}

TEST(trailing_fast_path, compare_and_identical) {
    EXPECT_EQ(detail::compare("1.50"_d, "1.5"_d), std::strong_ordering::equal);
    EXPECT_EQ(detail::compare("1.49"_d, "1.5"_d), std::strong_ordering::less);
    EXPECT_EQ(detail::compare("-2"_d, "-2.01"_d), std::strong_ordering::greater);
    EXPECT_EQ(detail::compare("100.12345678"_d, "100.12345679"_d), std::strong_ordering::less);
    EXPECT_TRUE(detail::identical("1.50"_d, "1.50"_d));
    EXPECT_FALSE(detail::identical("1.50"_d, "1.5"_d));
    EXPECT_FALSE(detail::identical("1.51"_d, "1.50"_d));
}

}  // namespace
}  // namespace tradebot::protection
