#pragma once

#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "tradebot/monitoring/health.hpp"

namespace tradebot::monitoring {

// tradebot_build_info{version}, tradebot_up, tradebot_ready and tradebot_component_state{component},
// computed from health at scrape time so they can never lag behind /health and /ready.
class daemon_collector final : public prometheus::Collectable {
public:
    daemon_collector(const health& h, std::string version, std::string mode)
        : health_{h}, version_{std::move(version)}, mode_{std::move(mode)} {}

    [[nodiscard]] std::vector<prometheus::MetricFamily> Collect() const override;

private:
    const health& health_;
    std::string version_;
    std::string mode_;
};

}  // namespace tradebot::monitoring
