#include "tradebot/alerts/event_alerts.hpp"

#include <string>

namespace tradebot::alerts {

namespace {

std::string position_name(const events::position_event& e) {
    return std::string{core::to_string(e.exchange)} + " " + e.symbol.str() + " (position " +
           std::to_string(e.position_id) + ")";
}

}  // namespace

std::optional<alert> from_position_event(const events::position_event& e) {
    alert a;
    a.ts = e.ts;
    switch (e.kind) {
        case events::position_event_kind::stop_restored:
            a.kind = alert_kind::unprotected_position;
            a.text = position_name(e) + " had no stop on the venue; a stop was placed again";
            if (e.stop_price) {
                a.text += " at " + e.stop_price->normalized().to_string();
            }
            break;
        case events::position_event_kind::unprotected:
            a.kind = alert_kind::unprotected_position;
            a.text = position_name(e) + " is open WITHOUT A STOP: " + e.reason;
            break;
        case events::position_event_kind::stop_failed:
            a.kind = alert_kind::stop_failed;
            a.text = position_name(e) + ": " + e.reason;
            break;
        default:
            return std::nullopt;
    }
    return a;
}

std::optional<alert> from_signal_event(const events::signal_event& e) {
    alert a;
    a.ts = e.ts;
    if (e.reason == "daily_loss_limit") {
        a.kind = alert_kind::daily_loss_limit;
        a.text = "new entries refused: " + (e.detail.empty() ? std::string{"daily loss limit reached"} : e.detail) +
                 " (signal " + std::to_string(e.signal_id) + ")";
    } else if (e.reason == "kill_switch") {
        a.kind = alert_kind::kill_switch;
        a.subject = std::string{kill_switch_subject};
        a.text = "new entries refused: " + (e.detail.empty() ? std::string{"kill switch on"} : e.detail) +
                 " (signal " + std::to_string(e.signal_id) + ")";
    } else {
        return std::nullopt;
    }
    return a;
}

}  // namespace tradebot::alerts
