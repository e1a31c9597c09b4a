#include "tradebot/app/lease_tracker.hpp"

#include <algorithm>

namespace tradebot::app {

std::string_view to_string(instance_role r) noexcept {
    return r == instance_role::active ? "active" : "standby";
}

void lease_tracker::granted(std::int64_t token, time_point sent) noexcept {
    // A grant whose request left before the one already counted cannot extend the deadline.
    if (role_ == instance_role::active && token == token_ && sent < sent_) {
        return;
    }
    role_ = instance_role::active;
    token_ = token;
    sent_ = sent;
    deadline_ = sent + timing_.duration - margin();
}

void lease_tracker::lost() noexcept { role_ = instance_role::standby; }

bool lease_tracker::check_expiry(time_point now) noexcept {
    if (role_ != instance_role::active || now < deadline_) {
        return false;
    }
    role_ = instance_role::standby;
    return true;
}

lease_tracker::time_point lease_tracker::next_attempt(time_point now, std::int64_t expires_in_ms) const noexcept {
    constexpr std::chrono::milliseconds floor{10};
    if (role_ == instance_role::active) {
        return std::max(sent_ + timing_.renew_interval, now + floor);
    }
    const auto until_expiry = std::chrono::milliseconds{std::max<std::int64_t>(expires_in_ms, 0)} + floor;
    return now + std::min<std::chrono::milliseconds>(timing_.renew_interval, until_expiry);
}

}  // namespace tradebot::app
