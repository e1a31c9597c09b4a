#pragma once

#include <optional>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"

namespace tradebot::sim::engine {

// A one-way position: signed size (negative = short), weighted-average entry on increase,
// entry unchanged on reduce, realized PnL on every reduce; a fill larger than the position
// flips it and opens the rest at the fill price.
class position {
public:
    struct fill_effect {
        core::decimal realized_pnl;  // from the closed part
        core::decimal closed_qty;
        core::decimal opened_qty;
    };

    position() = default;
    explicit position(core::symbol s) : symbol_{s} {}

    fill_effect apply_fill(core::side side, core::decimal qty, core::decimal price);

    [[nodiscard]] const core::symbol& symbol() const noexcept { return symbol_; }
    [[nodiscard]] core::decimal size() const noexcept { return size_; }
    [[nodiscard]] core::decimal abs_size() const { return size_.abs(); }
    [[nodiscard]] core::decimal entry_price() const noexcept { return entry_; }
    [[nodiscard]] core::decimal cumulative_realized_pnl() const noexcept { return realized_; }
    [[nodiscard]] bool is_flat() const noexcept { return size_.is_zero(); }
    [[nodiscard]] std::optional<core::position_side> direction() const noexcept;

    [[nodiscard]] core::decimal unrealized_pnl(core::decimal mark) const;
    [[nodiscard]] core::decimal notional(core::decimal mark) const;
    [[nodiscard]] core::decimal initial_margin(core::decimal mark, int leverage) const;
    [[nodiscard]] core::decimal maintenance_margin(core::decimal mark, core::decimal rate) const;

    // Isolated mode: the margin locked in this position (entry notional / leverage, added on
    // increase, released pro rata on reduce).
    [[nodiscard]] core::decimal isolated_margin() const noexcept { return isolated_margin_; }
    void set_isolated_margin(core::decimal m) noexcept { isolated_margin_ = m; }

    friend bool operator==(const position&, const position&) = default;

private:
    core::symbol symbol_;
    core::decimal size_;
    core::decimal entry_;
    core::decimal realized_;
    core::decimal isolated_margin_;
};

}  // namespace tradebot::sim::engine
