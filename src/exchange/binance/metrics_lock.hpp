#pragma once

// venue_metrics caches its series in plain maps and is not thread-safe; the REST client and the
// two streams of one adapter report from different strands, so every call goes through this.

#include <mutex>
#include <utility>

#include "tradebot/exchange/venue_metrics.hpp"

namespace tradebot::exchange::binance::detail {

inline std::mutex& metrics_mutex() {
    static std::mutex m;
    return m;
}

template <class F>
void with_metrics(venue_metrics* metrics, F&& f) {
    if (metrics == nullptr) {
        return;
    }
    const std::lock_guard lock{metrics_mutex()};
    std::forward<F>(f)(*metrics);
}

}  // namespace tradebot::exchange::binance::detail
