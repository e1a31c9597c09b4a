#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include "tradebot/core/clock.hpp"
#include "tradebot/exchange/api_credentials.hpp"
#include "tradebot/exchange/error.hpp"
#include "tradebot/exchange/rate_limiter.hpp"
#include "tradebot/exchange/retry_schedule.hpp"
#include "tradebot/exchange/time_sync.hpp"
#include "tradebot/exchange/venue_metrics.hpp"
#include "tradebot/net/https_client.hpp"

namespace spdlog {
class logger;
}  // namespace spdlog

namespace tradebot::exchange::binance {

// §A2 security types: NONE (public), USER_STREAM (key header only), SIGNED (key + timestamp +
// recvWindow + signature).
enum class security : std::uint8_t { none, api_key, signed_ };

struct rest_request {
    std::string method = "GET";
    std::string path;         // "/fapi/v1/order"
    std::string query;        // percent-encoded parameters without timestamp/recvWindow/signature
    security auth = security::signed_;
    binance_endpoint endpoint = binance_endpoint::time;
    request_priority priority = request_priority::normal;
    // Reads, cancels by id and set_* calls: may be sent again after a clock re-sync (-1021).
    // New orders and stops are not: a second send could duplicate them.
    bool idempotent = true;
};

// A GET; the reads differ only in these.
[[nodiscard]] inline rest_request get_request(std::string path, std::string query, security auth,
                                              binance_endpoint endpoint, request_priority priority) {
    rest_request r;
    r.path = std::move(path);
    r.query = std::move(query);
    r.auth = auth;
    r.endpoint = endpoint;
    r.priority = priority;
    return r;
}

// A public (security NONE) GET.
[[nodiscard]] inline rest_request public_get(std::string path, std::string query, binance_endpoint endpoint,
                                             request_priority priority) {
    return get_request(std::move(path), std::move(query), security::none, endpoint, priority);
}

// A signed (USER_DATA) GET.
[[nodiscard]] inline rest_request signed_get(std::string path, std::string query, binance_endpoint endpoint,
                                             request_priority priority) {
    return get_request(std::move(path), std::move(query), security::signed_, endpoint, priority);
}

struct rest_options {
    std::chrono::milliseconds recv_window{5'000};  // §A2: Binance recommends <= 5000
    // Whole-request timeout (connect + write + read); after the request was sent a timeout is
    // an unknown outcome (net::client_errc::timeout_after_send).
    std::chrono::milliseconds timeout{10'000};
    // Idempotent requests (rest_request::idempotent) are sent again after transient failures.
    retry_options retry;
};

// Signed and unsigned fapi requests over one https_client: waits for the rate limiter before
// each request and feeds it every answer's headers; signs the exact query it sends (everything,
// also for POST/PUT/DELETE, goes in the query string: §A2 allows it and it keeps "what is signed"
// and "what is sent" one string); maps {"code","msg"} answers to exchange::error with
// classify_binance and transport failures with transport_error; on -1021 tells time_sync,
// re-syncs from GET /fapi/v1/time and retries once if the request is idempotent; an idempotent
// request that failed transiently (reset, 5xx, timeout, -1001, -1003 after its Retry-After) is
// sent again within rest_options::retry.
//
// Stateless apart from the shared limiter and time_sync: call() may run from several coroutines
// at once. Everything passed in must outlive the client and its pending calls.
class rest_client {
public:
    rest_client(net::https_client& http, api_credentials credentials, rate_limiter& limiter, time_sync& clock_sync,
                const core::clock& clock, venue_metrics* metrics, std::shared_ptr<spdlog::logger> log,
                rest_options options = {});

    // The parsed JSON body of a successful answer, or the error.
    [[nodiscard]] boost::asio::awaitable<result<boost::json::value>> call(rest_request request);

    // GET /fapi/v1/time; feeds time_sync with the sample and returns the server time.
    [[nodiscard]] boost::asio::awaitable<result<std::int64_t>> sync_time(request_priority priority);

    // The target (path?query) that call() would send for `request` at venue time `timestamp_ms`:
    // unsigned requests as they are, signed ones with recvWindow, timestamp and signature last.
    [[nodiscard]] std::string build_target(const rest_request& request, std::int64_t timestamp_ms) const;
    // The whole request call() hands to the https_client: method, build_target(), the key header
    // and the timeout.
    [[nodiscard]] net::client_request build_request(const rest_request& request, std::int64_t timestamp_ms) const;

    [[nodiscard]] time_sync& clock_sync() noexcept { return sync_; }
    [[nodiscard]] const rest_options& options() const noexcept { return options_; }

private:
    // One request with its -1021 re-sync; call() adds the transient retries around it.
    boost::asio::awaitable<result<boost::json::value>> call_once(const rest_request& request);
    boost::asio::awaitable<result<boost::json::value>> send_once(const rest_request& request, bool& clock_skew);

    net::https_client& http_;
    api_credentials credentials_;
    rate_limiter& limiter_;
    time_sync& sync_;
    const core::clock& clock_;
    venue_metrics* metrics_;
    std::shared_ptr<spdlog::logger> log_;
    rest_options options_;
};

}  // namespace tradebot::exchange::binance
