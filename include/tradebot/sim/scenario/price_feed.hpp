#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/sim/engine/market_prices.hpp"
#include "tradebot/sim/scenario/scenario.hpp"

namespace tradebot::sim::scenario {

// Turns a scenario's price models into market prices, one step per tick. Deterministic: the
// same spec and the same calls give the same prices (each symbol has its own generator seeded
// from the scenario seed and the symbol, so adding a symbol does not change the others).
class price_feed {
public:
    explicit price_feed(const scenario_spec& spec);

    // Advances every symbol to `elapsed` since the start and returns the new prices.
    std::vector<std::pair<core::symbol, engine::market_prices>> step(std::chrono::milliseconds elapsed);
    // The current prices of one symbol (start prices before the first step).
    [[nodiscard]] std::optional<engine::market_prices> current(const core::symbol& s) const;
    // Moves the model's base price (control API); a random walk continues from there, a series
    // or steps model is replaced by a constant at that price.
    bool set_mid(const core::symbol& s, core::decimal mid);
    // Adds a symbol (control API loading a second scenario).
    void add(const symbol_spec& spec);
    [[nodiscard]] std::size_t size() const noexcept { return symbols_.size(); }

private:
    struct state {
        symbol_spec spec;
        core::decimal base;  // the model's price before events
        core::decimal mid;   // after events, on the tick
        std::mt19937_64 rng;
        std::uint64_t steps = 0;
    };

    [[nodiscard]] engine::market_prices prices_of(const state& st) const;
    void advance(state& st, std::chrono::milliseconds elapsed);

    std::uint64_t seed_;
    std::map<core::symbol, state> symbols_;
};

}  // namespace tradebot::sim::scenario
