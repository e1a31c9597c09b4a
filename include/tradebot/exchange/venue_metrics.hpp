#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "tradebot/core/types.hpp"
#include "tradebot/exchange/error.hpp"
#include "tradebot/exchange/rate_limiter_core.hpp"

namespace tradebot::exchange {

// The Prometheus series every venue adapter reports, labelled by venue: REST latency by endpoint,
// errors by kind and venue code, rate-limit usage, stream state, messages and reconnects.
// Series are created on first use and cached, so the hot path does a map lookup, not a
// registry call. Not thread-safe: each adapter uses its own instance on its own strand.
class venue_metrics {
public:
    venue_metrics(prometheus::Registry& registry, core::exchange_id venue);

    // One REST request that got an answer (any status) after `elapsed`.
    void request(std::string_view endpoint, std::chrono::nanoseconds elapsed);
    void error(const exchange::error& e);
    void rate_limits(const std::vector<budget_state>& budgets);
    void stream_message(std::string_view stream);
    void stream_malformed(std::string_view stream);
    void stream_reconnect(std::string_view stream);
    // 1 connected, 0 down, -1 stalled.
    void stream_up(std::string_view stream, int state);

private:
    // The series of `f` for one label value, created on first use.
    template <class Metric>
    Metric& series(prometheus::Family<Metric>& f, std::map<std::string, Metric*>& cache, std::string_view label_name,
                   std::string_view label);

    std::string venue_;
    prometheus::Family<prometheus::Histogram>& latency_;
    prometheus::Family<prometheus::Counter>& errors_;
    prometheus::Family<prometheus::Gauge>& budget_used_;
    prometheus::Family<prometheus::Gauge>& budget_limit_;
    prometheus::Family<prometheus::Counter>& messages_;
    prometheus::Family<prometheus::Counter>& malformed_;
    prometheus::Family<prometheus::Counter>& reconnects_;
    prometheus::Family<prometheus::Gauge>& stream_state_;
    std::map<std::string, prometheus::Histogram*, std::less<>> latency_by_endpoint_;
    std::map<std::string, prometheus::Counter*> errors_by_key_;
    std::map<std::string, prometheus::Gauge*> used_by_budget_;
    std::map<std::string, prometheus::Gauge*> limit_by_budget_;
    std::map<std::string, prometheus::Counter*> messages_by_stream_;
    std::map<std::string, prometheus::Counter*> malformed_by_stream_;
    std::map<std::string, prometheus::Counter*> reconnects_by_stream_;
    std::map<std::string, prometheus::Gauge*> state_by_stream_;
};

}  // namespace tradebot::exchange
