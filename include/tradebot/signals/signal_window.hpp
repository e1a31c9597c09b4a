#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "tradebot/signals/signal.hpp"

namespace tradebot::signals {

// Where a valid signal's times stand against now (issue 19 "Bad input"). A candle (or wave time)
// ahead of now by more than the clock-skew allowance cannot have been scored from this market:
// the row is rejected. A candle older than the waves' window (signals.max_wave_age_minutes) is
// too late to trade: the row expires. Either is decided before the selection, so such a row
// never becomes "the newest candle" that pushes the current ones out.
enum class window_verdict : std::uint8_t { inside, future, too_old };

struct window_judgement {
    window_verdict verdict = window_verdict::inside;
    std::string message;  // empty when inside
};

class signal_window {
public:
    // A producer's clock may run a little ahead of ours; a minute covers NTP-synced hosts.
    static constexpr std::chrono::seconds default_skew_allowance{60};

    explicit signal_window(std::chrono::nanoseconds max_age,
                           std::chrono::nanoseconds skew_allowance = default_skew_allowance)
        : max_age_{max_age}, skew_allowance_{skew_allowance} {}

    [[nodiscard]] window_judgement judge(const signal& s, time_point now) const;
    // The last instant at which `s` may still be traded (its candle plus the window).
    [[nodiscard]] time_point closes_at(const signal& s) const noexcept { return s.candle_time + max_age_; }

private:
    std::chrono::nanoseconds max_age_;
    std::chrono::nanoseconds skew_allowance_;
};

}  // namespace tradebot::signals
