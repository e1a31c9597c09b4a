#include "tradebot/exchange/retry_schedule.hpp"

#include <algorithm>

namespace tradebot::exchange {

retry_schedule::retry_schedule(const retry_options& options, std::chrono::steady_clock::time_point started)
    : options_{options}, deadline_{started + options.deadline}, backoff_{options.backoff} {}

std::optional<std::chrono::milliseconds> retry_schedule::next(const error& failure,
                                                              std::chrono::steady_clock::time_point now) {
    if (!may_retry(failure.kind, true) || attempts_ >= options_.max_attempts) {
        return std::nullopt;
    }
    if (failure.kind == error_kind::rate_limited && !failure.retry_after) {
        // A ban of unknown length: the rate limiter holds every request back for its default
        // back-off, far past this deadline. The caller hears of it now instead.
        return std::nullopt;
    }
    // A venue that named its back-off (Binance -1003 / 429 Retry-After) is waited for, not
    // hammered; our own pause is the floor.
    const auto pause = std::max(backoff_.next(), failure.retry_after.value_or(std::chrono::milliseconds{0}));
    if (now + pause >= deadline_) {
        return std::nullopt;
    }
    ++attempts_;
    return pause;
}

}  // namespace tradebot::exchange
