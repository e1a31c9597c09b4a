#pragma once

#include <map>
#include <optional>
#include <string_view>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/sim/engine/instrument.hpp"
#include "tradebot/sim/engine/market_prices.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

struct symbol_state {
    instrument spec;
    std::optional<market_prices> prices;
    core::decimal funding_rate;
    time_point next_funding{};
};

// The listed instruments with their latest prices, funding rates and funding times.
class market_table {
public:
    void add(instrument spec, time_point now);
    [[nodiscard]] const symbol_state* find(const core::symbol& s) const;
    [[nodiscard]] const symbol_state& at(const core::symbol& s) const { return symbols_.at(s); }
    [[nodiscard]] bool contains(const core::symbol& s) const { return symbols_.contains(s); }
    [[nodiscard]] const instrument* find_by_venue_name(std::string_view venue_symbol) const;
    [[nodiscard]] const std::map<core::symbol, symbol_state>& all() const noexcept { return symbols_; }

    // False for an unknown symbol.
    bool set_prices(const core::symbol& s, const market_prices& p);
    [[nodiscard]] const market_prices* prices(const core::symbol& s) const;
    // The mark price, or `fallback` before the symbol has prices.
    [[nodiscard]] core::decimal mark_of(const core::symbol& s, core::decimal fallback) const;

    void set_funding_rate(const core::symbol& s, core::decimal rate);
    [[nodiscard]] core::decimal funding_rate(const core::symbol& s) const;
    [[nodiscard]] std::optional<time_point> next_funding(const core::symbol& s) const;
    // The symbol whose funding time is the earliest at or before `t`, so that a jump over
    // several intervals settles them in order; nullptr when none is due.
    [[nodiscard]] symbol_state* next_due(time_point t);

private:
    std::map<core::symbol, symbol_state> symbols_;
};

}  // namespace tradebot::sim::engine
