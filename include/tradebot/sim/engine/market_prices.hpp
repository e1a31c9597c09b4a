#pragma once

#include "tradebot/core/decimal.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

// The market of one symbol as the scenario driver sets it: the book is a single level per side.
struct market_prices {
    core::decimal mark;
    core::decimal last;
    core::decimal index;
    core::decimal bid;
    core::decimal ask;
    core::decimal bid_qty;
    core::decimal ask_qty;

    // A book around `mid` with `spread` between bid and ask (rounded outwards to `tick`);
    // mark, last and index all equal mid.
    static market_prices from_mid(core::decimal mid, core::decimal spread, core::decimal tick,
                                  core::decimal depth_qty);

    [[nodiscard]] core::decimal by(working_type w) const noexcept {
        switch (w) {
        case working_type::mark: return mark;
        case working_type::last: return last;
        case working_type::index: return index;
        }
        return last;
    }
    [[nodiscard]] bool valid() const noexcept { return mark.is_positive() && last.is_positive(); }

    friend bool operator==(const market_prices&, const market_prices&) = default;
};

}  // namespace tradebot::sim::engine
