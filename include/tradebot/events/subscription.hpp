#pragma once

#include <memory>
#include <utility>

#include "tradebot/events/detail/subscriber_core.hpp"

namespace tradebot::events {

// Owns one subscription: destroying or reset()ing it stops delivery, and values already queued
// for it are dropped. Destroy it on the subscriber's own strand: then no handler call is running
// or will run afterwards, so the handler may capture `this` of the owning component.
// A subscription may outlive its router and io_context, but not the prometheus::Registry.
class subscription {
public:
    subscription() = default;
    explicit subscription(std::shared_ptr<detail::subscriber_core> core) noexcept : core_{std::move(core)} {}
    ~subscription() { reset(); }
    subscription(subscription&& other) noexcept : core_{std::move(other.core_)} {}
    subscription& operator=(subscription&& other) noexcept {
        if (this != &other) {
            reset();
            core_ = std::move(other.core_);
        }
        return *this;
    }
    subscription(const subscription&) = delete;
    subscription& operator=(const subscription&) = delete;

    void reset() noexcept {
        if (core_) {
            core_->cancel();
            core_.reset();
        }
    }
    [[nodiscard]] bool active() const noexcept { return core_ && core_->active(); }

private:
    std::shared_ptr<detail::subscriber_core> core_;
};

}  // namespace tradebot::events
