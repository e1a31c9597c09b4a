#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/clock.hpp"
#include "tradebot/exchange/api_credentials.hpp"
#include "tradebot/exchange/bybit/rest_codec.hpp"
#include "tradebot/exchange/error.hpp"
#include "tradebot/exchange/rate_limiter.hpp"
#include "tradebot/exchange/retry_schedule.hpp"
#include "tradebot/exchange/time_sync.hpp"
#include "tradebot/exchange/venue_metrics.hpp"
#include "tradebot/net/client_message.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::net {
class https_client;
}  // namespace tradebot::net

namespace tradebot::exchange::bybit {

struct rest_options {
    std::chrono::milliseconds recv_window{5'000};
    // Per-request bound (connect + write + read); a timeout after sending is unknown_outcome.
    std::chrono::milliseconds timeout{10'000};
    // Idempotent requests are sent again after transient failures (reset, 5xx, timeout, 10006
    // after its back-off, 10016).
    retry_options retry;
};

// One signed or public Bybit V5 REST call, end to end: waits for the rate limiter, signs the exact
// bytes sent (X-BAPI-* headers, §B2) with the venue's clock from time_sync, sends over the shared
// https_client, feeds X-Bapi-Limit* headers back to the limiter, unwraps the {retCode, retMsg,
// result, time} envelope, and records venue_metrics. On 10002 (clock skew) it re-syncs from
// /v5/market/time and retries once, only when the caller says the request is idempotent.
//
// Everything it references must outlive it; the metrics are optional. Not thread-safe beyond what
// its parts are (use it from one strand, like venue_metrics).
class rest_client {
public:
    rest_client(net::https_client& http, api_credentials credentials, time_sync& clock_sync, rate_limiter& limiter,
                const core::clock& clock, venue_metrics* metrics = nullptr, rest_options options = {});

    // `query` is already percent-encoded (no leading '?'); signed GETs sign it as is.
    [[nodiscard]] boost::asio::awaitable<result<envelope>> get(std::string path, std::string query, bool signed_request,
                                                               request_priority priority);
    // `body` is the JSON exactly as it will be sent (built once, signed, sent unchanged).
    [[nodiscard]] boost::asio::awaitable<result<envelope>> post(std::string path, std::string body,
                                                                request_priority priority, bool idempotent);

    // GET /v5/market/time, feeding time_sync; returns the venue's ms.
    [[nodiscard]] boost::asio::awaitable<result<std::int64_t>> sync_time();

    [[nodiscard]] const time_sync& clock_sync() const noexcept { return sync_; }

    // The request send() hands to the https_client for venue time `timestamp_ms`: target, body,
    // Content-Type for a POST, and when signed the X-BAPI-* headers over the exact payload.
    [[nodiscard]] net::client_request build_request(const std::string& method, const std::string& path,
                                                    const std::string& query, const std::string& body,
                                                    bool signed_request, std::int64_t timestamp_ms) const;

private:
    boost::asio::awaitable<result<envelope>> send_once(const std::string& method, const std::string& path,
                                                       const std::string& query, const std::string& body,
                                                       bool signed_request, request_priority priority);
    // One request with its 10002 re-sync; send() adds the transient retries around it.
    boost::asio::awaitable<result<envelope>> send_with_resync(const std::string& method, const std::string& path,
                                                              const std::string& query, const std::string& body,
                                                              bool signed_request, request_priority priority,
                                                              bool idempotent);
    boost::asio::awaitable<result<envelope>> send(std::string method, std::string path, std::string query,
                                                  std::string body, bool signed_request, request_priority priority,
                                                  bool idempotent);

    net::https_client& http_;
    api_credentials credentials_;
    time_sync& sync_;
    rate_limiter& limiter_;
    const core::clock& clock_;
    venue_metrics* metrics_;
    rest_options options_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace tradebot::exchange::bybit
