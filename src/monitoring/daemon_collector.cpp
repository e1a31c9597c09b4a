#include "monitoring/daemon_collector.hpp"

#include "monitoring/metric_family_builder.hpp"

namespace tradebot::monitoring {

std::vector<prometheus::MetricFamily> daemon_collector::Collect() const {
    std::vector<prometheus::MetricFamily> out;
    auto info = gauge_family("tradebot_build_info", "Build information; the value is always 1.", 1);
    info.metric.front().label = {{"mode", mode_}, {"version", version_}};
    out.push_back(std::move(info));
    out.push_back(gauge_family("tradebot_up", "1 while the daemon is serving.", 1));
    out.push_back(gauge_family("tradebot_ready", "1 once the daemon is ready to trade (see /ready).",
                               health_.is_ready() ? 1 : 0));
    prometheus::MetricFamily states{.name = "tradebot_component_state",
                                    .help = "State of each component: 0 ok, 1 degraded, 2 failed.",
                                    .type = prometheus::MetricType::Gauge,
                                    .metric = {}};
    for (const auto& c : health_.components()) {
        add_gauge(states, {{"component", c.name}}, static_cast<double>(c.state));
    }
    if (!states.metric.empty()) {
        out.push_back(std::move(states));
    }
    return out;
}

}  // namespace tradebot::monitoring
