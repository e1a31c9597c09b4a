#include "tradebot/signals/signal_window.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace tradebot::signals {
namespace {

std::string iso_seconds(time_point t) {
    const auto s = std::chrono::time_point_cast<std::chrono::seconds>(t);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::sys_seconds{s.time_since_epoch()});
}

std::string minutes(std::chrono::nanoseconds d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::minutes>(d).count()) + " min";
}

}  // namespace

window_judgement signal_window::judge(const signal& s, time_point now) const {
    const auto latest = now + skew_allowance_;
    if (s.candle_time > latest) {
        return {window_verdict::future, "candle_time " + iso_seconds(s.candle_time) + " is " +
                                            minutes(s.candle_time - now) + " ahead of now " + iso_seconds(now)};
    }
    if (s.wave_time && *s.wave_time > latest) {
        return {window_verdict::future,
                "wave_time " + iso_seconds(*s.wave_time) + " is " + minutes(*s.wave_time - now) + " ahead of now " + iso_seconds(now)};
    }
    if (now > closes_at(s)) {
        return {window_verdict::too_old, "candle_time " + iso_seconds(s.candle_time) + " is " + minutes(now - s.candle_time) +
                                             " old, beyond signals.max_wave_age_minutes (" + minutes(max_age_) + ")"};
    }
    return {};
}

}  // namespace tradebot::signals
