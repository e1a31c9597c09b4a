#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "sim/bybit/kline_store.hpp"
#include "sim/bybit/rate_limiter.hpp"
#include "tradebot/sim/engine/events.hpp"
#include "tradebot/sim/engine/exchange.hpp"
#include "tradebot/sim/wire/arrival_log.hpp"
#include "tradebot/sim/wire/faults.hpp"
#include "tradebot/sim/wire/sim_clock.hpp"
#include "tradebot/sim/wire/venue.hpp"

namespace tradebot::sim::bybit {

// One open WebSocket and what it asked for.
struct peer_state {
    wire::ws_peer* peer = nullptr;
    bool is_private = false;
    std::optional<engine::account_id> account;  // set by a successful op=auth
    std::set<std::string> topics;
    std::string conn_id;
};

// One execution as execution/list and the `execution` topic show it.
struct execution_record {
    engine::fill_event fill;
    core::decimal mark_price;
    std::int64_t seq = 0;
    core::decimal open_fee;  // the opening fees of the part this fill closed (closed-pnl openFee)
};

// One row of GET /v5/account/transaction-log: the wallet change of a fill (TRADE, LIQUIDATION) or
// of a funding settlement (SETTLEMENT). The wallet balance and the position size after it come from the
// balance and position events the engine sends right after the fill or the settlement.
struct transaction_record {
    std::int64_t id = 0;
    engine::account_id account;
    core::symbol symbol;
    std::string type;  // TRADE, LIQUIDATION, SETTLEMENT
    std::string side;  // Buy, Sell (the order's; for a settlement the position's), None when flat
    engine::time_point time{};
    core::decimal qty;
    core::decimal trade_price;
    core::decimal funding;    // received: positive, paid: negative
    core::decimal fee;        // paid: positive
    core::decimal cash_flow;  // realized PnL, without fees or funding
    core::decimal fee_rate;
    std::string trade_id;
    engine::order_id order_id = 0;  // 0 for a settlement
    std::optional<core::decimal> size;          // the signed position after it
    std::optional<core::decimal> cash_balance;  // the wallet after it
};

// The opening fees an open position still carries, taken pro rata as it is closed.
struct open_fee_pool {
    core::decimal size;
    core::decimal fee;
};

// Amend is cancel + replace in the engine (it has no amend); the venue keeps the client-facing
// orderId and orderLinkId stable across replacements with this alias table.
struct id_aliases {
    std::map<engine::order_id, engine::order_id> public_of;   // engine id -> public id
    std::map<engine::order_id, engine::order_id> engine_of;   // public id -> current engine id
    std::map<engine::order_id, std::string> link_of;          // public id -> orderLinkId
    std::set<engine::order_id> hidden;  // engine ids whose cancel event the client never sees

    [[nodiscard]] engine::order_id to_public(engine::order_id id) const {
        const auto it = public_of.find(id);
        return it == public_of.end() ? id : it->second;
    }
    [[nodiscard]] engine::order_id to_engine(engine::order_id id) const {
        const auto it = engine_of.find(id);
        return it == engine_of.end() ? id : it->second;
    }
};

// Everything the venue's files share. The simulator is single-threaded: no locks.
struct context {
    context(wire::sim_clock& c, engine::exchange_config config) : clock{c}, ex{c, std::move(config)} {}

    wire::sim_clock& clock;
    engine::exchange ex;
    wire::faults faults;
    std::map<engine::account_id, std::string> secrets;
    bybit::rate_limiter limiter;
    bybit::kline_store klines;
    bybit::kline_store mark_klines;  // the mark price's candles (no volume)
    // Each symbol's funding settlements, oldest first (GET /v5/market/funding/history).
    std::map<core::symbol, std::deque<std::pair<engine::time_point, core::decimal>>> fundings;

    // Order and execution history rebuilt from engine events (the engine keeps open state only
    // queryable by account; history needs every final record).
    std::map<engine::order_id, engine::order> orders;
    std::map<engine::order_id, engine::conditional_order> conditionals;
    std::deque<execution_record> executions;
    std::deque<transaction_record> transactions;
    std::int64_t transaction_id = 500'000'000;
    id_aliases aliases;
    std::int64_t exec_seq = 0;
    std::map<engine::order_id, std::string> tpsl_leg;  // trading-stop child order -> leg
    // TP/SL attached on create to an order that has not filled yet: applied at its first fill.
    std::map<engine::order_id, engine::trading_stop_request> pending_tpsl;
    std::map<std::pair<engine::account_id, core::symbol>, open_fee_pool> open_fees;

    // When each non-flat position was opened (position_visibility_delay).
    std::map<std::pair<engine::account_id, core::symbol>, engine::time_point> position_opened;

    // WebSocket peers by id, and the public ticker state the deltas are computed against.
    std::map<std::uint64_t, peer_state> peers;
    std::map<core::symbol, boost::json::object> last_ticker;
    std::map<core::symbol, std::int64_t> book_update_id;
    std::int64_t cross_seq = 0;
    std::map<core::symbol, std::int64_t> kline_pushed_start;  // the candle kline.1 last pushed
    std::uint64_t conn_counter = 0;
    wire::arrival_log arrivals;  // new orders as order_create placed or refused them
};

}  // namespace tradebot::sim::bybit
