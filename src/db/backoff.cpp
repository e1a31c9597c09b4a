#include "tradebot/db/backoff.hpp"

#include <algorithm>

namespace tradebot::db {

backoff::backoff(duration min, duration max) noexcept
    : min_{std::max(min, duration{1})}, max_{std::max(max, std::max(min, duration{1}))} {}

backoff::duration backoff::next() noexcept {
    // Doubling stops once the cap is reached, so the shift never overflows.
    duration d = min_;
    for (std::uint32_t i = 0; i < attempts_ && d < max_; ++i) {
        d *= 2;
    }
    ++attempts_;
    return std::min(d, max_);
}

}  // namespace tradebot::db
