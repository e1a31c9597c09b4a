#include "tradebot/sim/engine/funding_schedule.hpp"

#include <optional>

#include "tradebot/sim/engine/exchange.hpp"

namespace tradebot::sim::engine {

time_point next_funding_time(time_point t, std::chrono::hours interval) {
    const auto step = std::chrono::duration_cast<time_point::duration>(interval);
    const auto since_epoch = t.time_since_epoch();
    // The epoch is 00:00 UTC and every venue interval divides 24 h, so the grid anchored at
    // the epoch is the grid anchored at each midnight.
    const auto slots = since_epoch / step;
    return time_point{(slots + 1) * step};
}

void advance_through_funding(exchange& ex, time_point now, const funding_observer& observe) {
    std::optional<time_point> settled;
    for (;;) {
        std::optional<time_point> due;
        for (const auto& sv : ex.snapshot().symbols) {
            const auto next = ex.next_funding(sv.spec.symbol);
            if (next && *next <= now && (!due || *next < *due)) {
                due = next;
            }
        }
        if (!due || (settled && *due <= *settled)) {
            break;  // nothing due, or the engine did not move past it (never loop on the event loop)
        }
        settled = due;
        for (const auto& sv : ex.snapshot().symbols) {
            if (ex.next_funding(sv.spec.symbol) == due) {
                observe(sv.spec.symbol, *due);
            }
        }
        ex.advance_to(*due);
    }
    ex.advance_to(now);
}

}  // namespace tradebot::sim::engine
