#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"

namespace tradebot::exchange {

// Which way a price goes onto the tick grid. The caller chooses, because the safe direction
// depends on what the price is for (see instrument_rules::limit_price / stop_price).
enum class price_rounding : std::uint8_t { down, up, nearest };

// An order as the core means to send it, in internal vocabulary, for validate().
struct order_intent {
    core::order_type type = core::order_type::market;
    core::side side = core::side::buy;
    core::decimal quantity;                      // ignored with close_position
    std::optional<core::decimal> price;          // limit orders
    std::optional<core::decimal> trigger_price;  // stop_market / take_profit_market
    // The current mark price: needed for the percent-price band, the notional of market and
    // close-position orders, and the "would trigger immediately" check of stops.
    std::optional<core::decimal> mark_price;
    bool reduce_only = false;
    bool close_position = false;  // Binance closePosition / Bybit position stop: no quantity
};

// The filter an order would fail, in the order the venue checks them (exchange-apis.md §A12
// step 8, §B11 step 8): status, decimals, price filter, lot size, percent price, notional.
enum class rule_violation : std::uint8_t {
    not_trading = 1,          // Binance -4141 / -1121, Bybit 110074
    price_missing,            // limit without price, stop without trigger price -1102
    price_not_positive,       // -4013 / 10001
    price_precision,          // more decimals than pricePrecision: -1111
    price_below_min,          // -4013
    price_above_max,          // -4002
    price_off_tick,           // -4014
    quantity_not_positive,    // -4003
    quantity_precision,       // -1111
    quantity_below_min,       // -4004 / Bybit 10001 "exceeds minimum limit"
    quantity_above_max,       // -4005 / Bybit 10001 "exceeds maximum limit" (market: market max)
    quantity_off_step,        // -4023 / Bybit 10001 "Qty invalid"
    reference_price_missing,  // a check needs mark_price and none was given
    price_above_band,         // buy limit above mark x multiplierUp: -4016 / 110003 / 110121
    price_below_band,         // sell limit below mark x multiplierDown: -4024 / 110003 / 110120
    notional_below_min,       // -4164 / 110094
    trigger_would_fire,       // stop already crossed by mark: -2021 / 110092 / 110093
};

[[nodiscard]] std::string_view to_string(rule_violation v) noexcept;

// One instrument's trading rules in internal form, filled by the venue adapter from
// exchangeInfo (Binance §A5) or instruments-info (Bybit §B5). A zero limit means "no limit",
// as on Binance where a filter field of 0 disables the rule.
//
// Rounding rules (the core never sends what the venue would reject, and never takes more risk
// than asked):
// - quantity is always floored to the step (never more exposure than sized), then capped at the
//   max for the order type (MARKET_LOT_SIZE / maxMktOrderQty for market orders);
// - a limit buy rounds its price down and a limit sell up (never pay more / sell for less);
// - a protective stop rounds towards the position's side of the market: up for a long (sell
//   stop below price), down for a short, so the stop is never looser than the risk asked for.
//   Tighter can mean "already crossed": validate() with mark_price catches that.
// Grids start at the minimum (Binance: (price - minPrice) % tickSize == 0, §A5), which is the
// plain multiple-of-tick grid whenever the minimum is itself on the grid.
struct instrument_rules {
    core::symbol symbol;  // internal form
    bool trading = true;  // Binance status TRADING / Bybit Trading

    core::decimal tick_size;  // PRICE_FILTER.tickSize / priceFilter.tickSize
    core::decimal min_price;
    core::decimal max_price;
    core::decimal step_size;  // LOT_SIZE.stepSize / lotSizeFilter.qtyStep
    core::decimal min_qty;
    core::decimal max_qty;         // limit orders
    core::decimal market_max_qty;  // MARKET_LOT_SIZE.maxQty / maxMktOrderQty; 0: same as max_qty
    core::decimal min_notional;    // MIN_NOTIONAL.notional / minNotionalValue
    // PERCENT_PRICE multipliers (e.g. 1.15 / 0.85); 0: no band known. Bybit's band moved to
    // /v5/market/price-limit in 2026 (§B5); its adapter may leave these 0.
    core::decimal band_up;
    core::decimal band_down;
    int price_precision = -1;     // Binance pricePrecision / Bybit priceScale; -1: unknown
    int quantity_precision = -1;  // Binance quantityPrecision; -1: unknown (Bybit has none)
    // Bybit leverageFilter.maxLeverage; 0 (unknown) for Binance, whose exchangeInfo has none: its
    // client reads the leverage brackets per symbol (binance::client::leverage_brackets).
    core::decimal max_leverage;
    // Base-asset units per unit of quantity: 1000 for 1000SHIBUSDT / SHIB1000USDT, 1 otherwise.
    // Prices and quantities stay in the venue's units; this only converts for reporting.
    std::int64_t contract_multiplier = 1;

    [[nodiscard]] core::decimal round_price(core::decimal price, price_rounding mode) const;
    [[nodiscard]] core::decimal limit_price(core::side side, core::decimal price) const;
    [[nodiscard]] core::decimal stop_price(core::position_side position, core::decimal price) const;

    // The maximum quantity for the order type (market orders have their own, usually smaller).
    [[nodiscard]] core::decimal max_quantity(core::order_type type) const noexcept;
    // Floored to the step and capped at max_quantity(type); never negative. May be below
    // min_qty: validate() reports that, the caller decides (skip or size up).
    [[nodiscard]] core::decimal floor_quantity(core::decimal qty, core::order_type type) const;
    // The largest on-step quantity whose notional at `price` is <= `notional`.
    [[nodiscard]] core::decimal quantity_for_notional(core::decimal notional, core::decimal price,
                                                      core::order_type type) const;
    // The smallest on-step quantity >= min_qty whose notional at `price` reaches min_notional.
    [[nodiscard]] core::decimal min_order_quantity(core::decimal price) const;

    [[nodiscard]] static core::decimal notional(core::decimal qty, core::decimal price);
    [[nodiscard]] bool meets_min_notional(core::decimal qty, core::decimal price) const;

    // The first filter the intent fails, or nullopt when the venue should accept it.
    // Reduce-only and close-position orders are exempt from MIN_NOTIONAL (Binance -4164 text;
    // for Bybit 110094 the same exemption is assumed [U]).
    [[nodiscard]] std::optional<rule_violation> validate(const order_intent& intent) const;
};

}  // namespace tradebot::exchange
