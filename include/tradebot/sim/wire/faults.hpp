#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tradebot/core/decimal.hpp"

namespace tradebot::sim::wire {

// Faults a test arms through the control API (POST /sim/fault). One instance per venue; the
// transport consumes the connection-level ones, the venue the protocol-level ones. Counters
// count down by one per request they affect; the simulator is single-threaded, so plain fields.
struct faults {
    // --- transport (applied by the server before the venue sees the request) -------------
    int http_5xx_next = 0;      // answer the next N REST requests with HTTP 503
    int reset_next = 0;         // close the next N REST connections without an answer
    // --- venue ----------------------------------------------------------------------------
    int hang_after_accept_next = 0;  // carry out the next N order requests, then never answer
    // Reject the next REST request with this venue code (Binance: HTTP 400 {code,msg};
    // Bybit: HTTP 200 {retCode,retMsg}). An empty message takes the venue's text for the code.
    std::optional<int> reject_next_code;
    std::string reject_next_message;
    bool empty_positions_once = false;  // the next position query returns no positions
    // The next market order fills only this fraction, the rest expires (engine::exchange::
    // fill_next_market_partially); handed to the engine by the order handler.
    std::optional<core::decimal> partial_fill_next;
    // A position opened less than this long ago is missing from REST position queries
    // (Bybit's real lag; Binance's is zero). Set by scenario or control API.
    std::chrono::milliseconds position_visibility_delay{0};
    bool expire_listen_keys = false;  // Binance: expire every listenKey at the next tick()
    bool throttle = false;  // every weighted request exceeds the limit: 429, then 418 bans
    // --- streams (applied by the server to every open WebSocket of the venue) -------------
    bool streams_stalled = false;  // sockets stay open, nothing is sent (pings unanswered too)
    // Every WebSocket of the venue forgets its market-data subscriptions of this symbol (venue
    // name, "BTCUSDT") at its next price publication, without a word to the client; consumed
    // then. A new SUBSCRIBE brings it back.
    std::string drop_subscription;
    int refuse_subscribe_next = 0;  // refuse the next N public SUBSCRIBE / subscribe requests
};

}  // namespace tradebot::sim::wire
