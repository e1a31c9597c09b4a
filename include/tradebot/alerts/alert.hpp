#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tradebot/core/clock.hpp"

namespace tradebot::alerts {

// What an operator is told about through the webhook. Each kind is rate-limited on its own.
enum class alert_kind : std::uint8_t {
    unprotected_position,  // a live position was found without a stop on the venue
    stop_failed,           // a stop could not be placed: the position was closed, or is still bare
    daily_loss_limit,      // a signal was refused because today's realized loss reached the limit
    kill_switch,           // a signal was refused because the kill-switch file is there
    shutdown,              // the daemon is stopping
};

inline constexpr std::array all_alert_kinds{alert_kind::unprotected_position, alert_kind::stop_failed,
                                            alert_kind::daily_loss_limit, alert_kind::kill_switch,
                                            alert_kind::shutdown};

[[nodiscard]] std::string_view to_string(alert_kind k) noexcept;
// Critical alerts are about money at risk now; a full queue drops every other alert before one of them.
[[nodiscard]] bool is_critical(alert_kind k) noexcept;

struct alert {
    alert_kind kind = alert_kind::shutdown;
    std::string text;  // what happened and what was done, without the instance label
    core::clock::time_point ts;
};

}  // namespace tradebot::alerts
