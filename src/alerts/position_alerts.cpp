#include "tradebot/alerts/position_alerts.hpp"

#include <string>

#include "tradebot/alerts/event_alerts.hpp"

namespace tradebot::alerts {

namespace {

// Positions remembered at risk; a position whose end no event reports (an entry closed at market
// in the same step) must not stay forever.
constexpr std::size_t max_at_risk = 1024;

std::string position_subject(const events::position_event& e) { return "position " + std::to_string(e.position_id); }

std::string position_label(const events::position_event& e) {
    return std::string{core::to_string(e.exchange)} + " " + e.symbol.str() + " (position " +
           std::to_string(e.position_id) + ")";
}

// The resolution text when `e` shows the position safe again; nullopt when it does not.
std::optional<std::string> safe_again(const events::position_event& e) {
    const auto at = e.stop_price ? " at " + e.stop_price->normalized().to_string() : std::string{};
    switch (e.kind) {
        case events::position_event_kind::stop_restored:
        case events::position_event_kind::stop_moved:
        case events::position_event_kind::stop_adopted:
        case events::position_event_kind::opened:
            return position_label(e) + " is protected again: a stop is on the venue" + at;
        case events::position_event_kind::trailing_restored:
        case events::position_event_kind::trailing_handed_over:
            return position_label(e) + " is protected again: the venue's trailing stop is live";
        case events::position_event_kind::closed:
            return position_label(e) + " is closed" + (e.reason.empty() ? std::string{} : " (" + e.reason + ")") +
                   ": no longer at risk";
        default:
            return std::nullopt;
    }
}

}  // namespace

std::optional<alert> position_alerts::on(const events::position_event& e) {
    const bool problem =
        e.kind == events::position_event_kind::unprotected || e.kind == events::position_event_kind::stop_failed;
    if (!problem) {
        if (const auto it = at_risk_.find(e.position_id); it != at_risk_.end()) {
            if (auto text = safe_again(e)) {
                const auto kind = it->second;
                at_risk_.erase(it);
                return alert{.kind = kind, .text = std::move(*text), .ts = e.ts, .subject = position_subject(e),
                             .resolved = true};
            }
        }
        return from_position_event(e);
    }
    auto a = from_position_event(e);
    if (!a) {
        return a;
    }
    a->subject = position_subject(e);
    at_risk_[e.position_id] = a->kind;
    if (at_risk_.size() > max_at_risk) {
        at_risk_.erase(at_risk_.begin());
    }
    return a;
}

}  // namespace tradebot::alerts
