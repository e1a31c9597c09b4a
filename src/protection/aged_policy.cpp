#include "tradebot/protection/aged_policy.hpp"

#include "protection/price_math.hpp"

namespace tradebot::protection {
namespace {

using core::decimal;

constexpr std::int64_t seconds_per_hour = 3600;
constexpr int tolerance_scale = 8;

bool at_or_beyond(core::position_side side, decimal mark, decimal target) {
    return side == core::position_side::long_ ? mark >= target : mark <= target;
}

}  // namespace

std::string_view to_string(aged_phase v) noexcept {
    switch (v) {
        case aged_phase::none: return "none";
        case aged_phase::grace: return "grace";
        case aged_phase::progressive: return "progressive";
        case aged_phase::expired: return "expired";
    }
    return "unknown";
}

std::string_view to_string(aged_close_reason v) noexcept {
    switch (v) {
        case aged_close_reason::aged_profit: return "aged_profit";
        case aged_close_reason::aged_breakeven: return "aged_breakeven";
        case aged_close_reason::aged_graded: return "aged_graded";
        case aged_close_reason::aged_max: return "aged_max";
    }
    return "unknown";
}

std::string_view to_string(aged_hold_reason v) noexcept {
    switch (v) {
        case aged_hold_reason::not_aged: return "not_aged";
        case aged_hold_reason::trailing_active: return "trailing_active";
        case aged_hold_reason::disabled: return "disabled";
        case aged_hold_reason::bad_price: return "bad_price";
        case aged_hold_reason::waiting_for_target: return "waiting_for_target";
    }
    return "unknown";
}

aged_target aged_policy::target_at(core::position_side side, decimal entry_price, core::clock::time_point opened_at,
                                   core::clock::time_point now) const {
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - opened_at);
    if (age < settings_.max_age_hours) return aged_target{aged_phase::none, decimal{}, std::nullopt};

    const auto past_max = age - settings_.max_age_hours;
    if (past_max < settings_.grace_period_hours) {
        const decimal double_fee = commission_percent_ * decimal::from_int(2);
        return aged_target{aged_phase::grace, decimal{}, detail::profit_side(side, entry_price, double_fee)};
    }

    // tolerance x 3600 = seconds past grace x step, with the seconds after the first 10 hours
    // weighted by the acceleration factor; kept exact until the final division.
    const std::int64_t past_grace = (past_max - settings_.grace_period_hours).count();
    const std::int64_t plain_limit = std::chrono::seconds{acceleration_after}.count();
    const std::int64_t plain = past_grace < plain_limit ? past_grace : plain_limit;
    const std::int64_t accelerated = past_grace - plain;
    const decimal step = settings_.loss_step_percent;
    const decimal numerator =
        decimal::from_int(plain) * step + decimal::from_int(accelerated) * step * settings_.acceleration_factor;
    const decimal hour = decimal::from_int(seconds_per_hour);
    if (numerator > settings_.max_loss_percent * hour) return aged_target{aged_phase::expired, decimal{}, std::nullopt};

    const decimal tolerance = numerator.divide(hour, tolerance_scale, core::rounding::down).normalized();
    return aged_target{aged_phase::progressive, tolerance, detail::loss_side(side, entry_price, tolerance)};
}

aged_decision aged_policy::evaluate(const aged_inputs& in) const {
    if (!settings_.enabled) return aged_hold{aged_hold_reason::disabled, aged_phase::none, std::nullopt};
    if (!in.entry_price.is_positive() || !in.mark_price.is_positive()) {
        return aged_hold{aged_hold_reason::bad_price, aged_phase::none, std::nullopt};
    }
    const aged_target t = target_at(in.side, in.entry_price, in.opened_at, in.now);
    if (t.phase == aged_phase::none) return aged_hold{aged_hold_reason::not_aged, t.phase, std::nullopt};
    if (in.trailing_active) return aged_hold{aged_hold_reason::trailing_active, t.phase, t.target};
    if (t.phase == aged_phase::expired) return aged_close{aged_close_reason::aged_max, t.phase, std::nullopt};

    const bool reached = at_or_beyond(in.side, in.mark_price, *t.target);
    if (t.phase == aged_phase::grace && reached) return aged_close{aged_close_reason::aged_breakeven, t.phase, t.target};
    if (detail::better(in.side, in.mark_price, in.entry_price)) {
        return aged_close{aged_close_reason::aged_profit, t.phase, t.target};
    }
    if (reached) return aged_close{aged_close_reason::aged_graded, t.phase, t.target};
    return aged_hold{aged_hold_reason::waiting_for_target, t.phase, t.target};
}

}  // namespace tradebot::protection
