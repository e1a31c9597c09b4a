#pragma once

#include <vector>

#include <prometheus/metric_family.h>

#include "tradebot/net/http_server.hpp"

namespace tradebot::monitoring {

// The connection counters of the monitoring server itself, so an operator can tell a flood of
// idle or slow clients (closed with reason header_timeout, reclaimed or refused) from a dead
// daemon. The server does not log per connection: under such a flood that would be the attack.
//   tradebot_http_connections_open                   gauge
//   tradebot_http_connections_accepted_total         counter
//   tradebot_http_connections_closed_total{reason}   counter, reason: header_timeout, reclaimed, refused
//   tradebot_http_client_limit_hits_total            counter
[[nodiscard]] std::vector<prometheus::MetricFamily> http_server_families(const net::http_server_stats& stats);

}  // namespace tradebot::monitoring
