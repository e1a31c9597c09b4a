#include "tradebot/sim/engine/funding_schedule.hpp"

namespace tradebot::sim::engine {

time_point next_funding_time(time_point t, std::chrono::hours interval) {
    const auto step = std::chrono::duration_cast<time_point::duration>(interval);
    const auto since_epoch = t.time_since_epoch();
    // The epoch is 00:00 UTC and every venue interval divides 24 h, so the grid anchored at
    // the epoch is the grid anchored at each midnight.
    const auto slots = since_epoch / step;
    return time_point{(slots + 1) * step};
}

}  // namespace tradebot::sim::engine
