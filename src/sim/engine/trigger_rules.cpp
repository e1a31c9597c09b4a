#include "tradebot/sim/engine/trigger_rules.hpp"

#include <algorithm>

namespace tradebot::sim::engine {

namespace {

const core::decimal hundred = core::decimal::from_int(100);

rejection crossed(reject_reason r, core::decimal submitted, core::decimal current, working_type watched,
                  std::optional<trigger_direction> expected = {}) {
    rejection out = reject(r);
    out.submitted = submitted;
    out.reference = current;
    out.reference_type = watched;
    out.expected_direction = expected;
    return out;
}

// The placement rejection when `ok` is false: the submitted price on the wrong side of `current`.
std::optional<rejection> unless(bool ok, reject_reason r, core::decimal submitted, core::decimal current,
                                working_type watched, trigger_direction expected) {
    if (ok) {
        return std::nullopt;
    }
    return crossed(r, submitted, current, watched, expected);
}

}  // namespace

trigger_direction direction_of(conditional_kind kind, core::side side) noexcept {
    const bool buy = side == core::side::buy;
    switch (kind) {
    case conditional_kind::stop_market:
    case conditional_kind::trailing_stop_market:
        return buy ? trigger_direction::rising : trigger_direction::falling;
    case conditional_kind::take_profit_market:
        return buy ? trigger_direction::falling : trigger_direction::rising;
    }
    return trigger_direction::falling;
}

bool is_triggered(trigger_direction d, core::decimal trigger, core::decimal current) noexcept {
    return d == trigger_direction::rising ? current >= trigger : current <= trigger;
}

std::optional<rejection> check_trigger_placement(trigger_direction d, core::decimal trigger, core::decimal current,
                                                 working_type watched) {
    if (is_triggered(d, trigger, current)) {
        return crossed(reject_reason::would_trigger_immediately, trigger, current, watched, d);
    }
    return std::nullopt;
}

std::optional<rejection> check_trailing_activation(core::side side, core::decimal activation, core::decimal current,
                                                   working_type watched) {
    const bool sell = side == core::side::sell;
    return unless(sell ? activation > current : activation < current, reject_reason::would_trigger_immediately,
                  activation, current, watched, sell ? trigger_direction::rising : trigger_direction::falling);
}

core::decimal trailing_trigger_price(core::side side, core::decimal extreme, core::decimal rate_percent) {
    const core::decimal move = extreme * rate_percent;
    const core::decimal delta = move.divide(hundred, std::min(move.scale() + 2, core::decimal::max_scale),
                                            core::rounding::half_even);
    return side == core::side::sell ? extreme - delta : extreme + delta;
}

std::optional<rejection> check_take_profit(core::position_side side, core::decimal tp, core::decimal base,
                                           working_type watched) {
    const bool is_long = side == core::position_side::long_;
    return unless(is_long ? tp > base : tp < base, reject_reason::take_profit_wrong_side, tp, base, watched,
                  is_long ? trigger_direction::rising : trigger_direction::falling);
}

std::optional<rejection> check_stop_loss(core::position_side side, core::decimal sl, core::decimal base,
                                         working_type watched) {
    const bool is_long = side == core::position_side::long_;
    return unless(is_long ? sl < base : sl > base, reject_reason::stop_loss_wrong_side, sl, base, watched,
                  is_long ? trigger_direction::falling : trigger_direction::rising);
}

}  // namespace tradebot::sim::engine
