#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "tradebot/alerts/alert.hpp"
#include "tradebot/events/types.hpp"

namespace tradebot::alerts {

// The alerts position events call for, with memory: a position an alert reported at risk (left
// without a stop, or its stop could not be placed) gives a resolution when a later event shows it
// safe again: a stop on the venue again (restored, moved, trailing) or the position closed. The
// problem alerts themselves are from_position_event's. Not thread-safe (the notifier's strand).
class position_alerts {
public:
    [[nodiscard]] std::optional<alert> on(const events::position_event& e);

private:
    // Position id → the kind of the alert that reported it at risk; bounded (the oldest ids go).
    std::map<std::int64_t, alert_kind> at_risk_;
};

}  // namespace tradebot::alerts
