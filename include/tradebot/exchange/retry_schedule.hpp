#pragma once

#include <chrono>
#include <optional>

#include "tradebot/exchange/error.hpp"
#include "tradebot/net/backoff.hpp"

namespace tradebot::exchange {

// How an idempotent request is sent again after a transient failure (issue 19: one reset GET
// must not cost a trade). Placing an order is never retried here: its unknown outcome is
// resolved by client id.
struct retry_options {
    int max_attempts = 4;  // the first send included; 1 turns retries off
    // No new attempt starts later than this after the first one began; a Retry-After longer
    // than what is left gives up at once, with the venue's error.
    std::chrono::milliseconds deadline{3'000};
    net::backoff_options backoff{.initial = std::chrono::milliseconds{100}, .max = std::chrono::milliseconds{1'000}};
};

// The sans-io part: given the failure of the attempt that just ended, the pause before the next
// one, or nullopt to give up and report that failure. Only what may_retry() allows for an
// idempotent request is tried again: failures that prove nothing happened, and those whose
// effect is unknown (a second read or cancel by id changes nothing); a rate limit only when the
// venue said how long to wait.
class retry_schedule {
public:
    retry_schedule(const retry_options& options, std::chrono::steady_clock::time_point started);

    [[nodiscard]] std::optional<std::chrono::milliseconds> next(const error& failure,
                                                                std::chrono::steady_clock::time_point now);
    [[nodiscard]] int attempts() const noexcept { return attempts_; }

private:
    retry_options options_;
    std::chrono::steady_clock::time_point deadline_;
    net::backoff backoff_;
    int attempts_ = 1;
};

}  // namespace tradebot::exchange
