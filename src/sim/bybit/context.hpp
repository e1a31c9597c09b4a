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

    // Order and execution history rebuilt from engine events (the engine keeps open state only
    // queryable by account; history needs every final record).
    std::map<engine::order_id, engine::order> orders;
    std::map<engine::order_id, engine::conditional_order> conditionals;
    std::deque<execution_record> executions;
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
