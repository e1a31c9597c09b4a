#pragma once

#include <string>
#include <vector>

#include <prometheus/metric_family.h>

namespace tradebot::monitoring {

// Families computed at scrape time (not held in a prometheus::Registry).
[[nodiscard]] prometheus::MetricFamily gauge_family(std::string name, std::string help, double value);
[[nodiscard]] prometheus::MetricFamily counter_family(std::string name, std::string help, double value);
// Adds one labelled sample to a gauge family.
void add_gauge(prometheus::MetricFamily& family, std::vector<prometheus::ClientMetric::Label> labels, double value);
// Adds one labelled sample to a counter family.
void add_counter(prometheus::MetricFamily& family, std::vector<prometheus::ClientMetric::Label> labels, double value);

}  // namespace tradebot::monitoring
