// Venue budgets and endpoint costs: the prior that the venue's headers then correct.
#include <algorithm>
#include <array>
#include <utility>

#include "tradebot/exchange/rate_limiter_core.hpp"

namespace tradebot::exchange {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view weight = "weight_1m";
constexpr std::string_view orders_10s = "orders_10s";
constexpr std::string_view orders_1m = "orders_1m";
constexpr std::string_view bybit_ip = "ip_5s";

struct bybit_endpoint_limit {
    std::string_view path;
    std::int64_t per_second;
};

// exchange-apis.md §B3 "Default per-UID limits (linear, per second)".
constexpr std::array bybit_endpoint_limits{
    bybit_endpoint_limit{"/v5/order/create", 10},
    bybit_endpoint_limit{"/v5/order/amend", 10},
    bybit_endpoint_limit{"/v5/order/cancel", 10},
    bybit_endpoint_limit{"/v5/order/create-batch", 10},
    bybit_endpoint_limit{"/v5/order/amend-batch", 10},
    bybit_endpoint_limit{"/v5/order/cancel-batch", 10},
    bybit_endpoint_limit{"/v5/order/pre-check", 10},
    bybit_endpoint_limit{"/v5/order/cancel-all", 10},
    bybit_endpoint_limit{"/v5/order/disconnected-cancel-all", 5},
    bybit_endpoint_limit{"/v5/order/realtime", 50},
    bybit_endpoint_limit{"/v5/order/history", 50},
    bybit_endpoint_limit{"/v5/execution/list", 50},
    bybit_endpoint_limit{"/v5/position/list", 50},
    bybit_endpoint_limit{"/v5/position/closed-pnl", 50},
    bybit_endpoint_limit{"/v5/account/wallet-balance", 50},
    bybit_endpoint_limit{"/v5/account/info", 50},
    bybit_endpoint_limit{"/v5/position/set-leverage", 10},
    bybit_endpoint_limit{"/v5/position/switch-mode", 10},
    bybit_endpoint_limit{"/v5/position/trading-stop", 10},
    bybit_endpoint_limit{"/v5/position/add-margin", 10},
    bybit_endpoint_limit{"/v5/account/fee-rate", 5},
    bybit_endpoint_limit{"/v5/account/set-margin-mode", 5},
    bybit_endpoint_limit{"/v5/account/transaction-log", 25},
};

// The requests that place or move an order or the position's stop: each has its own per-UID
// budget above, so the operator's per-request ceilings leave them out (request_cost::places_order).
constexpr std::array<std::string_view, 5> bybit_order_placement{
    "/v5/order/create", "/v5/order/amend", "/v5/order/create-batch", "/v5/order/amend-batch",
    "/v5/position/trading-stop",
};

// The Binance requests that the ORDERS counters count (request_cost::places_order).
request_cost placing(request_cost& c) noexcept {
    c.places_order = true;
    return c;
}

}  // namespace

std::string_view to_string(request_priority p) noexcept {
    switch (p) {
        case request_priority::critical: return "critical";
        case request_priority::normal: return "normal";
        case request_priority::background: return "background";
    }
    return "unknown";
}

rate_limits_config binance_limits(bool testnet) {
    rate_limits_config c;
    c.venue = core::exchange_id::binance;
    c.budgets = {
        budget_config{std::string{weight}, testnet ? 6000 : 2400, 60s},
        budget_config{std::string{orders_10s}, 300, 10s},
        budget_config{std::string{orders_1m}, 1200, 60s},
    };
    c.default_ban = 2min;  // §A3: the 418 ban grows from 2 minutes to 3 days
    return c;
}

rate_limits_config bybit_limits() {
    rate_limits_config c;
    c.venue = core::exchange_id::bybit;
    c.budgets.push_back(budget_config{std::string{bybit_ip}, 600, 5s});
    for (const auto& e : bybit_endpoint_limits) c.budgets.push_back(budget_config{std::string{e.path}, e.per_second, 1s});
    c.default_ban = 10min;  // §B3: HTTP 403 "access too frequent": wait at least 10 minutes
    return c;
}

