#pragma once

#include <chrono>
#include <cstdint>

namespace tradebot::db {

// Reconnect delays: min, 2*min, 4*min, ... capped at max; reset() after a success. Pure
// arithmetic, so the callers decide how to wait (an asio timer) and tests need no clock.
class backoff {
public:
    using duration = std::chrono::milliseconds;

    backoff(duration min, duration max) noexcept;

    // The delay before the next attempt; each call doubles the following one.
    [[nodiscard]] duration next() noexcept;
    void reset() noexcept { attempts_ = 0; }
    [[nodiscard]] std::uint32_t attempts() const noexcept { return attempts_; }

private:
    duration min_;
    duration max_;
    std::uint32_t attempts_ = 0;
};

}  // namespace tradebot::db
