#pragma once

// Conversions between internal values and SQL text for the repositories. Money goes in and out as
// numeric text (exact); times as microseconds since the epoch (no time zone games).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <pqxx/pqxx>

#include "tradebot/core/decimal.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db::detail {

// A FROM item that makes the statement's commit asynchronous: set_config(..., true) is SET LOCAL
// inside the statement itself, no extra round trip. For writes whose loss in a crash the restart
// recovers from (docs/ARCHITECTURE.md §4a): a later synchronous commit flushes them anyway.
inline const std::string async_commit = " (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit ";
// The same as a condition that is always true, for a statement with no FROM list.
inline const std::string async_commit_condition = "(SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL";

[[nodiscard]] inline std::int64_t to_micros(time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

[[nodiscard]] inline time_point from_micros(std::int64_t us) {
    return time_point{std::chrono::duration_cast<time_point::duration>(std::chrono::microseconds{us})};
}

// SQL literal for a timestamptz from a time_point (truncated to the column's microseconds).
// Integer microseconds on top of the epoch: no float seconds, so every microsecond survives.
[[nodiscard]] inline std::string ts_literal(time_point t) {
    return "('epoch'::timestamptz + " + std::to_string(to_micros(t)) + " * interval '1 microsecond')";
}

// The same for a bigint statement parameter holding to_micros(): "$<n>" -> timestamptz.
[[nodiscard]] inline std::string ts_param(int n) {
    return "('epoch'::timestamptz + $" + std::to_string(n) + "::bigint * interval '1 microsecond')";
}

[[nodiscard]] inline std::optional<std::string> opt_numeric_text(const std::optional<core::decimal>& v) {
    return v ? std::optional<std::string>{v->to_string()} : std::nullopt;
}

// exec_params for a statement the hot paths run again and again: prepared once per connection
// under `name` (libpqxx keeps the definition and prepares it on first use, again after a
// reconnect), so PostgreSQL does not parse and plan it each time (≈ 0.25 ms of a 1-row claim).
// `sql` must be the same text for a name, every time.
template <class... Args>
pqxx::result exec_prepared(pqxx::transaction_base& tx, const std::string& name, const std::string& sql,
                           Args&&... args) {
    tx.conn().prepare(name, sql);
    return tx.exec_prepared(name, std::forward<Args>(args)...);
}

// A statement parameter that is NULL when `v` is empty (libpqxx 6 has no std::optional parameters).
// `v` must outlive the statement.
[[nodiscard]] inline const char* c_or_null(const std::optional<std::string>& v) noexcept {
    return v ? v->c_str() : nullptr;
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

[[nodiscard]] inline std::optional<std::int64_t> opt_int64(const pqxx::field& f) {
    if (f.is_null()) {
        return std::nullopt;
    }
    return f.as<std::int64_t>();
}

}  // namespace tradebot::db::detail
