#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tradebot/core/clock.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/sim/engine/exchange.hpp"

namespace tradebot::exchange::paper {

// The paper venue's protective stops on the engine, kept as the emulated venue keeps them: with
// Binance a conditional STOP_MARKET closePosition / TRAILING_STOP_MARKET order with its own id,
// amended by "place new, then cancel old"; with Bybit the position's trading stop, amended in
// place. Part of paper::client, on its strand; the caller has made sure the symbol has a price.
class stop_desk {
public:
    // `published` runs after each engine change, to publish what the engine did.
    stop_desk(sim::engine::exchange& engine, const sim::engine::account_id& account, const core::clock& clock,
              core::exchange_id venue, core::exchange_id emulate, std::function<void()> published);

    [[nodiscard]] result<stop_state> place(const stop_request& request);
    [[nodiscard]] result<stop_state> amend(const stop_state& current, const stop_request& request);
    [[nodiscard]] result<void> cancel(const stop_state& stop);
    [[nodiscard]] std::vector<stop_state> open(const std::optional<core::symbol>& symbol) const;

private:
    struct trailing_memo {  // Bybit keeps a distance; the percent asked for is remembered here
        core::decimal distance;
        core::decimal callback_pct;
    };

    [[nodiscard]] result<stop_state> place_conditional_stop(const stop_request& request);
    [[nodiscard]] result<stop_state> place_position_stop(const stop_request& request);
    [[nodiscard]] std::vector<stop_state> conditional_stops(std::optional<core::symbol> symbol) const;
    [[nodiscard]] std::vector<stop_state> position_stops(std::optional<core::symbol> symbol) const;
    [[nodiscard]] error fail(error_kind kind, std::string message) const;
    [[nodiscard]] error rejected(const sim::engine::rejection& r) const;

    sim::engine::exchange& engine_;
    const sim::engine::account_id& account_;
    const core::clock& clock_;
    core::exchange_id venue_;
    core::exchange_id emulate_;
    std::function<void()> published_;
    std::map<core::symbol, trailing_memo> trailing_;
};

}  // namespace tradebot::exchange::paper
