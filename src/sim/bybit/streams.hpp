#pragma once

#include <string_view>

#include "sim/bybit/context.hpp"
#include "sim/bybit/protocol.hpp"

namespace tradebot::sim::bybit {

// public_stream.cpp: tickers (snapshot + delta), orderbook.1, publicTrade, kline.1.
void publish_market(context& ctx, const core::symbol& s);
void publish_trade(context& ctx, const engine::fill_event& f);
// The snapshot a new subscriber of a public topic gets; false when the topic is unknown.
bool public_topic_known(const context& ctx, std::string_view topic);
void send_public_snapshot(context& ctx, peer_state& peer, std::string_view topic);

// private_stream.cpp: order, execution, position, wallet for authenticated peers.
void publish_private(context& ctx, const engine::account_id& a, std::string_view topic, json::array data);
bool private_topic_known(std::string_view topic);

// ws_protocol.cpp: op=ping / subscribe / unsubscribe / auth.
void handle_ws_message(context& ctx, peer_state& peer, std::string_view text);

// events.cpp: takes the engine's events after every mutation and fans them out.
void drain_events(context& ctx);

}  // namespace tradebot::sim::bybit
