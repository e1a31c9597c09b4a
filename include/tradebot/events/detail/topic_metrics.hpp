#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

namespace tradebot::events::detail {

// The series of one topic; owned by the prometheus::Registry, which outlives the router.
struct topic_metrics {
    prometheus::Counter* published = nullptr;
    prometheus::Counter* dispatched = nullptr;
    prometheus::Counter* coalesced = nullptr;
    prometheus::Counter* handler_errors = nullptr;
    prometheus::Gauge* queue_depth = nullptr;
};

}  // namespace tradebot::events::detail
