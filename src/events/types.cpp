#include "tradebot/events/types.hpp"

namespace tradebot::events {

std::string_view to_string(order_status s) noexcept {
    switch (s) {
        case order_status::new_: return "new";
        case order_status::partially_filled: return "partially_filled";
        case order_status::filled: return "filled";
        case order_status::canceled: return "canceled";
        case order_status::rejected: return "rejected";
        case order_status::expired: return "expired";
        case order_status::untriggered: return "untriggered";
        case order_status::triggered: return "triggered";
    }
    return "unknown";
}

bool is_final(order_status s) noexcept {
    switch (s) {
        case order_status::filled:
        case order_status::canceled:
        case order_status::rejected:
        case order_status::expired: return true;
        case order_status::new_:
        case order_status::partially_filled:
        case order_status::untriggered:
        case order_status::triggered: return false;
    }
    return false;
}

std::string_view to_string(stream_status s) noexcept {
    switch (s) {
        case stream_status::connected: return "connected";
        case stream_status::disconnected: return "disconnected";
        case stream_status::stalled: return "stalled";
    }
    return "unknown";
}

std::string_view to_string(position_event_kind k) noexcept {
    switch (k) {
        case position_event_kind::opened: return "position_opened";
        case position_event_kind::open_unresolved: return "open_unresolved";
        case position_event_kind::adopted: return "position_adopted";
        case position_event_kind::stop_moved: return "stop_moved";
        case position_event_kind::stop_restored: return "stop_restored";
        case position_event_kind::trailing_handed_over: return "trailing_handed_over";
        case position_event_kind::trailing_restored: return "trailing_restored";
        case position_event_kind::stop_adopted: return "stop_adopted";
        case position_event_kind::closed: return "position_closed";
        case position_event_kind::stop_failed: return "stop_failed";
        case position_event_kind::unprotected: return "position_unprotected";
    }
    return "unknown";
}

}  // namespace tradebot::events