request_cost& request_cost::add(std::string_view budget, std::int32_t w) noexcept {
    if (size < items.size()) items[size++] = item{budget, w};
    return *this;
}

bool request_cost::shares_budget_with(const request_cost& other) const noexcept {
    for (std::uint8_t i = 0; i < size; ++i) {
        for (std::uint8_t j = 0; j < other.size; ++j) {
            if (items[i].budget == other.items[j].budget) return true;
        }
    }
    return false;
}

std::int32_t request_cost::weight_of(std::string_view budget) const noexcept {
    std::int32_t w = 0;
    for (std::uint8_t i = 0; i < size; ++i) {
        if (items[i].budget == budget) w += items[i].weight;
    }
    return w;
}

// Weights from exchange-apis.md §A3 "Weights [C]". Order counters: POST /order and PUT /order
// count 1 on 10s and 1m, batchOrders 5 on 10s and 1 on 1m, algoOrder 1/1 since 2026-06-20.
request_cost binance_cost(binance_endpoint e) noexcept {
    request_cost c;
    switch (e) {
        case binance_endpoint::time:
        case binance_endpoint::exchange_info:
        case binance_endpoint::premium_index:
        case binance_endpoint::ticker_price: return c.add(weight, 1);
        case binance_endpoint::premium_index_all: return c.add(weight, 10);
        case binance_endpoint::ticker_price_all: return c.add(weight, 2);
        // Not in the reference's table; the venue's endpoint page says 2 with a symbol [U].
        case binance_endpoint::book_ticker: return c.add(weight, 2);
        case binance_endpoint::book_ticker_all: return c.add(weight, 5);  // [U] the same page: 5 without
        case binance_endpoint::balance:
        case binance_endpoint::account:
        case binance_endpoint::position_risk: return c.add(weight, 5);  // docs 5; 2024 log said 10
        case binance_endpoint::open_orders: return c.add(weight, 1);
        case binance_endpoint::open_orders_all: return c.add(weight, 40);
        case binance_endpoint::order_new: return placing(c.add(weight, 0).add(orders_10s, 1).add(orders_1m, 1));
        case binance_endpoint::order_amend: return placing(c.add(weight, 1).add(orders_10s, 1).add(orders_1m, 1));
        case binance_endpoint::order_query:
        case binance_endpoint::order_cancel: return c.add(weight, 1);
        case binance_endpoint::batch_orders: return placing(c.add(weight, 5).add(orders_10s, 5).add(orders_1m, 1));
        case binance_endpoint::algo_order_new: return placing(c.add(weight, 0).add(orders_10s, 1).add(orders_1m, 1));
        case binance_endpoint::algo_order_query:
        case binance_endpoint::algo_order_cancel:
        case binance_endpoint::open_algo_orders: return c.add(weight, 1);
        case binance_endpoint::open_algo_orders_all: return c.add(weight, 40);
        case binance_endpoint::all_algo_orders: return c.add(weight, 5);
        case binance_endpoint::leverage:
        case binance_endpoint::margin_type:
        case binance_endpoint::position_mode_set:
        case binance_endpoint::listen_key: return c.add(weight, 1);
        case binance_endpoint::position_mode_get:
        case binance_endpoint::income: return c.add(weight, 30);
        case binance_endpoint::klines: return c.add(weight, 1);  // limit [1,100)
        // [U] /openInterest is not in the reference; the venue's page says 1.
        case binance_endpoint::open_interest: return c.add(weight, 1);
        // [U] /leverageBracket is not in the reference; the venue's page says 1 with or without symbol.
        case binance_endpoint::leverage_bracket: return c.add(weight, 1);
        // [U] /symbolConfig is not in the reference; the venue's page says 5.
        case binance_endpoint::symbol_config: return c.add(weight, 5);
    }
    return c.add(weight, 1);
}

request_cost bybit_cost(std::string_view path) noexcept {
    request_cost c;
    for (const auto& e : bybit_endpoint_limits) {
        if (e.path == path) {
            c.add(e.path, 1);
            break;
        }
    }
    c.places_order = std::ranges::find(bybit_order_placement, path) != bybit_order_placement.end();
    return c.add(bybit_ip, 1);
}

}  // namespace tradebot::exchange
