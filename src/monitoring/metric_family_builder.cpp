#include "monitoring/metric_family_builder.hpp"

namespace tradebot::monitoring {

prometheus::MetricFamily gauge_family(std::string name, std::string help, double value) {
    prometheus::MetricFamily family{.name = std::move(name), .help = std::move(help),
                                    .type = prometheus::MetricType::Gauge, .metric = {}};
    add_gauge(family, {}, value);
    return family;
}

prometheus::MetricFamily counter_family(std::string name, std::string help, double value) {
    prometheus::ClientMetric sample;
    sample.counter.value = value;
    return prometheus::MetricFamily{.name = std::move(name), .help = std::move(help),
                                    .type = prometheus::MetricType::Counter, .metric = {std::move(sample)}};
}

void add_gauge(prometheus::MetricFamily& family, std::vector<prometheus::ClientMetric::Label> labels, double value) {
    prometheus::ClientMetric sample;
    sample.label = std::move(labels);
    sample.gauge.value = value;
    family.metric.push_back(std::move(sample));
}

void add_counter(prometheus::MetricFamily& family, std::vector<prometheus::ClientMetric::Label> labels, double value) {
    prometheus::ClientMetric sample;
    sample.label = std::move(labels);
    sample.counter.value = value;
    family.metric.push_back(std::move(sample));
}

}  // namespace tradebot::monitoring
