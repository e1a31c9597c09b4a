#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tradebot/sim/engine/exchange.hpp"
#include "tradebot/sim/wire/sim_clock.hpp"
#include "tradebot/sim/wire/venue.hpp"

namespace tradebot::sim::binance {

struct context;

// Binance USDⓈ-M futures (fapi) over the engine: REST (signing, weights, bans, errors),
// market streams and the user data stream, as exchange-apis.md part A describes them.
class venue final : public wire::venue {
public:
    venue(wire::sim_clock& clock, engine::exchange_config config);
    ~venue() override;
    venue(const venue&) = delete;
    venue& operator=(const venue&) = delete;

    [[nodiscard]] std::string_view name() const noexcept override { return "binance"; }
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

}  // namespace tradebot::sim::binance
