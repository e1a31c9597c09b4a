#pragma once

#include <cstddef>
#include <deque>
#include <optional>

#include "tradebot/alerts/alert.hpp"

namespace tradebot::alerts {

struct queued_alert {
    alert value;
    bool admitted = false;  // a rate-limit summary: already past the limiter
};

// The notifier's bounded FIFO. A push into a full queue first drops the oldest non-critical alert,
// or, when every waiting alert is critical, the oldest one: a storm of warnings never pushes out an
// unprotected position. Not thread-safe (the notifier's strand).
class alert_queue {
public:
    explicit alert_queue(std::size_t capacity) : capacity_{capacity == 0 ? 1 : capacity} {}

    // The alert dropped to make room, if any.
    std::optional<alert> push(queued_alert q);
    [[nodiscard]] std::optional<queued_alert> pop();
    [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }

private:
    std::size_t capacity_;
    std::deque<queued_alert> items_;
};

}  // namespace tradebot::alerts
