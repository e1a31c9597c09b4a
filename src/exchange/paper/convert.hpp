#pragma once

// Conversions between the venue_client vocabulary and sim::engine's, for the paper client.

#include <optional>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/exchange/error.hpp"
#include "tradebot/exchange/instrument_rules.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/sim/engine/conditional_order.hpp"
#include "tradebot/sim/engine/instrument.hpp"
#include "tradebot/sim/engine/market_prices.hpp"
#include "tradebot/sim/engine/order.hpp"
#include "tradebot/sim/engine/reject_reason.hpp"
#include "tradebot/sim/engine/snapshot.hpp"

namespace tradebot::exchange::paper {

[[nodiscard]] sim::engine::instrument to_engine(const instrument_rules& rules);

// The book the engine trades against: mark = last, index when given; bid/ask from `bid`/`ask`
// when both are given, else mark -/+ one tick rounded outwards to the tick.
[[nodiscard]] sim::engine::market_prices make_prices(core::decimal mark, std::optional<core::decimal> index,
                                                     std::optional<core::decimal> bid,
                                                     std::optional<core::decimal> ask, core::decimal tick);

[[nodiscard]] order_status to_status(sim::engine::order_status s) noexcept;
[[nodiscard]] order_state to_order_state(const sim::engine::order& o);
[[nodiscard]] position_state to_position_state(const sim::engine::position_view& p, std::int64_t now_ms);
// A Binance-emulation stop (conditional order); nullopt for kinds that are not stops.
[[nodiscard]] std::optional<stop_state> to_stop_state(const sim::engine::conditional_order& c);

// What the core must do about an engine refusal (the same kinds the real adapters report for
// the venue codes these reasons stand for, except no_market_data: retryable, not unknown).
[[nodiscard]] error_kind kind_of(sim::engine::reject_reason r) noexcept;
// An error of the paper venue's own (not an engine refusal): the message is prefixed "paper: ".
[[nodiscard]] error paper_error(core::exchange_id venue, error_kind kind, std::string message);
// `reported` is the id put into the error; `emulated` chooses the venue code and message.
[[nodiscard]] error to_error(const sim::engine::rejection& r, core::exchange_id reported,
                             core::exchange_id emulated);

// Bybit's trailing stop is a price distance: percent of the reference, to the nearest tick,
// at least one tick (as the Bybit adapter computes it).
[[nodiscard]] core::decimal trailing_distance(core::decimal reference, core::decimal callback_pct,
                                              core::decimal tick);

[[nodiscard]] sim::engine::time_in_force to_engine(time_in_force t) noexcept;
[[nodiscard]] sim::engine::margin_mode to_engine(margin_mode m) noexcept;

}  // namespace tradebot::exchange::paper
