#pragma once

#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <prometheus/metric_family.h>

// The /status members read from the daemon's own gauges (issue 17: /status shows positions and
// rate-limit use), so that the status never asks the trading strand anything.
namespace tradebot::monitoring {

// {exchange: {"open": n, "unprotected": n}} from tradebot_positions_open / _unprotected.
[[nodiscard]] boost::json::object positions_view(const std::vector<prometheus::MetricFamily>& families);

// [{<labels of the series>, "used", "limit", "percent"}] from tradebot_exchange_rate_limit_used and
// _limit (one row per venue budget); percent is absent when the limit is unknown (0).
[[nodiscard]] boost::json::array rate_limits_view(const std::vector<prometheus::MetricFamily>& families);

}  // namespace tradebot::monitoring
