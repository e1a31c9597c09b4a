#include "tradebot/exchange/venue_metrics.hpp"

#include <prometheus/histogram.h>

namespace tradebot::exchange {
namespace {

// REST round trips on loopback are tens of microseconds, to a venue tens of milliseconds.
const prometheus::Histogram::BucketBoundaries latency_buckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                              0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   2.5};

template <class Builder>
auto& family(Builder builder, prometheus::Registry& registry, const char* name, const char* help) {
    return builder.Name(name).Help(help).Register(registry);
}

}  // namespace

venue_metrics::venue_metrics(prometheus::Registry& registry, core::exchange_id venue)
    : venue_{core::to_string(venue)},
      latency_{family(prometheus::BuildHistogram(), registry, "tradebot_exchange_request_duration_seconds",
                      "REST round trip to the venue, request written to answer read, by endpoint.")},
      errors_{family(prometheus::BuildCounter(), registry, "tradebot_exchange_errors_total",
                     "Failed venue requests by error kind and venue error code (0: none, e.g. transport).")},
      budget_used_{family(prometheus::BuildGauge(), registry, "tradebot_exchange_rate_limit_used",
                          "Rate-limit budget used in the current window, as last reported by the venue.")},
      budget_limit_{family(prometheus::BuildGauge(), registry, "tradebot_exchange_rate_limit_limit",
                           "Rate-limit budget per window.")},
      messages_{family(prometheus::BuildCounter(), registry, "tradebot_exchange_stream_messages_total",
                       "WebSocket messages received, by stream.")},
      malformed_{family(prometheus::BuildCounter(), registry, "tradebot_exchange_stream_malformed_total",
                        "WebSocket messages that could not be decoded (logged and dropped), by stream.")},
      reconnects_{family(prometheus::BuildCounter(), registry, "tradebot_exchange_stream_reconnects_total",
                         "WebSocket reconnects, by stream.")},
      stream_state_{family(prometheus::BuildGauge(), registry, "tradebot_exchange_stream_up",
                           "Stream state: 1 connected, 0 down, -1 stalled (open but silent).")} {}

void venue_metrics::request(std::string_view endpoint, std::chrono::nanoseconds elapsed) {
    auto it = latency_by_endpoint_.find(endpoint);
    if (it == latency_by_endpoint_.end()) {
        auto& h = latency_.Add({{"venue", venue_}, {"endpoint", std::string{endpoint}}}, latency_buckets);
        it = latency_by_endpoint_.emplace(std::string{endpoint}, &h).first;
    }
    it->second->Observe(std::chrono::duration<double>(elapsed).count());
}

void venue_metrics::error(const exchange::error& e) {
    const auto kind = std::string{to_string(e.kind)};
    const auto code = std::to_string(e.venue_code);
    const auto key = kind + '/' + code;
    auto it = errors_by_key_.find(key);
    if (it == errors_by_key_.end()) {
        auto& c = errors_.Add({{"venue", venue_}, {"kind", kind}, {"code", code}});
        it = errors_by_key_.emplace(key, &c).first;
    }
    it->second->Increment();
}

void venue_metrics::rate_limits(const std::vector<budget_state>& budgets) {
    for (const auto& b : budgets) {
        series(budget_used_, used_by_budget_, "budget", b.name).Set(static_cast<double>(b.used));
        series(budget_limit_, limit_by_budget_, "budget", b.name).Set(static_cast<double>(b.limit));
    }
}

void venue_metrics::stream_message(std::string_view stream) {
    series(messages_, messages_by_stream_, "stream", stream).Increment();
}

void venue_metrics::stream_malformed(std::string_view stream) {
    series(malformed_, malformed_by_stream_, "stream", stream).Increment();
}

void venue_metrics::stream_reconnect(std::string_view stream) {
    series(reconnects_, reconnects_by_stream_, "stream", stream).Increment();
}

void venue_metrics::stream_up(std::string_view stream, int state) {
    series(stream_state_, state_by_stream_, "stream", stream).Set(state);
}

template <class Metric>
Metric& venue_metrics::series(prometheus::Family<Metric>& f, std::map<std::string, Metric*>& cache,
                              std::string_view label_name, std::string_view label) {
    const std::string key{label};
    auto it = cache.find(key);
    if (it == cache.end()) {
        it = cache.emplace(key, &f.Add({{"venue", venue_}, {std::string{label_name}, key}})).first;
    }
    return *it->second;
}

}  // namespace tradebot::exchange
