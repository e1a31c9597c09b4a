#pragma once

#include <boost/asio/any_io_executor.hpp>

#include "tradebot/events/router.hpp"
#include "tradebot/events/types.hpp"

namespace tradebot::trading {

class trading_metrics;

// The position events as metrics: tradebot_exits_total{exchange, reason},
// tradebot_realized_pnl_usdt{exchange} and tradebot_stops_restored_total{exchange}. One for the
// process, for every venue; a subscriber of the position_event topic on `executor` (the counters
// are thread-safe, so any strand will do).
class position_metrics {
public:
    position_metrics(boost::asio::any_io_executor executor, events::router& router, trading_metrics& metrics);

private:
    void on_event(const events::position_event& e);

    trading_metrics& metrics_;
    events::subscription subscription_;
};

}  // namespace tradebot::trading
