#pragma once

#include <ostream>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/exchange/instrument_rules.hpp"

// Readable decimals in GoogleTest failure messages (found by ADL in tradebot::core).
namespace tradebot::core {
inline void PrintTo(const decimal& d, std::ostream* os) { *os << d.to_string(); }
}  // namespace tradebot::core

namespace tradebot::protection::test {

// A USDT perpetual with a 0.01 tick on the plain grid.
inline exchange::instrument_rules cent_rules() {
    exchange::instrument_rules r;
    r.symbol = core::symbol::from_string("TESTUSDT");
    r.tick_size = core::decimal::from_string("0.01");
    r.min_price = core::decimal::from_string("0.01");
    r.max_price = core::decimal::from_string("1000000");
    r.step_size = core::decimal::from_string("0.001");
    r.min_qty = core::decimal::from_string("0.001");
    r.price_precision = 2;
    r.quantity_precision = 3;
    return r;
}

}  // namespace tradebot::protection::test
