#include "monitoring/http_metrics.hpp"

#include "monitoring/metric_family_builder.hpp"

namespace tradebot::monitoring {

std::vector<prometheus::MetricFamily> http_server_families(const net::http_server_stats& stats) {
    std::vector<prometheus::MetricFamily> out;
    out.push_back(gauge_family(
        "tradebot_http_connections_open",
        "Connections holding a slot of the HTTP server.",
        static_cast<double>(stats.open)
    ));
    out.push_back(counter_family(
        "tradebot_http_connections_accepted_total",
        "Connections given a slot of the HTTP server.",
        static_cast<double>(stats.accepted)
    ));
    prometheus::MetricFamily closed{
        .name = "tradebot_http_connections_closed_total",
        .help =
            "Connections the HTTP server closed to protect its slots: headers too slow (header_timeout), "
            "slot given to a newer connection (reclaimed), or no slot at accept (refused).",
        .type = prometheus::MetricType::Counter,
        .metric = {}};
    add_counter(closed, {{"reason", "header_timeout"}}, static_cast<double>(stats.header_timeouts));
    add_counter(closed, {{"reason", "reclaimed"}}, static_cast<double>(stats.reclaimed));
    add_counter(closed, {{"reason", "refused"}}, static_cast<double>(stats.refused));
    out.push_back(std::move(closed));
    out.push_back(counter_family(
        "tradebot_http_client_limit_hits_total",
        "Connections from a client that already held http.max_connections_per_client.",
        static_cast<double>(stats.client_limit_hits)
    ));
    return out;
}

}  // namespace tradebot::monitoring
