#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tradebot/core/clock.hpp"

namespace tradebot::signals {

using time_point = core::clock::time_point;

// A timestamp as PostgreSQL prints a timestamptz ("2026-01-01 00:45:00+00",
// "2026-01-01 00:45:00.123456+05:30") or as the original producers wrote ISO 8601
// ("2026-01-01T00:45:00", "2026-01-01T00:45:00Z", "...+00:00"). Seconds and fraction (up to 9
// digits) are optional; an offset may be Z, ±HH, ±HHMM, ±HH:MM or ±HH:MM:SS. A timestamp without
// an offset is UTC: the original signal server sent candle times without "+00:00" and meant UTC.
// Years outside 1970..2200 are refused (the nanosecond time_point would overflow further out).
// Anything else (dates that do not exist, "infinity", trailing junk) gives nullopt.
[[nodiscard]] std::optional<time_point> parse_timestamp(std::string_view text) noexcept;

// ISO 8601 in UTC to the microsecond, as PostgreSQL keeps a timestamptz: "2026-01-01T00:45:00.123456Z";
// whole seconds without a fraction ("2026-01-01T00:45:00Z"). parse_timestamp() reads it back.
[[nodiscard]] std::string format_timestamp(time_point t);

}  // namespace tradebot::signals
