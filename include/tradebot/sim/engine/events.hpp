#pragma once

#include <string>
#include <variant>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/sim/engine/conditional_order.hpp"
#include "tradebot/sim/engine/order.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

// What the engine tells the wire servers. Each event carries the account it belongs to and
// its time; the order/conditional events carry the full record after the change, so a wire
// layer can render ORDER_TRADE_UPDATE / ALGO_UPDATE / Bybit `order` without a lookup.

struct order_event {  // NEW, CANCELED, EXPIRED, REJECTED (status in the record)
    time_point time{};
    order record;
    bool amended = false;  // a modify changed the open order's price or quantity (Binance AMENDMENT)
    friend bool operator==(const order_event&, const order_event&) = default;
};

struct fill_event {  // one execution: TRADE / Bybit execution
    time_point time{};
    order record;  // after the fill (PARTIALLY_FILLED or FILLED)
    std::int64_t trade_id = 0;
    core::decimal qty;
    core::decimal price;
    core::decimal fee;
    core::decimal realized_pnl;
    liquidity role = liquidity::taker;
    core::decimal closed_qty;     // the part of qty that reduced the position (Bybit closed-pnl)
    core::decimal closed_entry;   // the position's entry price for that part
    friend bool operator==(const fill_event&, const fill_event&) = default;
};

struct conditional_event {  // algo NEW / CANCELED / EXPIRED / TRIGGERED / REJECTED
    time_point time{};
    conditional_order record;
    friend bool operator==(const conditional_event&, const conditional_event&) = default;
};

struct position_event {
    time_point time{};
    account_id account;
    core::symbol symbol;
    core::decimal size;
    core::decimal entry_price;
    core::decimal unrealized_pnl;
    std::string reason;  // ORDER, FUNDING_FEE, LIQUIDATION ...
    friend bool operator==(const position_event&, const position_event&) = default;
};

struct balance_event {
    time_point time{};
    account_id account;
    std::string asset;
    core::decimal wallet_balance;
    core::decimal change;
    std::string reason;  // ORDER, FUNDING_FEE, LIQUIDATION, DEPOSIT
    friend bool operator==(const balance_event&, const balance_event&) = default;
};

struct funding_event {
    time_point time{};
    account_id account;
    core::symbol symbol;
    core::decimal rate;
    core::decimal mark;
    core::decimal position_size;
    core::decimal amount;  // signed change of the wallet: negative = paid
    friend bool operator==(const funding_event&, const funding_event&) = default;
};

struct liquidation_event {
    time_point time{};
    account_id account;
    core::symbol symbol;
    core::decimal size;   // the signed size that was closed
    core::decimal price;
    core::decimal realized_pnl;
    margin_mode mode = margin_mode::cross;
    friend bool operator==(const liquidation_event&, const liquidation_event&) = default;
};

struct trading_stop_event {  // a position TP/SL/trailing leg fired
    time_point time{};
    account_id account;
    core::symbol symbol;
    std::string leg;  // take_profit, stop_loss, trailing_stop
    core::decimal trigger_price;
    order_id order = 0;
    friend bool operator==(const trading_stop_event&, const trading_stop_event&) = default;
};

using event = std::variant<order_event, fill_event, conditional_event, position_event, balance_event, funding_event,
                           liquidation_event, trading_stop_event>;

[[nodiscard]] time_point event_time(const event& e);
[[nodiscard]] const account_id& event_account(const event& e);
// One line per event, stable across runs: the determinism tests and the event log use it.
[[nodiscard]] std::string to_string(const event& e);

}  // namespace tradebot::sim::engine
