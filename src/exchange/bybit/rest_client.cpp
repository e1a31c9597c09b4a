#include "tradebot/exchange/bybit/rest_client.hpp"

#include <utility>

#include "exchange/with_retries.hpp"
#include "tradebot/exchange/signing.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/net/https_client.hpp"

namespace tradebot::exchange::bybit {

using logging::kv;

rest_client::rest_client(net::https_client& http, api_credentials credentials, time_sync& clock_sync,
                         rate_limiter& limiter, const core::clock& clock, venue_metrics* metrics, rest_options options)
    : http_{http},
      credentials_{std::move(credentials)},
      sync_{clock_sync},
      limiter_{limiter},
      clock_{clock},
      metrics_{metrics},
      options_{options},
      log_{logging::get("exchange.bybit")} {}

boost::asio::awaitable<result<envelope>> rest_client::get(std::string path, std::string query, bool signed_request,
                                                          request_priority priority) {
    std::string method = "GET";
    std::string body;
    co_return co_await send(std::move(method), std::move(path), std::move(query), std::move(body), signed_request,
                            priority, true);
}

boost::asio::awaitable<result<envelope>> rest_client::post(std::string path, std::string body,
                                                           request_priority priority, bool idempotent) {
    std::string method = "POST";
    std::string query;
    co_return co_await send(std::move(method), std::move(path), std::move(query), std::move(body), true, priority,
                            idempotent);
}

boost::asio::awaitable<result<std::int64_t>> rest_client::sync_time() {
    const std::string method = "GET";
    const std::string path = "/v5/market/time";
    const std::string none;
    const auto sent = clock_.steady_now();
    auto r = co_await send_once(method, path, none, none, false, request_priority::critical);
    const auto received = clock_.steady_now();
    if (!r) {
        co_return r.error();
    }
    auto ms = parse_server_time(*r);
    if (!ms) {
        if (r->time_ms == 0) {
            co_return bad_response_error(core::exchange_id::bybit, 200, "market/time without timeNano");
        }
        ms = r->time_ms;
    }
    sync_.add_sample(sent, *ms, received);
    co_return *ms;
}

boost::asio::awaitable<result<envelope>> rest_client::send(std::string method, std::string path, std::string query,
                                                           std::string body, bool signed_request,
                                                           request_priority priority, bool idempotent) {
    co_return co_await with_transient_retries<envelope>(
        [&] { return send_with_resync(method, path, query, body, signed_request, priority, idempotent); }, idempotent,
        options_.retry, clock_, [&](const error& failure, std::chrono::milliseconds pause) {
            logging::info(log_, "bybit request failed transiently, retrying", kv("method", method), kv("path", path),
                          kv("error", failure.describe()), kv("pause_ms", pause.count()));
        });
}

boost::asio::awaitable<result<envelope>> rest_client::send_with_resync(const std::string& method,
                                                                       const std::string& path,
                                                                       const std::string& query,
                                                                       const std::string& body, bool signed_request,
                                                                       request_priority priority, bool idempotent) {
    if (signed_request && sync_.needs_resync()) {
        // Best effort: without a sample the local clock signs, and 10002 brings us back here.
        auto synced = co_await sync_time();
        if (!synced && synced.error().kind == error_kind::rate_limited) {
            co_return synced.error();  // the limiter now holds everyone back; do not queue behind it
        }
    }
    auto r = co_await send_once(method, path, query, body, signed_request, priority);
    if (!r && r.error().kind == error_kind::clock_skew && signed_request) {
        sync_.on_clock_skew();
        auto synced = co_await sync_time();
        if (synced && idempotent) {
            r = co_await send_once(method, path, query, body, signed_request, priority);
        }
    }
    co_return r;
}

net::client_request rest_client::build_request(const std::string& method, const std::string& path,
                                               const std::string& query, const std::string& body,
                                               bool signed_request, std::int64_t timestamp_ms) const {
    net::client_request req;
    req.method = method;
    req.target = query.empty() ? path : path + "?" + query;
    req.body = body;
    req.timeout = options_.timeout;
    if (method == "POST") {
        req.headers.emplace_back("Content-Type", "application/json");
    }
    if (signed_request) {
        const std::int64_t recv = options_.recv_window.count();
        const std::string& payload = method == "POST" ? body : query;
        req.headers.emplace_back("X-BAPI-API-KEY", credentials_.api_key());
        req.headers.emplace_back("X-BAPI-TIMESTAMP", std::to_string(timestamp_ms));
        req.headers.emplace_back("X-BAPI-RECV-WINDOW", std::to_string(recv));
        req.headers.emplace_back("X-BAPI-SIGN", bybit_signature(credentials_, timestamp_ms, recv, payload));
        req.headers.emplace_back("X-BAPI-SIGN-TYPE", "2");
    }
    return req;
}

boost::asio::awaitable<result<envelope>> rest_client::send_once(const std::string& method, const std::string& path,
                                                                const std::string& query, const std::string& body,
                                                                bool signed_request, request_priority priority) {
    const request_cost cost = bybit_cost(path);
    co_await limiter_.acquire(cost, priority);

    net::client_request req =
        build_request(method, path, query, body, signed_request, signed_request ? sync_.venue_now_ms() : 0);

    const auto started = clock_.steady_now();
    auto answer = co_await http_.request(std::move(req));
    if (!answer) {
        auto err = transport_error(core::exchange_id::bybit, answer.error());
        if (metrics_ != nullptr) {
            metrics_->error(err);
        }
        co_return err;
    }
    if (metrics_ != nullptr) {
        metrics_->request(path, clock_.steady_now() - started);
    }
    limiter_.on_response(cost, answer->headers);
    auto r = parse_envelope(answer->status, answer->body);
    if (!r) {
        auto err = r.error();
        if (err.kind == error_kind::rate_limited) {
            if (const auto h = answer->header("Retry-After")) {
                err.retry_after = parse_retry_after(*h);
            }
            if (!err.retry_after && err.venue_code == 10006) {
                // The per-UID limit is a rolling second per endpoint (exchange-apis.md §B).
                err.retry_after = std::chrono::seconds{1};
            }
            limiter_.on_error(cost, err);
        }
        if (metrics_ != nullptr) {
            metrics_->error(err);
        }
        r = err;
    }
    if (metrics_ != nullptr) {
        metrics_->rate_limits(limiter_.budgets());
    }
    co_return r;
}

}  // namespace tradebot::exchange::bybit
