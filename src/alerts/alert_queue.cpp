#include "tradebot/alerts/alert_queue.hpp"

#include <algorithm>
#include <utility>

namespace tradebot::alerts {

std::optional<alert> alert_queue::push(queued_alert q) {
    std::optional<alert> dropped;
    if (items_.size() >= capacity_) {
        auto victim = std::find_if(items_.begin(), items_.end(),
                                   [](const queued_alert& x) { return !is_critical(x.value.kind); });
        if (victim == items_.end()) {
            victim = items_.begin();
        }
        dropped = std::move(victim->value);
        items_.erase(victim);
    }
    items_.push_back(std::move(q));
    return dropped;
}

std::optional<queued_alert> alert_queue::pop() {
    if (items_.empty()) {
        return std::nullopt;
    }
    auto front = std::move(items_.front());
    items_.pop_front();
    return front;
}

}  // namespace tradebot::alerts
