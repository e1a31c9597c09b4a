#include "tradebot/sim/engine/position.hpp"

#include <algorithm>

#include "sim/engine/money.hpp"

namespace tradebot::sim::engine {

namespace {

core::decimal signed_qty(core::side side, core::decimal qty) { return side == core::side::buy ? qty : -qty; }

}  // namespace

position::fill_effect position::apply_fill(core::side side, core::decimal qty, core::decimal price) {
    fill_effect effect;
    const core::decimal delta = signed_qty(side, qty);
    const bool increases = size_.is_zero() || size_.signum() == delta.signum();
    if (increases) {
        const core::decimal old_abs = size_.abs();
        const core::decimal new_abs = old_abs + qty;
        // Weighted average entry, kept to 8 decimals like the venues' entryPrice/avgPrice.
        entry_ = money((old_abs * entry_ + qty * price).divide(new_abs, money_scale, core::rounding::half_even))
                     .normalized();
        size_ += delta;
        effect.opened_qty = qty;
        return effect;
    }
    const core::decimal closing = std::min(qty, size_.abs());
    const core::decimal direction = core::decimal::from_int(size_.signum());
    effect.realized_pnl = money((price - entry_) * closing * direction);
    effect.closed_qty = closing;
    realized_ = money(realized_ + effect.realized_pnl);
    if (!isolated_margin_.is_zero()) {
        // Release the closed share of the isolated margin.
        isolated_margin_ = money(isolated_margin_ -
                                 (isolated_margin_ * closing).divide(size_.abs(), money_scale, core::rounding::half_even));
    }
    size_ += signed_qty(side, closing);
    const core::decimal rest = qty - closing;
    if (size_.is_zero()) {
        entry_ = core::decimal{};
        isolated_margin_ = core::decimal{};
    }
    if (rest.is_positive()) {
        // A flip: the remainder opens the opposite position at the fill price.
        size_ = signed_qty(side, rest);
        entry_ = price;
        effect.opened_qty = rest;
    }
    return effect;
}

std::optional<core::position_side> position::direction() const noexcept {
    if (size_.is_zero()) {
        return std::nullopt;
    }
    return size_.is_positive() ? core::position_side::long_ : core::position_side::short_;
}

core::decimal position::unrealized_pnl(core::decimal mark) const {
    if (size_.is_zero()) {
        return {};
    }
    return money((mark - entry_) * size_);
}

core::decimal position::notional(core::decimal mark) const { return money(size_.abs() * mark); }

core::decimal position::initial_margin(core::decimal mark, int leverage) const {
    return notional(mark).divide(core::decimal::from_int(std::max(leverage, 1)), money_scale,
                                 core::rounding::half_even);
}

core::decimal position::maintenance_margin(core::decimal mark, core::decimal rate) const {
    return money(notional(mark) * rate);
}

}  // namespace tradebot::sim::engine
