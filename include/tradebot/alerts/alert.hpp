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
    startup,               // the daemon is up: reconciled and trading, or standing by
    venue_down,            // a venue's REST API or one of its streams has been down longer than the grace
    database_down,         // PostgreSQL has been unreachable longer than the grace
};

inline constexpr std::array all_alert_kinds{alert_kind::unprotected_position, alert_kind::stop_failed,
                                            alert_kind::daily_loss_limit, alert_kind::kill_switch,
                                            alert_kind::shutdown, alert_kind::startup, alert_kind::venue_down,
                                            alert_kind::database_down};

[[nodiscard]] std::string_view to_string(alert_kind k) noexcept;
// Critical alerts are about money at risk now; a full queue drops every other alert before one of them.
[[nodiscard]] bool is_critical(alert_kind k) noexcept;

struct alert {
    alert_kind kind = alert_kind::shutdown;
    std::string text;  // what happened and what was done, without the instance label
    core::clock::time_point ts;
    // What the alert is about ("position 42", "binance private stream", "database", "kill switch"):
    // a resolution goes out at once when the problem alert of the same subject went out, so that
    // the operator who was told of a problem hears that it is over. Empty: no resolution follows.
    std::string subject{};
    // The problem of `subject` is over (a stop again, a stream back, the kill switch cleared).
    bool resolved = false;
};

// The word after the instance label: RESOLVED (a resolution), INFO (startup), CRITICAL, WARNING.
[[nodiscard]] std::string_view severity(const alert& a) noexcept;

}  // namespace tradebot::alerts
