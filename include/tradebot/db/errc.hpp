#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <system_error>
#include <type_traits>

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace tradebot::db {

// Why a database operation failed. Callers branch on these (retry a serialization failure,
// re-poll after connection_lost, treat in_doubt as "look the row up before writing again").
enum class errc : std::uint8_t {
    connect_failed = 1,      // could not (re)connect; the worker keeps retrying with backoff
    connection_lost,         // the connection broke; the statement may or may not have run
    in_doubt,                // the commit was sent but its outcome is unknown
    query_failed,            // the server rejected the statement (syntax, missing table, ...)
    serialization_failure,   // SQLSTATE 40001: the whole transaction may be retried
    deadlock_detected,       // SQLSTATE 40P01: the whole transaction may be retried
    unique_violation,        // SQLSTATE 23505
    constraint_violation,    // other SQLSTATE 23xxx (check, foreign key, not null)
    stale_version,           // the row changed since it was read (optimistic concurrency)
    bad_result,              // the result had an unexpected shape or could not be converted
    migration_checksum_mismatch,  // an applied migration differs from the one in this binary
    migration_unknown_version,    // the database has a migration this binary does not know
    invalid_argument,        // bad schema name, bad URL, ...
    shutting_down,           // the worker was stopped before the operation could run
    internal,                // any other exception thrown by the operation
    already_live,            // a live position holds the (venue, symbol, mode) slot; is(unique_violation) too
    signal_taken,            // the signal was decided or claimed by another before this write could claim it
    lease_lost,              // SQLSTATE TBL01: this session's fencing token is no longer the lease's (migration 0003)
};

[[nodiscard]] const boost::system::error_category& category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), category()};
}

// An error code plus what the server (or libpq) said, for logs. Never contains the password.
struct error {
    boost::system::error_code code;
    std::string message;
    std::string sqlstate;  // five characters when the server reported one

    error() = default;
    error(errc e, std::string msg, std::string state = {})
        : code{make_error_code(e)}, message{std::move(msg)}, sqlstate{std::move(state)} {}

    // already_live is the unique violation of positions_one_live_per_symbol, so it also answers
    // is(unique_violation) for callers that only care that the insert was refused.
    [[nodiscard]] bool is(errc e) const noexcept {
        return code == make_error_code(e) ||
               (e == errc::unique_violation && code == make_error_code(errc::already_live));
    }
    // "category: code message [sqlstate]" for logs.
    [[nodiscard]] std::string describe() const;
};

std::ostream& operator<<(std::ostream& os, const error& e);

// boost::system::result::value() reports a db::error through this (found by ADL).
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

template <class T>
using result = boost::system::result<T, error>;

}  // namespace tradebot::db

template <>
struct boost::system::is_error_code_enum<tradebot::db::errc> : std::true_type {};
