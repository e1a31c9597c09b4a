#pragma once

#include <compare>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/types.hpp"

// Percent arithmetic shared by the protection policies. Every percent is a percent (2.0 = 2 %);
// the conversion to a fraction happens only here (§11 #13: a percent fed as a fraction once
// produced negative stop prices).
namespace tradebot::protection::detail {

using core::decimal;

[[nodiscard]] inline decimal fraction(decimal percent) { return percent * decimal::from_raw(1, 2); }

// x x (1 - pct/100) / x x (1 + pct/100), exact.
[[nodiscard]] inline decimal percent_below(decimal x, decimal pct) { return x * (decimal::from_int(1) - fraction(pct)); }
[[nodiscard]] inline decimal percent_above(decimal x, decimal pct) { return x * (decimal::from_int(1) + fraction(pct)); }

// The price `pct` away from `base` on the losing side of the position: below for a long.
[[nodiscard]] inline decimal loss_side(core::position_side side, decimal base, decimal pct) {
    return side == core::position_side::long_ ? percent_below(base, pct) : percent_above(base, pct);
}
// The price `pct` away from `base` on the winning side of the position: above for a long.
[[nodiscard]] inline decimal profit_side(core::position_side side, decimal base, decimal pct) {
    return side == core::position_side::long_ ? percent_above(base, pct) : percent_below(base, pct);
}

// |a - ref| / ref x 100 compared with pct, without division (ref > 0).
[[nodiscard]] inline bool deviates_more_than(decimal a, decimal ref, decimal pct) {
    return (a - ref).abs() * decimal::from_int(100) > ref * pct;
}
[[nodiscard]] inline bool deviates_at_least(decimal a, decimal ref, decimal pct) {
    return (a - ref).abs() * decimal::from_int(100) >= ref * pct;
}

// How far `to` is beyond `from` in the position's favour, as a comparison with pct of `from`:
// (to - from) / from x 100 >= pct for a long, (from - to) / from x 100 >= pct for a short.
[[nodiscard]] inline bool improves_by_at_least(core::position_side side, decimal from, decimal to, decimal pct) {
    const decimal gain = side == core::position_side::long_ ? to - from : from - to;
    return gain * decimal::from_int(100) >= from * pct;
}

// decimal's operator<=>, answered inline when both have the same scale (a venue's prices of one
// symbol nearly always do): the per-tick comparisons then cost no call and no 128-bit product.
[[nodiscard]] inline std::strong_ordering compare(decimal a, decimal b) noexcept {
    if (a.scale() == b.scale()) return a.mantissa() <=> b.mantissa();
    return a <=> b;
}

// The same representation (mantissa and scale), hence the same value: the key of the protection
// policies' per-price caches. Equal values written differently only miss the cache.
[[nodiscard]] inline bool identical(decimal a, decimal b) noexcept {
    return a.mantissa() == b.mantissa() && a.scale() == b.scale();
}

// `a` is strictly better than `b` for the position (higher for a long, lower for a short).
[[nodiscard]] inline bool better(core::position_side side, decimal a, decimal b) {
    return side == core::position_side::long_ ? compare(a, b) > 0 : compare(a, b) < 0;
}

// A stop `trigger` has not been crossed by `mark`: a long's (sell) stop is below the mark, a
// short's (buy) stop above. A stop at the mark fires at once.
[[nodiscard]] inline bool on_protective_side(core::position_side side, decimal trigger, decimal mark) {
    return side == core::position_side::long_ ? compare(trigger, mark) < 0 : compare(trigger, mark) > 0;
}

}  // namespace tradebot::protection::detail
