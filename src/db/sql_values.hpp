#pragma once

// Conversions between internal values and SQL text for the repositories. Money goes in and out as
// numeric text (exact); times as microseconds since the epoch (no time zone games).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "tradebot/core/decimal.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db::detail {

[[nodiscard]] inline std::int64_t to_micros(time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

[[nodiscard]] inline time_point from_micros(std::int64_t us) {
    return time_point{std::chrono::duration_cast<time_point::duration>(std::chrono::microseconds{us})};
}

// SQL literal for a timestamptz from a time_point.
[[nodiscard]] inline std::string ts_literal(time_point t) {
    return "to_timestamp(" + std::to_string(to_micros(t)) + "::numeric / 1000000)";
}

// Select expression giving a timestamptz column as epoch microseconds.
[[nodiscard]] inline std::string micros_of(std::string_view column) {
    return "(extract(epoch from " + std::string{column} + ") * 1000000)::bigint";
}

[[nodiscard]] inline core::decimal decimal_of(const pqxx::field& f) {
    // numeric::text may carry more digits than the decimal holds; from_string says so if so.
    return core::decimal::from_string(f.c_str());
}

[[nodiscard]] inline std::optional<core::decimal> opt_decimal(const pqxx::field& f) {
    if (f.is_null()) {
        return std::nullopt;
    }
    return decimal_of(f);
}

[[nodiscard]] inline std::optional<time_point> opt_time(const pqxx::field& f) {
    if (f.is_null()) {
        return std::nullopt;
    }
    return from_micros(f.as<std::int64_t>());
}

[[nodiscard]] inline std::optional<std::string> opt_text(const pqxx::field& f) {
    if (f.is_null()) {
        return std::nullopt;
    }
    return f.as<std::string>();
}

}  // namespace tradebot::db::detail
