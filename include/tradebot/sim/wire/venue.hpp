#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "tradebot/core/symbol.hpp"
#include "tradebot/net/http_server.hpp"
#include "tradebot/sim/engine/account.hpp"
#include "tradebot/sim/engine/exchange.hpp"
#include "tradebot/sim/engine/market_prices.hpp"
#include "tradebot/sim/wire/arrival_log.hpp"
#include "tradebot/sim/wire/faults.hpp"

namespace tradebot::sim::wire {

// What the server does with a REST request after the venue has handled it.
enum class disposition : std::uint8_t {
    send,   // write `response`
    reset,  // close the connection without answering (connection reset fault)
    hang,   // keep the connection open and never answer (accept-then-time-out fault)
};

struct reply {
    net::http_response response;
    wire::disposition action = disposition::send;
};

// One open WebSocket, owned by the server. Calls are made on the simulator's single thread.
class ws_peer {
public:
    virtual ~ws_peer() = default;
    [[nodiscard]] virtual std::uint64_t id() const noexcept = 0;
    // The request target of the upgrade, e.g. "/private/ws?listenKey=abc" or "/v5/public/linear".
    [[nodiscard]] virtual const std::string& target() const noexcept = 0;
    // Queues a text frame. Frames are dropped while the venue's streams are stalled.
    virtual void send(std::string text) = 0;
    // Sends a close frame and ends the connection.
    virtual void close(std::uint16_t code, std::string reason) = 0;
};

// A venue's wire protocol over the shared engine model: sans-io, so it is tested without
// sockets. The server routes by port (one port per venue), calls handle() for REST requests and
// the ws_* hooks for WebSocket traffic; the scenario driver calls on_price() and tick().
class venue {
public:
    virtual ~venue() = default;

    [[nodiscard]] virtual std::string_view name() const noexcept = 0;  // "binance" | "bybit"
    [[nodiscard]] virtual engine::exchange& exchange() noexcept = 0;
    [[nodiscard]] virtual wire::faults& faults() noexcept = 0;

    // Registers an API key (= engine account id, cfg.id) with its HMAC secret and opens the
    // engine account. Instruments go straight to exchange().add_instrument().
    virtual void add_account(const engine::account_config& cfg, std::string secret) = 0;

    // A REST request (never a /sim/ control request, the server answers those). `arrival` is
    // when the server had read its last byte; order placements are logged with it (arrivals()).
    virtual reply handle(const net::http_request& request, arrival_time arrival) = 0;
    // The same, arriving now: for callers without a socket (sans-io tests). A venue that
    // overrides handle() brings this one back with `using wire::venue::handle;`.
    reply handle(const net::http_request& request) { return handle(request, wall_now()); }

    // The newest order placements (Binance POST /fapi/v1/order, Bybit POST /v5/order/create)
    // with their arrival times, for GET /sim/arrivals.
    [[nodiscard]] virtual const arrival_log& arrivals() const noexcept = 0;

    // An upgrade request: nullopt accepts it, a reply refuses it (e.g. 404 for an unknown path,
    // 400 for an unknown listenKey).
    virtual std::optional<reply> ws_accept(const net::http_request& upgrade) = 0;
    virtual void ws_open(ws_peer& peer) = 0;
    virtual void ws_message(ws_peer& peer, std::string_view text) = 0;
    virtual void ws_closed(ws_peer& peer) = 0;

    // New prices for a symbol: runs the engine (fills, triggers, liquidations) and publishes
    // market and user stream events.
    virtual void on_price(const core::symbol& symbol, const engine::market_prices& prices) = 0;
    // A price tick of many symbols at once: the same, with the account-wide liquidation check
    // run once after all of them instead of once per symbol (O(positions) each time).
    virtual void on_prices(const std::vector<std::pair<core::symbol, engine::market_prices>>& moved) = 0;
    // Called about every 100 ms of wall time: periodic streams (markPrice@1s, tickers),
    // funding, listenKey expiry, 24 h connection limits, delayed deliveries.
    virtual void tick() = 0;

    // The venue's protocol-level state for GET /sim/state (listen keys, subscriptions, rate
    // limit windows, bans). The engine's state is added by the caller.
    [[nodiscard]] virtual boost::json::value state() const = 0;
};

}  // namespace tradebot::sim::wire
