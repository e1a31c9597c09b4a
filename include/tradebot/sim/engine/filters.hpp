#pragma once

#include <optional>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/sim/engine/instrument.hpp"
#include "tradebot/sim/engine/reject_reason.hpp"

namespace tradebot::sim::engine {

// The instrument filters, one rule per function, in the order of the validation pipeline
// (exchange-apis §A12 step 8): precision, PRICE_FILTER, LOT_SIZE / MARKET_LOT_SIZE,
// PERCENT_PRICE, MIN_NOTIONAL.

[[nodiscard]] std::optional<rejection> check_price_precision(const instrument& i, core::decimal price);
[[nodiscard]] std::optional<rejection> check_qty_precision(const instrument& i, core::decimal qty);
// minPrice, maxPrice and the tick grid anchored at minPrice.
[[nodiscard]] std::optional<rejection> check_price_filter(const instrument& i, core::decimal price);
// qty > 0, minQty, maxQty (MARKET_LOT_SIZE maxQty for market orders) and the step grid.
[[nodiscard]] std::optional<rejection> check_lot_size(const instrument& i, core::decimal qty, bool market);
// BUY limit <= mark * up, SELL limit >= mark * down.
[[nodiscard]] std::optional<rejection> check_percent_price(const instrument& i, core::side side, core::decimal price,
                                                           core::decimal mark);
// Market orders: the best counter price must sit inside the band (-4131).
[[nodiscard]] std::optional<rejection> check_market_percent_price(const instrument& i, core::side side,
                                                                  core::decimal counter_price, core::decimal mark);
[[nodiscard]] std::optional<rejection> check_min_notional(const instrument& i, core::decimal price, core::decimal qty);

}  // namespace tradebot::sim::engine
