#include "tradebot/net/backoff.hpp"

#include <algorithm>

namespace tradebot::net {
namespace {

std::uint64_t seed_of(std::uint64_t seed) {
    if (seed != 0) {
        return seed;
    }
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32U) ^ device();
}

}  // namespace

backoff::backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
    : backoff{[&] {
          backoff_options o;
          o.initial = initial;
          o.max = max;
          return o;
      }()} {}

backoff::backoff(backoff_options options) : options_{options}, rng_{seed_of(options.seed)} {
    options_.initial = std::max(options_.initial, std::chrono::milliseconds{1});
    options_.max = std::max(options_.max, options_.initial);
    options_.multiplier = std::max(options_.multiplier, 1.0);
    options_.jitter = std::clamp(options_.jitter, 0.0, 1.0);
}

std::chrono::milliseconds backoff::next() {
    const auto cap = static_cast<double>(options_.max.count());
    double base = static_cast<double>(options_.initial.count());
    for (std::uint32_t i = 0; i < attempts_ && base < cap; ++i) {
        base *= options_.multiplier;
    }
    base = std::min(base, cap);
    ++attempts_;
    // 53 random bits -> [0, 1), the same on every standard library (unlike uniform_real_distribution).
    const double unit = static_cast<double>(rng_() >> 11U) * 0x1.0p-53;
    const double delay = base * (1.0 - options_.jitter * unit);
    return std::chrono::milliseconds{std::max<std::int64_t>(1, static_cast<std::int64_t>(delay))};
}

}  // namespace tradebot::net
