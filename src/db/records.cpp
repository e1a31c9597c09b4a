#include "tradebot/db/records.hpp"

#include <array>
#include <utility>

namespace tradebot::db {

namespace {

constexpr std::array<std::pair<position_state, std::string_view>, 6> position_states{{
    {position_state::pending_entry, "pending_entry"},
    {position_state::entry_placed, "entry_placed"},
    {position_state::protected_, "protected"},
    {position_state::closing, "closing"},
    {position_state::closed, "closed"},
    {position_state::failed, "failed"},
}};

constexpr std::array<std::pair<order_status, std::string_view>, 10> order_statuses{{
    {order_status::pending, "pending"},
    {order_status::sent, "sent"},
    {order_status::new_, "new"},
    {order_status::partially_filled, "partially_filled"},
    {order_status::filled, "filled"},
    {order_status::triggered, "triggered"},
    {order_status::canceled, "canceled"},
    {order_status::rejected, "rejected"},
    {order_status::expired, "expired"},
    {order_status::unknown, "unknown"},
}};

constexpr std::array<std::pair<core::order_purpose, std::string_view>, 6> order_purposes{{
    {core::order_purpose::entry, "entry"},
    {core::order_purpose::stop, "stop"},
    {core::order_purpose::exit, "exit"},
    {core::order_purpose::trailing, "trailing"},
    {core::order_purpose::aged_exit, "aged_exit"},
    {core::order_purpose::manual_close, "manual_close"},
}};

constexpr std::array<std::pair<event_severity, std::string_view>, 5> event_severities{{
    {event_severity::debug, "debug"},
    {event_severity::info, "info"},
    {event_severity::warning, "warning"},
    {event_severity::error, "error"},
    {event_severity::critical, "critical"},
}};

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E v) noexcept {
    for (const auto& [value, name] : table) {
        if (value == v) {
            return name;
        }
    }
    return "unknown";
}

template <class E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text) noexcept {
    for (const auto& [value, name] : table) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(position_state s) noexcept { return name_of(position_states, s); }
std::optional<position_state> parse_position_state(std::string_view text) noexcept {
    return value_of(position_states, text);
}
std::string_view to_string(order_status s) noexcept { return name_of(order_statuses, s); }
std::optional<order_status> parse_order_status(std::string_view text) noexcept { return value_of(order_statuses, text); }

bool is_terminal(order_status s) noexcept {
    return s == order_status::filled || s == order_status::canceled || s == order_status::rejected ||
           s == order_status::expired;
}

std::optional<core::order_purpose> parse_order_purpose(std::string_view text) noexcept {
    return value_of(order_purposes, text);
}

std::string_view to_string(event_severity s) noexcept { return name_of(event_severities, s); }
std::optional<event_severity> parse_event_severity(std::string_view text) noexcept {
    return value_of(event_severities, text);
}

}  // namespace tradebot::db
