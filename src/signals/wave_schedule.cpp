#include "tradebot/signals/wave_schedule.hpp"

#include <algorithm>

namespace tradebot::signals {
namespace {

using duration = time_point::duration;

time_point floor_to(time_point t, duration period) noexcept {
    // Times before 1970 never occur here; floor division keeps the grid right if they did.
    auto count = t.time_since_epoch().count();
    const auto p = period.count();
    auto q = count / p;
    if (count % p != 0 && count < 0)
        --q;
    return time_point{duration{q * p}};
}

}  // namespace

wave_schedule::wave_schedule(options o)
    : check_duration_{o.check_duration}, max_wave_age_{o.max_wave_age}, immediate_{o.immediate} {
    for (const int m : o.wave_minutes) {
        if (m >= 0 && m <= 59)
            minutes_.push_back(m);
    }
    std::sort(minutes_.begin(), minutes_.end());
    minutes_.erase(std::unique(minutes_.begin(), minutes_.end()), minutes_.end());
}

wave_schedule::options wave_schedule::from_settings(const config::signals_settings& s, bool immediate) {
    return options{
        .wave_minutes = s.wave_minutes,
        .check_duration = s.wave_check_duration_seconds,
        .max_wave_age = s.max_wave_age_minutes,
        .immediate = immediate};
}

time_point wave_schedule::candle_open(time_point t) noexcept {
    return floor_to(t, candle_period);
}

time_point wave_schedule::candle_for_wave(time_point at) noexcept {
    return candle_open(at) - candle_period;
}

wave wave_schedule::wave_at(time_point at) const noexcept {
    return wave{.at = at, .candle_open = candle_for_wave(at), .window_end = at + check_duration_};
}

std::optional<wave> wave_schedule::latest_wave(time_point now) const {
    if (immediate_ || minutes_.empty())
        return std::nullopt;
    const time_point hour = floor_to(now, std::chrono::hours{1});
    // Newest first: this hour's minutes that have passed, else the previous hour's last one.
    for (auto it = minutes_.rbegin(); it != minutes_.rend(); ++it) {
        const time_point at = hour + std::chrono::minutes{*it};
        if (at <= now)
            return wave_at(at);
    }
    return wave_at(hour - std::chrono::hours{1} + std::chrono::minutes{minutes_.back()});
}

std::optional<wave> wave_schedule::next_wave(time_point now) const {
    if (immediate_ || minutes_.empty())
        return std::nullopt;
    const time_point hour = floor_to(now, std::chrono::hours{1});
    for (const int m : minutes_) {
        const time_point at = hour + std::chrono::minutes{m};
        if (at > now)
            return wave_at(at);
    }
    return wave_at(hour + std::chrono::hours{1} + std::chrono::minutes{minutes_.front()});
}

std::optional<wave> wave_schedule::current_wave(time_point now) const {
    // All windows have the same length, so the latest wave's window ends last: if it does not
    // contain now, no earlier one does.
    auto w = latest_wave(now);
    if (w && now < w->window_end)
        return w;
    return std::nullopt;
}

std::optional<wave> wave_schedule::catch_up_wave(time_point now) const {
    auto w = latest_wave(now);
    if (w && !too_old(w->candle_open, now))
        return w;
    return std::nullopt;
}

bool wave_schedule::too_old(time_point candle, time_point now) const noexcept {
    return now - candle > max_wave_age_;
}

}  // namespace tradebot::signals
