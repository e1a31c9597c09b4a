#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace tradebot::net {

struct backoff_options {
    std::chrono::milliseconds initial{250};
    std::chrono::milliseconds max{30'000};
    double multiplier = 2.0;
    // Each delay is drawn from [base * (1 - jitter), base], so that many clients cut off at the
    // same moment do not reconnect in lockstep. 0 disables jitter; values are clamped to [0, 1].
    double jitter = 0.2;
    // 0: seeded from std::random_device. Tests pass a fixed seed for a reproducible sequence.
    std::uint64_t seed = 0;
};

// Exponential backoff with jitter for reconnect loops (WebSocket, PostgreSQL, start-up retries). Not thread-safe; owned by one strand.
class backoff {
public:
    explicit backoff(backoff_options options = {});
    // The common case: doubling from `initial` up to `max`, default jitter.
    backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max);

    // The delay before the next attempt; each call grows the base by `multiplier` up to `max`.
    [[nodiscard]] std::chrono::milliseconds next();
    // After a connection proved healthy: the next delay starts from `initial` again.
    void reset() noexcept { attempts_ = 0; }
    [[nodiscard]] std::uint32_t attempts() const noexcept { return attempts_; }

private:
    backoff_options options_;
    std::mt19937_64 rng_;
    std::uint32_t attempts_ = 0;
};

}  // namespace tradebot::net
