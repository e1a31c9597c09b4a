#include "tradebot/exchange/binance/rest_client.hpp"

#include <utility>

#include <boost/json.hpp>

#include "exchange/binance/metrics_lock.hpp"
#include "tradebot/exchange/binance/wire.hpp"
#include "tradebot/exchange/signing.hpp"
#include "exchange/with_retries.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::exchange::binance {

namespace asio = boost::asio;
using logging::kv;

namespace {

constexpr auto venue_id = core::exchange_id::binance;

// Error texts for logs and errors: bodies of non-JSON answers can be HTML pages.
std::string_view clip(std::string_view s) { return s.substr(0, 200); }

}  // namespace

rest_client::rest_client(net::https_client& http, api_credentials credentials, rate_limiter& limiter,
                         time_sync& clock_sync, const core::clock& clock, venue_metrics* metrics,
                         std::shared_ptr<spdlog::logger> log, rest_options options)
    : http_{http},
      credentials_{std::move(credentials)},
      limiter_{limiter},
      sync_{clock_sync},
      clock_{clock},
      metrics_{metrics},
      log_{std::move(log)},
      options_{options} {}

std::string rest_client::build_target(const rest_request& request, std::int64_t timestamp_ms) const {
    std::string target = request.path;
    if (request.auth != security::signed_) {
        if (!request.query.empty()) {
            target.append("?").append(request.query);
        }
        return target;
    }
    std::string query = request.query;
    if (!query.empty()) {
        query.push_back('&');
    }
    query.append("recvWindow=").append(std::to_string(options_.recv_window.count()));
    query.append("&timestamp=").append(std::to_string(timestamp_ms));
    target.append("?").append(binance_signed_query(credentials_, query));
    return target;
}

net::client_request rest_client::build_request(const rest_request& request, std::int64_t timestamp_ms) const {
    net::client_request req;
    req.method = request.method;
    req.target = build_target(request, timestamp_ms);
    if (request.auth != security::none) {
        req.headers.emplace_back("X-MBX-APIKEY", credentials_.api_key());
    }
    req.timeout = options_.timeout;
    return req;
}

asio::awaitable<result<boost::json::value>> rest_client::send_once(const rest_request& request, bool& clock_skew) {
    clock_skew = false;
    const request_cost cost = binance_cost(request.endpoint);
    co_await limiter_.acquire(cost, request.priority);

    net::client_request req = build_request(request, sync_.venue_now_ms());
    const auto started = clock_.steady_now();
    auto answer = co_await http_.request(std::move(req));
    const auto elapsed = clock_.steady_now() - started;

    if (!answer) {
        error e = transport_error(venue_id, answer.error());
        detail::with_metrics(metrics_, [&](venue_metrics& m) { m.error(e); });
        logging::warn(log_, "binance request failed", kv("method", request.method), kv("path", request.path),
                      kv("error", e.describe()));
        co_return e;
    }
    const net::client_response& resp = *answer;
    limiter_.on_response(cost, resp.headers);
    detail::with_metrics(metrics_, [&](venue_metrics& m) {
        m.request(request.path, elapsed);
        m.rate_limits(limiter_.budgets());
    });

    const bool ok_status = resp.status >= 200 && resp.status < 300;
    std::optional<venue_error_body> venue_err = parse_error_body(resp.body);
    if (ok_status && !venue_err) {
        boost::system::error_code ec;
        boost::json::value v = boost::json::parse(resp.body, ec);
        if (!ec) {
            co_return v;
        }
        error e = bad_response_error(venue_id, resp.status, "unparsable JSON: " + std::string{clip(resp.body)});
        // A mutation whose answer cannot be read may have happened (error.hpp bad_response).
        if (!request.idempotent) {
            e.kind = error_kind::unknown_outcome;
        }
        detail::with_metrics(metrics_, [&](venue_metrics& m) { m.error(e); });
        co_return e;
    }

    error e = venue_err ? binance_error(resp.status, venue_err->code, venue_err->msg)
                        : binance_error(resp.status, 0, clip(resp.body));
    if (e.kind == error_kind::rate_limited) {
        if (const auto h = resp.header("Retry-After")) {
            e.retry_after = parse_retry_after(*h);
        }
        limiter_.on_error(cost, e);
    }
    clock_skew = e.kind == error_kind::clock_skew;
    detail::with_metrics(metrics_, [&](venue_metrics& m) { m.error(e); });
    logging::warn(log_, "binance request rejected", kv("method", request.method), kv("path", request.path),
                  kv("error", e.describe()));
    co_return e;
}

asio::awaitable<result<boost::json::value>> rest_client::call(rest_request request) {
    co_return co_await with_transient_retries<boost::json::value>(
        [&] { return call_once(request); }, request.idempotent, options_.retry, clock_,
        [&](const error& failure, std::chrono::milliseconds pause) {
            logging::info(log_, "binance request failed transiently, retrying", kv("method", request.method),
                          kv("path", request.path), kv("error", failure.describe()), kv("pause_ms", pause.count()));
        });
}

asio::awaitable<result<boost::json::value>> rest_client::call_once(const rest_request& request) {
    if (request.auth == security::signed_ && sync_.needs_resync()) {
        // Best effort: without a sample the local clock signs, and -1021 brings us back here.
        const auto synced = co_await sync_time(request.priority);
        (void)synced;
    }
    bool clock_skew = false;
    auto first = co_await send_once(request, clock_skew);
    if (!clock_skew) {
        co_return first;
    }
    sync_.on_clock_skew();
    const auto synced = co_await sync_time(request.priority);
    if (!synced || !request.idempotent) {
        // A new order refused for its timestamp did not happen; the caller decides on a new
        // attempt (it is not ours to re-send a mutation).
        co_return first;
    }
    logging::info(log_, "binance clock re-synced after -1021, retrying", kv("path", request.path),
                  kv("offset_ms", sync_.wall_offset().count()));
    co_return co_await send_once(request, clock_skew);
}

asio::awaitable<result<std::int64_t>> rest_client::sync_time(request_priority priority) {
    const auto r = public_get("/fapi/v1/time", "", binance_endpoint::time, priority);
    const auto sent = clock_.steady_now();
    bool skew = false;
    auto v = co_await send_once(r, skew);
    const auto received = clock_.steady_now();
    if (!v) {
        co_return v.error();
    }
    auto t = parse_server_time(*v);
    if (t) {
        sync_.add_sample(sent, *t, received);
    }
    co_return t;
}

}  // namespace tradebot::exchange::binance
