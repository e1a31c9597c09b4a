#pragma once

// Turns the engine's event log into the events a venue's private stream would carry.

#include <vector>

#include "tradebot/core/types.hpp"
#include "tradebot/events/topic.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/sim/engine/events.hpp"
#include "tradebot/sim/engine/exchange.hpp"

namespace tradebot::exchange::paper {

struct event_sinks {
    core::exchange_id venue = core::exchange_id::binance;  // put into every event
    events::topic<events::order_update>* orders = nullptr;  // null: not published
    events::topic<events::position_update>* positions = nullptr;
    events::topic<events::balance_update>* balances = nullptr;
};

// Publishes the account's events in engine order. Orders go out with their own client ids;
// conditional orders as Binance's algo updates do (algo id, clientAlgoId, untriggered /
// triggered / canceled / expired / rejected) plus the FINISHED update Binance sends once the
// triggered child is final (filled when it executed anything, else canceled), which the engine
// has no event for. Funding, liquidation and trading-stop events are not published themselves:
// their effects arrive as order/position/balance events.
void publish(const std::vector<sim::engine::event>& log, const sim::engine::exchange& engine,
             const sim::engine::account_id& account, const event_sinks& sinks);

}  // namespace tradebot::exchange::paper
