#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>

namespace tradebot::sim::wire {

// When the server had read a request's last byte. The real wall clock, never the sim_clock (which
// the control API shifts and skews): the end-to-end benchmark compares it with the PostgreSQL
// clock of the same host.
using arrival_time = std::chrono::sys_time<std::chrono::microseconds>;

[[nodiscard]] inline arrival_time wall_now() noexcept {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

// One order-placing request as the venue's order handler saw it (GET /sim/arrivals).
struct order_arrival {
    std::string client_id;  // the id the engine placed (or refused) the order under
    std::int64_t arrival_us = 0;  // arrival_time since the epoch
    bool accepted = false;        // false: the engine refused the order
};

// The newest order arrivals of one venue. Bounded, because the simulator runs for hours under
// the benchmarks and nothing ever reads the old entries.
class arrival_log {
public:
    static constexpr std::size_t default_capacity = 100'000;

    explicit arrival_log(std::size_t capacity = default_capacity) : capacity_{capacity == 0 ? 1 : capacity} {}

    void record(std::string client_id, arrival_time at, bool accepted) {
        if (entries_.size() == capacity_) {
            entries_.pop_front();
        }
        entries_.push_back({.client_id = std::move(client_id),
                            .arrival_us = at.time_since_epoch().count(),
                            .accepted = accepted});
    }

    // Oldest first.
    [[nodiscard]] const std::deque<order_arrival>& entries() const noexcept { return entries_; }
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

private:
    std::size_t capacity_;
    std::deque<order_arrival> entries_;
};

}  // namespace tradebot::sim::wire
