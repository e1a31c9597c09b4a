#include "tradebot/sim/engine/filters.hpp"

namespace tradebot::sim::engine {

namespace {

rejection violation(reject_reason r, core::decimal submitted, std::optional<core::decimal> limit = {}) {
    rejection out = reject(r);
    out.submitted = submitted;
    out.limit = limit;
    return out;
}

}  // namespace

std::optional<rejection> check_price_precision(const instrument& i, core::decimal price) {
    if (i.price_precision && price.normalized().scale() > *i.price_precision) {
        return violation(reject_reason::invalid_price_precision, price);
    }
    return std::nullopt;
}

std::optional<rejection> check_qty_precision(const instrument& i, core::decimal qty) {
    if (i.qty_precision && qty.normalized().scale() > *i.qty_precision) {
        return violation(reject_reason::invalid_qty_precision, qty);
    }
    return std::nullopt;
}

std::optional<rejection> check_price_filter(const instrument& i, core::decimal price) {
    if (!price.is_positive()) {
        return violation(reject_reason::price_not_positive, price);
    }
    if (i.min_price.is_positive() && price < i.min_price) {
        return violation(reject_reason::price_below_min, price, i.min_price);
    }
    if (i.max_price.is_positive() && price > i.max_price) {
        return violation(reject_reason::price_above_max, price, i.max_price);
    }
    if (i.tick_size.is_positive() && !(price - i.min_price).is_multiple_of(i.tick_size)) {
        return violation(reject_reason::invalid_price_tick, price, i.tick_size);
    }
    return std::nullopt;
}

std::optional<rejection> check_lot_size(const instrument& i, core::decimal qty, bool market) {
    if (!qty.is_positive()) {
        return violation(reject_reason::qty_not_positive, qty);
    }
    if (i.min_qty.is_positive() && qty < i.min_qty) {
        return violation(reject_reason::qty_too_small, qty, i.min_qty);
    }
    const core::decimal max = market && i.market_max_qty.is_positive() ? i.market_max_qty : i.max_qty;
    if (max.is_positive() && qty > max) {
        return violation(reject_reason::qty_too_large, qty, max);
    }
    if (i.step_size.is_positive() && !(qty - i.min_qty).is_multiple_of(i.step_size)) {
        return violation(reject_reason::invalid_qty_step, qty, i.step_size);
    }
    return std::nullopt;
}

std::optional<rejection> check_percent_price(const instrument& i, core::side side, core::decimal price,
                                             core::decimal mark) {
    if (side == core::side::buy && i.multiplier_up.is_positive()) {
        const core::decimal cap = mark * i.multiplier_up;
        if (price > cap) {
            return violation(reject_reason::price_above_percent_range, price, cap);
        }
    }
    if (side == core::side::sell && i.multiplier_down.is_positive()) {
        const core::decimal floor = mark * i.multiplier_down;
        if (price < floor) {
            return violation(reject_reason::price_below_percent_range, price, floor);
        }
    }
    return std::nullopt;
}

std::optional<rejection> check_market_percent_price(const instrument& i, core::side side, core::decimal counter_price,
                                                    core::decimal mark) {
    if (auto r = check_percent_price(i, side, counter_price, mark)) {
        r->reason = reject_reason::market_price_out_of_percent_range;
        return r;
    }
    return std::nullopt;
}

std::optional<rejection> check_min_notional(const instrument& i, core::decimal price, core::decimal qty) {
    if (i.min_notional.is_positive() && price * qty < i.min_notional) {
        return violation(reject_reason::below_min_notional, price * qty, i.min_notional);
    }
    return std::nullopt;
}

}  // namespace tradebot::sim::engine
