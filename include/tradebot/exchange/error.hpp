#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "tradebot/core/types.hpp"

namespace tradebot::exchange {

// What the trading core must do about a failed venue call. The kinds are chosen by the decision
// they drive, not by the venue's own grouping: e.g. -2011 on cancel and 110008 "already
// completed" both mean "the order is not open any more; query it by client id to learn why".
enum class error_kind : std::uint8_t {
    // Failed for certain, nothing happened on the venue: retry later (5xx that say so, network
    // failures before any byte was sent, Binance -1008 overload).
    retryable = 1,
    // Over a rate limit or banned (HTTP 429/418/403, -1003, -1015, Bybit 10006). Back off until
    // retry_after; the rate limiter is told through rate_limiter::on_error().
    rate_limited,
    // Our timestamp is outside the venue's window (-1021, Bybit 10002): re-sync the clock
    // (time_sync::on_clock_skew()) and retry an idempotent request once.
    clock_skew,
    // The venue refused the parameters (filters, precision, mode mismatch, bad symbol ...).
    // Retrying the same request cannot help; instrument_rules::validate() should have caught it.
    invalid_request,
    insufficient_margin,
    // The stop/trigger price is already crossed (-2021, Bybit 110092/110093, Bybit 10001 with a
    // "base_price" message). For a protective stop the position must be closed instead.
    would_trigger_immediately,
    // A reduce-only order that would open or increase a position (-2022, 110017): usually the
    // position is already flat. Read the position before doing anything else.
    reduce_only_rejected,
    // No open order with that id: never existed, already filled or already cancelled
    // (-2011, -2013, 110001, 110008, 110010). Query by client id to learn which.
    unknown_order,
    // The same client order id is already known to the venue (-4116, 110072): an earlier attempt
    // with this id reached the venue. Query it by client id; never pick a new id to "retry".
    duplicate_client_id,
    // The requested setting is already in effect (leverage, margin mode, position mode, TP/SL:
    // -4046, -4059, -5027, 110025, 110026, 110043, 34040). Adapters of set_* calls report success.
    no_change,
    auth,  // key, signature, permission or IP problem: stop trading on this venue, alert
    // The request may have reached the venue and its effect is unknown (timeout or connection
    // lost after send, 408/504, Binance -1000/-1006/-1007, "Unknown error" 503, Bybit 10016).
    // Reconcile by client order id; never blind-retry a non-idempotent request.
    unknown_outcome,
    // The venue answered but the answer could not be understood (malformed JSON, missing fields).
    // For a mutation this is as bad as unknown_outcome; adapters report unknown_outcome then.
    bad_response,
};

[[nodiscard]] std::string_view to_string(error_kind k) noexcept;

// A failed venue call. Carried as the error of boost::system::result<T, exchange::error> rather
// than as an error_code: the core needs the venue code, message, HTTP status and retry_after for
// decisions and logs, and an error_code holds only an int and a category. error_kind is also an
// error_code enum (exchange_category()) for the few places that can carry only an error_code.
struct error {
    error_kind kind = error_kind::retryable;
    core::exchange_id venue = core::exchange_id::binance;
    unsigned http_status = 0;  // 0 when no HTTP answer arrived
    int venue_code = 0;        // Binance "code" (negative), Bybit retCode; 0 when none
    std::string message;       // the venue's text or the transport's; never any secret
    // From a Retry-After header or a known ban length; nullopt: the caller's default back-off.
    std::optional<std::chrono::milliseconds> retry_after;
    boost::system::error_code transport;  // set for network failures (net::client_errc ...)

    // "binance http=400 code=-2019 insufficient_margin: Margin is insufficient." for logs.
    [[nodiscard]] std::string describe() const;
};

template <typename T>
using result = boost::system::result<T, error>;

// Classifications, table-driven from exchange-apis.md §A3/§A4 (Binance) and §B3/§B4 (Bybit).
// The code wins over the HTTP status, except that 429/418/403 (Binance) and 429/403 (Bybit) are
// always rate_limited. `message` is read only where the reference says the code alone is
// ambiguous (Binance 503 variants in §A3; Bybit 10001 base_price / expect Rising|Falling in §B4);
// it is never parsed for numbers (§0.7).
[[nodiscard]] error_kind classify_binance(unsigned http_status, int code, std::string_view message = {}) noexcept;
[[nodiscard]] error_kind classify_bybit(unsigned http_status, int ret_code, std::string_view ret_msg = {}) noexcept;

// Builders that classify and keep the details.
[[nodiscard]] error binance_error(unsigned http_status, int code, std::string_view message);
[[nodiscard]] error bybit_error(unsigned http_status, int ret_code, std::string_view ret_msg);
// A transport failure from net::https_client: outcome_unknown (after send) or retryable (before).
[[nodiscard]] error transport_error(core::exchange_id venue, const boost::system::error_code& ec);
[[nodiscard]] error bad_response_error(core::exchange_id venue, unsigned http_status, std::string_view what);
// Found before anything was sent (an unknown symbol, a request the venue would refuse).
[[nodiscard]] error local_error(core::exchange_id venue, error_kind kind, std::string message);

// "Retry-After: <seconds>" (the HTTP-date form is not used by either venue [U]); nullopt if absent
// or malformed.
[[nodiscard]] std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value) noexcept;

// May the same request be sent again (after back-off / re-sync)? Only errors that prove nothing
// happened qualify; unknown_outcome qualifies only for idempotent requests (reads, cancels by id,
// set_* calls), because re-sending a new order could duplicate it.
[[nodiscard]] bool may_retry(error_kind k, bool idempotent) noexcept;

[[nodiscard]] const boost::system::error_category& exchange_category() noexcept;
[[nodiscard]] inline boost::system::error_code make_error_code(error_kind k) noexcept {
    return {static_cast<int>(k), exchange_category()};
}

// Found by ADL from result<T, error>::value(). Code should test has_value() instead: exceptions
// must not cross module boundaries; this only exists so that value() compiles.
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

}  // namespace tradebot::exchange

template <>
struct boost::system::is_error_code_enum<tradebot::exchange::error_kind> : std::true_type {};
