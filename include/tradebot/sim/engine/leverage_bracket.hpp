#pragma once

#include <vector>

#include "tradebot/core/decimal.hpp"
#include "tradebot/sim/engine/instrument.hpp"

namespace tradebot::sim::engine {

// The brackets an instrument answers GET /fapi/v1/leverageBracket with, first (highest leverage,
// smallest notional) first: the configured ones, or, when none are configured, up to three derived
// from max_leverage with caps of 300 000 / 1 000 000 / 5 000 000 for leverages above 50, above 20
// and up to 20 [U: the shape of Binance's first BTC brackets, the venue publishes no default], all
// at maintenance_margin_rate. bracket numbers start at 1; cum is the venue's quick-calculation
// amount, cum(i) = cum(i-1) + floor(i) x (mmr(i) - mmr(i-1)).
[[nodiscard]] std::vector<leverage_bracket> brackets_of(const instrument& spec);

// The highest leverage the venue accepts: the first bracket's initial leverage.
[[nodiscard]] int max_leverage_of(const instrument& spec);

// The largest notional a position may reach at `leverage` (maxNotionalValue of POST
// /fapi/v1/leverage and positionRisk): the cap of the last bracket whose initial leverage still
// allows it; "0" when the leverage is above every bracket.
[[nodiscard]] core::decimal max_notional_at(const instrument& spec, int leverage);

// Fills in bracket numbers and cum of configured brackets (the scenario loader's input has neither).
void number_brackets(std::vector<leverage_bracket>& brackets);

}  // namespace tradebot::sim::engine
