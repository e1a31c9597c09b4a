#pragma once

#include <atomic>
#include <chrono>

#include "tradebot/core/clock.hpp"

namespace tradebot::sim::wire {

// The simulator's time: the host's wall clock plus an offset that the control API moves.
// advance() moves wall and steady time together (funding, listenKey expiry and stream ages see
// it); skew() moves only the time the venues report and check timestamps against (-1021/10002),
// as a server whose clock drifted would.
class sim_clock final : public core::clock {
public:
    [[nodiscard]] time_point now() const noexcept override {
        return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()) + duration{offset_ns_.load()};
    }
    [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const noexcept override {
        return std::chrono::steady_clock::now() + duration{offset_ns_.load()};
    }
    // The clock the venues stamp responses with and check request timestamps against.
    [[nodiscard]] time_point server_now() const noexcept { return now() + duration{skew_ns_.load()}; }
    [[nodiscard]] std::int64_t server_now_ms() const noexcept {
        return std::chrono::duration_cast<std::chrono::milliseconds>(server_now().time_since_epoch()).count();
    }

    void advance(duration d) noexcept { offset_ns_ += d.count(); }
    void set_skew(duration d) noexcept { skew_ns_ = d.count(); }
    [[nodiscard]] duration offset() const noexcept { return duration{offset_ns_.load()}; }
    [[nodiscard]] duration skew() const noexcept { return duration{skew_ns_.load()}; }

private:
    std::atomic<std::int64_t> offset_ns_{0};
    std::atomic<std::int64_t> skew_ns_{0};
};

}  // namespace tradebot::sim::wire
