#include "tradebot/alerts/alert.hpp"

namespace tradebot::alerts {

std::string_view to_string(alert_kind k) noexcept {
    switch (k) {
        case alert_kind::unprotected_position: return "unprotected_position";
        case alert_kind::stop_failed: return "stop_failed";
        case alert_kind::daily_loss_limit: return "daily_loss_limit";
        case alert_kind::kill_switch: return "kill_switch";
        case alert_kind::shutdown: return "shutdown";
        case alert_kind::startup: return "startup";
        case alert_kind::venue_down: return "venue_down";
        case alert_kind::database_down: return "database_down";
    }
    return "unknown";
}

std::string_view severity(const alert& a) noexcept {
    if (a.resolved) {
        return "RESOLVED";
    }
    if (a.kind == alert_kind::startup) {
        return "INFO";
    }
    return is_critical(a.kind) ? "CRITICAL" : "WARNING";
}

bool is_critical(alert_kind k) noexcept {
    return k == alert_kind::unprotected_position || k == alert_kind::stop_failed;
}

}  // namespace tradebot::alerts
