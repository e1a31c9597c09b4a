#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/types.hpp"

namespace tradebot::protection {

struct aged_inputs {
    core::position_side side = core::position_side::long_;
    core::decimal entry_price;
    core::clock::time_point opened_at;  // UTC (§11 #35)
    core::clock::time_point now;
    core::decimal mark_price;
    bool trailing_active = false;  // the trailing stop owns the exit (§4.2, §11 #32)
};

enum class aged_phase : std::uint8_t {
    none,         // age < max_age_hours
    grace,        // [max_age, max_age + grace): target = breakeven after fees
    progressive,  // after grace: target = entry moved by a growing loss tolerance
    expired,      // tolerance went past max_loss_percent: close at market whatever the price
};

enum class aged_close_reason : std::uint8_t {
    aged_profit,     // PnL > 0 (any aged phase, grace included even below the breakeven target)
    aged_breakeven,  // grace phase, the price reached the breakeven target
    aged_graded,     // progressive phase, the loss is within the tolerance (price reached target)
    aged_max,        // expired
};

enum class aged_hold_reason : std::uint8_t {
    not_aged,            // phase none
    trailing_active,     // aged logic skips positions whose trailing stop is active
    disabled,            // aged_settings.enabled = false
    bad_price,           // non-positive entry or mark price
    waiting_for_target,  // aged, but neither in profit nor at the target
};

struct aged_hold {
    aged_hold_reason reason = aged_hold_reason::not_aged;
    aged_phase phase = aged_phase::none;
    std::optional<core::decimal> target;  // set in grace and progressive
    bool operator==(const aged_hold&) const = default;
};

struct aged_close {
    aged_close_reason reason = aged_close_reason::aged_profit;
    aged_phase phase = aged_phase::grace;
    std::optional<core::decimal> target;  // unset when expired
    bool operator==(const aged_close&) const = default;
};

using aged_decision = std::variant<aged_hold, aged_close>;

// Where in its aged life a position is, and the exit price the policy wants at that age.
struct aged_target {
    aged_phase phase = aged_phase::none;
    core::decimal tolerance_percent;      // progressive only; 0 otherwise
    std::optional<core::decimal> target;  // grace and progressive
    bool operator==(const aged_target&) const = default;
};

[[nodiscard]] std::string_view to_string(aged_phase v) noexcept;
[[nodiscard]] std::string_view to_string(aged_close_reason v) noexcept;
[[nodiscard]] std::string_view to_string(aged_hold_reason v) noexcept;

// Aged positions, V2 market-order variant (original-bot.md §4.3.2-§4.3.3), sans-io.
//
// Age = now - opened_at, at one-second resolution. Phases are half-open intervals:
//   none         age < max_age_hours
//   grace        max_age_hours <= age < max_age_hours + grace_period_hours
//                target = entry x (1 + 2 x commission/100) long, entry x (1 - 2 x commission/100) short
//   progressive  h = hours past the grace end (fractional, to the second):
//                tolerance = h x loss_step_percent                                   for h <= 10
//                tolerance = 10 x step + (h - 10) x step x acceleration_factor       for h > 10
//                i.e. after the first 10 hours each hour costs acceleration_factor steps (the
//                original's "x1.2 after 10h"); tolerance is rounded down to 8 decimals.
//                target = entry x (1 - tolerance/100) long, entry x (1 + tolerance/100) short;
//                at exactly tolerance == max_loss_percent the target is the max-loss price.
//   expired      the uncapped tolerance exceeds max_loss_percent: close at market (aged_max).
// Decision, in this order: expired -> close aged_max; grace and price at/beyond target -> close
// aged_breakeven; PnL > 0 -> close aged_profit; progressive and price at/beyond target (loss within
// tolerance) -> close aged_graded; else hold waiting_for_target. "At/beyond": long mark >= target,
// short mark <= target. Trailing active, disabled, not aged and bad prices hold first.
class aged_policy {
public:
    // Hours past grace after which acceleration_factor applies.
    static constexpr std::chrono::hours acceleration_after{10};

    aged_policy(config::aged_settings settings, core::decimal commission_percent)
        : settings_{settings}, commission_percent_{commission_percent} {}

    [[nodiscard]] aged_decision evaluate(const aged_inputs& in) const;
    [[nodiscard]] aged_target target_at(core::position_side side, core::decimal entry_price,
                                        core::clock::time_point opened_at, core::clock::time_point now) const;

    [[nodiscard]] const config::aged_settings& settings() const noexcept { return settings_; }
    [[nodiscard]] core::decimal commission_percent() const noexcept { return commission_percent_; }

private:
    config::aged_settings settings_;
    core::decimal commission_percent_;
};

}  // namespace tradebot::protection
