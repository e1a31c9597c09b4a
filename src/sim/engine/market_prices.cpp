#include "tradebot/sim/engine/market_prices.hpp"

namespace tradebot::sim::engine {

market_prices market_prices::from_mid(core::decimal mid, core::decimal spread, core::decimal tick,
                                      core::decimal depth_qty) {
    const core::decimal half = spread.divide(core::decimal::from_int(2), core::decimal::max_scale / 2,
                                             core::rounding::half_up);
    market_prices p;
    p.mark = mid;
    p.last = mid;
    p.index = mid;
    p.bid = (mid - half).floor_to_step(tick);
    p.ask = (mid + half).ceil_to_step(tick);
    if (p.ask == p.bid) {
        p.ask = p.bid + tick;
    }
    p.bid_qty = depth_qty;
    p.ask_qty = depth_qty;
    return p;
}

}  // namespace tradebot::sim::engine
