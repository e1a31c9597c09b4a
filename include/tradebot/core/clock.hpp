#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>

namespace tradebot::core {

// Wall-clock time for exchange timestamps, signing and the database. Code that needs "now"
// takes a clock& so that tests can drive time by hand instead of sleeping.
class clock {
public:
    using duration = std::chrono::nanoseconds;
    using time_point = std::chrono::time_point<std::chrono::system_clock, duration>;

    virtual ~clock() = default;
    [[nodiscard]] virtual time_point now() const noexcept = 0;
    // Monotonic time for timeouts, rate windows and latency; never jumps backwards.
    [[nodiscard]] virtual std::chrono::steady_clock::time_point steady_now() const noexcept = 0;

    [[nodiscard]] std::int64_t now_ms() const noexcept {
        return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
    }
};

// Milliseconds since the epoch (a venue's event time) as a clock::time_point, or nullopt when
// the nanoseconds would not fit in 64 bits (before 1677 or after 2262): the conversion multiplies
// by 10^6, and a corrupt frame's number must not reach that signed overflow. Every decoder of
// venue times goes through here.
[[nodiscard]] constexpr std::optional<clock::time_point> time_from_ms(std::int64_t ms) noexcept {
    using rep = clock::duration::rep;
    constexpr rep ns_per_ms = std::chrono::duration_cast<clock::duration>(std::chrono::milliseconds{1}).count();
    constexpr rep max_ms = std::numeric_limits<rep>::max() / ns_per_ms;
    constexpr rep min_ms = std::numeric_limits<rep>::min() / ns_per_ms;
    if (ms < min_ms || ms > max_ms) {
        return std::nullopt;
    }
    return clock::time_point{std::chrono::milliseconds{ms}};
}

class system_clock final : public clock {
public:
    [[nodiscard]] time_point now() const noexcept override {
        return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
    }
    [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const noexcept override {
        return std::chrono::steady_clock::now();
    }
};

// A clock that moves only when told to; wall and steady time advance together.
class manual_clock final : public clock {
public:
    explicit manual_clock(time_point start = time_point{std::chrono::seconds{1'767'225'600}})  // 2026-01-01
        : wall_ns_{start.time_since_epoch().count()} {}

    [[nodiscard]] time_point now() const noexcept override { return time_point{duration{wall_ns_.load()}}; }
    [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const noexcept override {
        return std::chrono::steady_clock::time_point{std::chrono::nanoseconds{steady_ns_.load()}};
    }
    void advance(duration d) noexcept {
        wall_ns_ += d.count();
        steady_ns_ += d.count();
    }
    // Moves wall time only, as an NTP step would; steady time is unaffected.
    void set(time_point t) noexcept { wall_ns_ = t.time_since_epoch().count(); }

private:
    std::atomic<std::int64_t> wall_ns_;
    std::atomic<std::int64_t> steady_ns_{0};
};

}  // namespace tradebot::core
