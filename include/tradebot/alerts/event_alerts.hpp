#pragma once

#include <optional>

#include "tradebot/alerts/alert.hpp"
#include "tradebot/events/signal_event.hpp"
#include "tradebot/events/types.hpp"

namespace tradebot::alerts {

// The alert a position event calls for: a stop restored after it was found missing
// (unprotected_position, with the outcome), a position left without a stop (unprotected_position),
// a stop that could not be placed (stop_failed). Nothing for the routine steps.
[[nodiscard]] std::optional<alert> from_position_event(const events::position_event& e);

// The subject of the kill switch's alerts: its refusals and the resolution when it is cleared.
inline constexpr std::string_view kill_switch_subject = "kill switch";

// A signal refused by the daily loss limit or the kill switch.
[[nodiscard]] std::optional<alert> from_signal_event(const events::signal_event& e);

}  // namespace tradebot::alerts
