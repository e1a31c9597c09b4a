#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"

namespace tradebot::sim::engine {

// One notional tier of a Binance symbol (GET /fapi/v1/leverageBracket): positions up to
// notional_cap may use at most initial_leverage.
struct leverage_bracket {
    int bracket = 1;
    int initial_leverage = 1;
    core::decimal notional_floor;
    core::decimal notional_cap;
    core::decimal maint_margin_ratio;
    core::decimal cum;
};

// One tradable contract with the venue's filters. A zero bound disables that rule, as on
// Binance (PRICE_FILTER fields set to 0 are not checked).
struct instrument {
    core::symbol symbol;       // internal BASEQUOTE form
    std::string venue_symbol;  // the venue's spelling ("SHIB1000USDT"); empty = same as symbol
    std::string base_asset;
    std::string quote_asset = "USDT";

    core::decimal tick_size = core::decimal::from_string("0.01");
    core::decimal min_price;
    core::decimal max_price;
    core::decimal step_size = core::decimal::from_string("0.001");
    core::decimal min_qty;
    core::decimal max_qty;
    core::decimal market_max_qty;  // MARKET_LOT_SIZE maxQty / Bybit maxMktOrderQty
    core::decimal min_notional;
    // PERCENT_PRICE; zero disables the band.
    core::decimal multiplier_up;
    core::decimal multiplier_down;
    int max_leverage = 125;
    // Empty: derived from max_leverage (leverage_bracket.hpp). Otherwise the first bracket's
    // initial_leverage is the maximum and max_leverage is ignored.
    std::vector<leverage_bracket> leverage_brackets;
    // pricePrecision / quantityPrecision: the most decimals a request may carry (-1111).
    std::optional<int> price_precision;
    std::optional<int> qty_precision;
    core::decimal maintenance_margin_rate = core::decimal::from_string("0.004");
    std::chrono::hours funding_interval{8};
    int max_open_orders = 200;

    [[nodiscard]] std::string venue_name() const { return venue_symbol.empty() ? symbol.str() : venue_symbol; }
};

}  // namespace tradebot::sim::engine
