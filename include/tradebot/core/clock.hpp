#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

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

    // For core::timer. A clock that is moved by hand calls `wake` once its steady time reaches
    // `at` and returns a non-zero id that forget() withdraws; a real clock returns 0, and the
    // timer waits on the operating system's steady clock instead.
    [[nodiscard]] virtual std::uint64_t call_at(std::chrono::steady_clock::time_point /*at*/,
                                                std::function<void()> /*wake*/) const {
        return 0;
    }
    virtual void forget(std::uint64_t /*id*/) const {}
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

// A clock that moves only when told to; wall and steady time advance together, and the timers
// on it (core::timer) fire from advance(), so a test moves time instead of sleeping.
class manual_clock final : public clock {
public:
    explicit manual_clock(time_point start = time_point{std::chrono::seconds{1'767'225'600}})  // 2026-01-01
        : wall_ns_{start.time_since_epoch().count()} {}

    [[nodiscard]] time_point now() const noexcept override { return time_point{duration{wall_ns_.load()}}; }
    [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const noexcept override {
        return std::chrono::steady_clock::time_point{std::chrono::nanoseconds{steady_ns_.load()}};
    }
    // Moves time forward and wakes the timers whose deadline it reached, earliest first.
    void advance(duration d) {
        wall_ns_ += d.count();
        steady_ns_ += d.count();
        for (auto& wake : due()) {
            wake();
        }
    }
    // Moves wall time only, as an NTP step would; steady time is unaffected.
    void set(time_point t) noexcept { wall_ns_ = t.time_since_epoch().count(); }
    // The steady time of the earliest timer waiting, if any.
    [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> next_deadline() const {
        const std::lock_guard lock{mutex_};
        std::optional<std::chrono::steady_clock::time_point> first;
        for (const auto& [_, call] : calls_) {
            if (!first || call.first < *first) {
                first = call.first;
            }
        }
        return first;
    }

    [[nodiscard]] std::uint64_t call_at(std::chrono::steady_clock::time_point at,
                                        std::function<void()> wake) const override {
        const std::lock_guard lock{mutex_};
        const auto id = next_id_++;
        calls_.emplace(id, std::pair{at, std::move(wake)});
        return id;
    }
    void forget(std::uint64_t id) const override {
        const std::lock_guard lock{mutex_};
        calls_.erase(id);
    }

private:
    // The wakes now due, taken out under the lock and called outside it (a wake may set a timer).
    std::vector<std::function<void()>> due() {
        const auto now = steady_now();
        std::vector<std::pair<std::chrono::steady_clock::time_point, std::function<void()>>> ready;
        {
            const std::lock_guard lock{mutex_};
            for (auto it = calls_.begin(); it != calls_.end();) {
                if (it->second.first <= now) {
                    ready.push_back(std::move(it->second));
                    it = calls_.erase(it);
                } else {
                    ++it;
                }
            }
        }
        std::stable_sort(ready.begin(), ready.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<std::function<void()>> out;
        out.reserve(ready.size());
        for (auto& [_, wake] : ready) {
            out.push_back(std::move(wake));
        }
        return out;
    }

    std::atomic<std::int64_t> wall_ns_;
    std::atomic<std::int64_t> steady_ns_{0};
    mutable std::mutex mutex_;
    mutable std::map<std::uint64_t, std::pair<std::chrono::steady_clock::time_point, std::function<void()>>> calls_;
    mutable std::uint64_t next_id_ = 1;
};

}  // namespace tradebot::core
