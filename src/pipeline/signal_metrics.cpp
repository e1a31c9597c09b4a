#include "tradebot/pipeline/signal_metrics.hpp"

#include <utility>

#include "tradebot/trading/trading_metrics.hpp"

namespace tradebot::pipeline {

signal_metrics::signal_metrics(boost::asio::any_io_executor executor, events::router& router,
                               trading::trading_metrics& metrics)
    : metrics_{metrics},
      subscription_{router.topic<events::signal_event>(events::topic_name::signal_event)
                        .subscribe(std::move(executor),
                                   [this](const events::signal_event& e) { metrics_.signal(e.outcome, e.reason); })} {}

}  // namespace tradebot::pipeline
