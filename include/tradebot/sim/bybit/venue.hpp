#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "tradebot/sim/engine/exchange.hpp"
#include "tradebot/sim/wire/sim_clock.hpp"
#include "tradebot/sim/wire/venue.hpp"

namespace tradebot::sim::bybit {

struct context;

// Bybit V5 (category=linear) over the shared engine: REST (auth, market, trading, position,
// wallet), rate limits, venue faults and the public/private WebSockets. Sans-io: the server
// feeds requests and frames in, this answers with replies and ws_peer::send calls.
class venue final : public wire::venue {
public:
    // config.venue should be engine::venue::bybit (forced if not). The venue owns the engine.
    venue(wire::sim_clock& clock, engine::exchange_config config);
    ~venue() override;
    venue(const venue&) = delete;
    venue& operator=(const venue&) = delete;

    [[nodiscard]] std::string_view name() const noexcept override { return "bybit"; }
    [[nodiscard]] engine::exchange& exchange() noexcept override;
    [[nodiscard]] wire::faults& faults() noexcept override;

    void add_account(const engine::account_config& cfg, std::string secret) override;
    using wire::venue::handle;
    wire::reply handle(const net::http_request& request, wire::arrival_time arrival) override;
    [[nodiscard]] const wire::arrival_log& arrivals() const noexcept override;

    std::optional<wire::reply> ws_accept(const net::http_request& upgrade) override;
    void ws_open(wire::ws_peer& peer) override;
    void ws_message(wire::ws_peer& peer, std::string_view text) override;
    void ws_closed(wire::ws_peer& peer) override;

    void on_price(const core::symbol& symbol, const engine::market_prices& prices) override;
    void on_prices(const std::vector<std::pair<core::symbol, engine::market_prices>>& moved) override;
    void tick() override;

    [[nodiscard]] boost::json::value state() const override;

private:
    std::unique_ptr<context> ctx_;
};

}  // namespace tradebot::sim::bybit
