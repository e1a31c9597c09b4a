#pragma once

#include <boost/asio/any_io_executor.hpp>

#include "tradebot/events/router.hpp"
#include "tradebot/events/signal_event.hpp"

namespace tradebot::trading {
class trading_metrics;
}

namespace tradebot::pipeline {

// The signal events as tradebot_signals_total{outcome, reason}: a subscriber of the signal_event
// topic on `executor` (the counters are thread-safe, so any strand will do).
class signal_metrics {
public:
    signal_metrics(boost::asio::any_io_executor executor, events::router& router, trading::trading_metrics& metrics);

private:
    trading::trading_metrics& metrics_;
    events::subscription subscription_;
};

}  // namespace tradebot::pipeline
