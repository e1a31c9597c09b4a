#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tradebot/core/clock.hpp"

namespace tradebot::events {

// What happened to one signal row: published once by the signal processor when a row is
// received valid, deferred, or decided (taken, skipped, rejected, expired, failed); metrics,
// alerts and reports subscribe. The row itself records the decision in the database.
struct signal_event {
    std::int64_t signal_id = 0;
    std::string outcome;  // received, deferred, taken, skipped, rejected, expired, failed
    std::string reason;   // the rule or fault: valid, opened, bad_exchange, balance_unknown, ...
    std::string detail;
    std::optional<std::int64_t> position_id;  // taken (and failed after an entry): its position
    core::clock::time_point ts;
};

namespace topic_name {
inline constexpr std::string_view signal_event = "signal_event";
}  // namespace topic_name

}  // namespace tradebot::events
