#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "tradebot/config/settings.hpp"
#include "tradebot/signals/timestamp.hpp"

namespace tradebot::signals {

// One trading wave (original-bot.md §2.3).
struct wave {
    time_point at;           // the wave minute, second 0, UTC
    time_point candle_open;  // the 15-minute candle whose signals the wave trades
    time_point window_end;   // at + check duration: signals are looked for in [at, window_end)
    bool operator==(const wave&) const = default;
};

// When waves happen and which candle each trades. Pure: every question takes `now`.
//
// Candle of a wave: the newest 15-minute candle that has closed at or before the wave minute,
// candle_open(at) - 15 min. For the default minutes 5, 20, 35, 50 this is exactly the original's
// table (original-bot.md §2.3): :05 trades the candle opened at :45 of the previous hour (it
// closed at :00), :20 trades :00, :35 trades :15, :50 trades :30. The original picked the candle
// from ranges of the *current* minute (0-15, 16-30, 31-45, 46-59), which differs only for a wave
// at exactly :15, :30 or :45 (it took the candle one period older) and could change the candle
// when a detection window crossed a range edge; here the candle depends on the wave minute only.
//
// Restarts (§11 #57): catch_up_wave() gives the latest wave that already started, so a restart
// after a wave minute processes that wave at once instead of sleeping to the next one; the
// original's "older than 2 h ⇒ use the current boundary" substitution is replaced by refusing
// candles older than max_wave_age (too_old()).
//
// Immediate mode acts on each signal as it arrives: there are no waves (current_wave, next_wave,
// latest_wave and catch_up_wave give nullopt) and the caller only applies too_old() to the
// signal's candle_time.
class wave_schedule {
public:
    static constexpr std::chrono::minutes candle_period{15};

    struct options {
        // UTC minutes of the hour, 0..59. config::validate() refuses empty lists, repeats and
        // out-of-range values; the schedule sorts, drops repeats and ignores out-of-range values.
        std::vector<int> wave_minutes = {5, 20, 35, 50};
        std::chrono::seconds check_duration{240};
        std::chrono::minutes max_wave_age{120};
        bool immediate = false;
    };

    explicit wave_schedule(options o);
    [[nodiscard]] static options from_settings(const config::signals_settings& s, bool immediate = false);

    [[nodiscard]] bool immediate() const noexcept { return immediate_; }
    [[nodiscard]] const std::vector<int>& wave_minutes() const noexcept { return minutes_; }

    // Floor to the 15-minute grid (UTC).
    [[nodiscard]] static time_point candle_open(time_point t) noexcept;
    // candle_open(at) - 15 min: the candle a wave starting at `at` trades.
    [[nodiscard]] static time_point candle_for_wave(time_point at) noexcept;
    // The wave that starts at `at` (not checked against the configured minutes).
    [[nodiscard]] wave wave_at(time_point at) const noexcept;

    // The wave whose detection window [at, window_end) contains now.
    [[nodiscard]] std::optional<wave> current_wave(time_point now) const;
    // The first wave starting strictly after now: when to wake up next.
    [[nodiscard]] std::optional<wave> next_wave(time_point now) const;
    // The last wave starting at or before now, window open or not.
    [[nodiscard]] std::optional<wave> latest_wave(time_point now) const;
    // latest_wave(now) unless its candle is too_old(): what to process right after a start.
    [[nodiscard]] std::optional<wave> catch_up_wave(time_point now) const;

    // A candle older than max_wave_age is not traded; exactly max_wave_age old still is.
    [[nodiscard]] bool too_old(time_point candle_open, time_point now) const noexcept;

private:
    std::vector<int> minutes_;
    std::chrono::seconds check_duration_;
    std::chrono::minutes max_wave_age_;
    bool immediate_;
};

}  // namespace tradebot::signals
