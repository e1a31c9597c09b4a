#include "tradebot/exchange/instrument_rules.hpp"

#include <algorithm>

namespace tradebot::exchange {
namespace {

using core::decimal;
using core::rounding;

// Digits kept for notional and band products: enough for any tick in use (Binance's smallest
// ticks have 7-8 decimals) while leaving room in the 64-bit mantissa for large notionals.
constexpr int product_scale = 10;

// `value` on the grid origin + k*step. A zero step means "no grid".
decimal on_grid(decimal value, decimal origin, decimal step, rounding mode) {
    if (!step.is_positive()) return value;
    return origin + (value - origin).round_to_step(step, mode);
}

bool is_on_grid(decimal value, decimal origin, decimal step) {
    if (!step.is_positive()) return true;
    return (value - origin).is_multiple_of(step);
}

rounding to_rounding(price_rounding mode) noexcept {
    switch (mode) {
        case price_rounding::down: return rounding::floor;
        case price_rounding::up: return rounding::ceiling;
        case price_rounding::nearest: return rounding::half_up;
    }
    return rounding::floor;
}

bool too_precise(decimal value, int precision) { return precision >= 0 && value.normalized().scale() > precision; }

bool is_conditional(core::order_type t) noexcept {
    return t == core::order_type::stop_market || t == core::order_type::take_profit_market ||
           t == core::order_type::trailing_stop_market;
}

std::optional<rule_violation> check_price(const instrument_rules& r, decimal p) {
    if (!p.is_positive()) return rule_violation::price_not_positive;
    if (too_precise(p, r.price_precision)) return rule_violation::price_precision;
    if (r.min_price.is_positive() && p < r.min_price) return rule_violation::price_below_min;
    if (r.max_price.is_positive() && p > r.max_price) return rule_violation::price_above_max;
    if (!is_on_grid(p, r.min_price, r.tick_size)) return rule_violation::price_off_tick;
    return std::nullopt;
}

}  // namespace

std::string_view to_string(rule_violation v) noexcept {
    switch (v) {
        case rule_violation::not_trading: return "not_trading";
        case rule_violation::price_missing: return "price_missing";
        case rule_violation::price_not_positive: return "price_not_positive";
        case rule_violation::price_precision: return "price_precision";
        case rule_violation::price_below_min: return "price_below_min";
        case rule_violation::price_above_max: return "price_above_max";
        case rule_violation::price_off_tick: return "price_off_tick";
        case rule_violation::quantity_not_positive: return "quantity_not_positive";
        case rule_violation::quantity_precision: return "quantity_precision";
        case rule_violation::quantity_below_min: return "quantity_below_min";
        case rule_violation::quantity_above_max: return "quantity_above_max";
        case rule_violation::quantity_off_step: return "quantity_off_step";
        case rule_violation::reference_price_missing: return "reference_price_missing";
        case rule_violation::price_above_band: return "price_above_band";
        case rule_violation::price_below_band: return "price_below_band";
        case rule_violation::notional_below_min: return "notional_below_min";
        case rule_violation::trigger_would_fire: return "trigger_would_fire";
    }
    return "unknown";
}

decimal instrument_rules::round_price(decimal price, price_rounding mode) const {
    return on_grid(price, min_price, tick_size, to_rounding(mode));
}

decimal instrument_rules::limit_price(core::side s, decimal price) const {
    return round_price(price, s == core::side::buy ? price_rounding::down : price_rounding::up);
}

decimal instrument_rules::stop_price(core::position_side position, decimal price) const {
    return round_price(price, position == core::position_side::long_ ? price_rounding::up : price_rounding::down);
}

decimal instrument_rules::max_quantity(core::order_type type) const noexcept {
    if (type == core::order_type::market && market_max_qty.is_positive()) return market_max_qty;
    return max_qty;
}

decimal instrument_rules::floor_quantity(decimal qty, core::order_type type) const {
    const decimal cap = max_quantity(type);
    if (cap.is_positive() && qty > cap) qty = cap;
    // Below the minimum the grid origin would push the result further down; the plain step grid
    // gives the honest "this much fits" answer, which validate() then reports as below min.
    decimal out = qty >= min_qty ? on_grid(qty, min_qty, step_size, rounding::floor)
                                 : (step_size.is_positive() ? qty.floor_to_step(step_size) : qty);
    if (out.is_negative()) out = step_size.is_positive() ? decimal{}.floor_to_step(step_size) : decimal{};
    return out;
}

decimal instrument_rules::quantity_for_notional(decimal notional_value, decimal price, core::order_type type) const {
    if (!price.is_positive() || !notional_value.is_positive()) return decimal{};
    const int scale = std::min(decimal::max_scale, std::max(step_size.scale(), 0) + 2);
    return floor_quantity(notional_value.divide(price, scale, rounding::down), type);
}

decimal instrument_rules::min_order_quantity(decimal price) const {
    decimal qty = min_qty;
    if (min_notional.is_positive() && price.is_positive()) {
        const int scale = std::min(decimal::max_scale, std::max(step_size.scale(), 0) + 2);
        const decimal needed = min_notional.divide(price, scale, rounding::ceiling);
        qty = std::max(qty, on_grid(needed, min_qty, step_size, rounding::ceiling));
        // The division was rounded; make sure the grid quantity really reaches the notional.
        while (step_size.is_positive() && !meets_min_notional(qty, price)) qty += step_size;
    }
    return qty;
}

decimal instrument_rules::notional(decimal qty, decimal price) {
    return qty.multiply(price, product_scale, rounding::down);
}

bool instrument_rules::meets_min_notional(decimal qty, decimal price) const {
    return !min_notional.is_positive() || notional(qty, price) >= min_notional;
}

std::optional<rule_violation> instrument_rules::validate(const order_intent& in) const {
    if (!trading) return rule_violation::not_trading;
    const bool conditional = is_conditional(in.type);
    const bool limit = in.type == core::order_type::limit;

    // Decimals first (-1111), then PRICE_FILTER (-4013/-4002/-4014), for price and trigger.
    if (limit && !in.price) return rule_violation::price_missing;
    if (conditional && in.type != core::order_type::trailing_stop_market && !in.trigger_price) {
        return rule_violation::price_missing;
    }
    if (limit) {
        if (auto v = check_price(*this, *in.price)) return v;
    }
    if (conditional && in.trigger_price) {
        if (auto v = check_price(*this, *in.trigger_price)) return v;
    }

    // LOT_SIZE / MARKET_LOT_SIZE (-4003/-4004/-4005/-4023). A close-position stop has no quantity.
    if (!in.close_position) {
        const decimal q = in.quantity;
        if (!q.is_positive()) return rule_violation::quantity_not_positive;
        if (too_precise(q, quantity_precision)) return rule_violation::quantity_precision;
        if (min_qty.is_positive() && q < min_qty) return rule_violation::quantity_below_min;
        const decimal cap = max_quantity(conditional ? core::order_type::market : in.type);
        if (cap.is_positive() && q > cap) return rule_violation::quantity_above_max;
        if (!is_on_grid(q, min_qty, step_size)) return rule_violation::quantity_off_step;
    }

    // PERCENT_PRICE (-4016/-4024) for limit prices only; a market order's check (-4131) depends
    // on the book and cannot be done here.
    if (limit && (band_up.is_positive() || band_down.is_positive())) {
        if (!in.mark_price) return rule_violation::reference_price_missing;
        if (in.side == core::side::buy && band_up.is_positive() &&
            *in.price > in.mark_price->multiply(band_up, product_scale, rounding::floor)) {
            return rule_violation::price_above_band;
        }
        if (in.side == core::side::sell && band_down.is_positive() &&
            *in.price < in.mark_price->multiply(band_down, product_scale, rounding::ceiling)) {
            return rule_violation::price_below_band;
        }
    }

    // MIN_NOTIONAL (-4164): limit orders at their price, everything else at the mark price.
    if (min_notional.is_positive() && !in.reduce_only && !in.close_position) {
        const std::optional<decimal> at = limit ? in.price : in.mark_price;
        if (!at) return rule_violation::reference_price_missing;
        if (!meets_min_notional(in.quantity, *at)) return rule_violation::notional_below_min;
    }

    // A stop the mark has already crossed is refused (-2021 / 110092 / 110093): §A7 trigger
    // rules, STOP_MARKET BUY fires at mark >= trigger, SELL at mark <= trigger.
    if (in.type == core::order_type::stop_market && in.trigger_price && in.mark_price) {
        const bool fires = in.side == core::side::buy ? *in.mark_price >= *in.trigger_price
                                                      : *in.mark_price <= *in.trigger_price;
        if (fires) return rule_violation::trigger_would_fire;
    }
    if (in.type == core::order_type::take_profit_market && in.trigger_price && in.mark_price) {
        const bool fires = in.side == core::side::buy ? *in.mark_price <= *in.trigger_price
                                                      : *in.mark_price >= *in.trigger_price;
        if (fires) return rule_violation::trigger_would_fire;
    }
    return std::nullopt;
}

}  // namespace tradebot::exchange
