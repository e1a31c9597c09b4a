#pragma once

#include <optional>
#include <vector>

#include "tradebot/core/decimal.hpp"
#include "tradebot/sim/engine/conditional_order.hpp"
#include "tradebot/sim/engine/instrument.hpp"
#include "tradebot/sim/engine/market_prices.hpp"
#include "tradebot/sim/engine/order.hpp"
#include "tradebot/sim/engine/trading_stop.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

// Read-only views computed at the current mark; what /sim/state, positionRisk and
// wallet-balance render.
struct position_view {
    core::symbol symbol;
    core::decimal size;
    core::decimal entry_price;
    core::decimal mark_price;
    core::decimal unrealized_pnl;
    core::decimal notional;
    core::decimal initial_margin;
    core::decimal maintenance_margin;
    core::decimal liquidation_price;  // zero when the position cannot be liquidated
    core::decimal cumulative_realized_pnl;
    core::decimal isolated_margin;
    int leverage = 1;
    margin_mode mode = margin_mode::cross;
    std::optional<trading_stop> stop;
};

struct account_view {
    account_id id;
    std::string asset;
    core::decimal wallet_balance;
    core::decimal unrealized_pnl;
    core::decimal margin_balance;  // wallet + unrealized
    core::decimal position_initial_margin;
    core::decimal open_order_initial_margin;
    core::decimal maintenance_margin;
    core::decimal available_balance;  // margin balance - position IM - open order IM, not below 0
    position_mode pos_mode = position_mode::one_way;
    std::vector<position_view> positions;  // non-flat only
};

struct symbol_view {
    instrument spec;
    market_prices prices;
    core::decimal funding_rate;
    time_point next_funding{};
};

struct exchange_snapshot {
    time_point time{};
    std::vector<symbol_view> symbols;
    std::vector<account_view> accounts;
    std::vector<order> open_orders;
    std::vector<conditional_order> open_conditionals;
};

}  // namespace tradebot::sim::engine
