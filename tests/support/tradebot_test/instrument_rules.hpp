#pragma once

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/exchange/instrument_rules.hpp"

namespace tradebot::test {

// A linear perpetual with the given tick and step and roomy limits, for tests that need rules
// without loading a venue's.
inline exchange::instrument_rules rules_for(core::symbol s, core::decimal tick, core::decimal step,
                                            bool trading = true) {
    using core::decimal;
    exchange::instrument_rules r;
    r.symbol = s;
    r.trading = trading;
    r.tick_size = tick;
    r.min_price = tick;
    r.max_price = decimal::from_int(1'000'000);
    r.step_size = step;
    r.min_qty = step;
    r.max_qty = decimal::from_int(1000);
    r.market_max_qty = decimal::from_int(120);
    r.min_notional = decimal::from_int(5);
    r.max_leverage = decimal::from_int(125);
    return r;
}

}  // namespace tradebot::test
