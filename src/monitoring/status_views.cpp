#include "monitoring/status_views.hpp"

#include <cmath>
#include <map>
#include <string>

namespace tradebot::monitoring {

namespace {

using label_set = std::map<std::string, std::string>;

const prometheus::MetricFamily* family_named(const std::vector<prometheus::MetricFamily>& families,
                                             const std::string& name) {
    for (const auto& f : families) {
        if (f.name == name) {
            return &f;
        }
    }
    return nullptr;
}

label_set labels_of(const prometheus::ClientMetric& m) {
    label_set out;
    for (const auto& l : m.label) {
        out[l.name] = l.value;
    }
    return out;
}

std::string label_or(const prometheus::ClientMetric& m, const std::string& name, std::string fallback) {
    for (const auto& l : m.label) {
        if (l.name == name) {
            return l.value;
        }
    }
    return fallback;
}

// Gauges count whole things here: an integer in JSON reads better than 1.0.
boost::json::value gauge_value(double v) {
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15) {
        return static_cast<std::int64_t>(v);
    }
    return v;
}

}  // namespace

boost::json::object positions_view(const std::vector<prometheus::MetricFamily>& families) {
    boost::json::object out;
    for (const auto& [family, member] : {std::pair{"tradebot_positions_open", "open"},
                                         std::pair{"tradebot_positions_unprotected", "unprotected"}}) {
        const auto* f = family_named(families, family);
        if (f == nullptr) {
            continue;
        }
        for (const auto& m : f->metric) {
            auto& venue = out[label_or(m, "exchange", "all")];
            if (!venue.is_object()) {
                venue = boost::json::object{};
            }
            venue.as_object()[member] = gauge_value(m.gauge.value);
        }
    }
    return out;
}

boost::json::array rate_limits_view(const std::vector<prometheus::MetricFamily>& families) {
    boost::json::array out;
    const auto* used = family_named(families, "tradebot_exchange_rate_limit_used");
    const auto* limit = family_named(families, "tradebot_exchange_rate_limit_limit");
    if (used == nullptr) {
        return out;
    }
    std::map<label_set, double> limits;
    if (limit != nullptr) {
        for (const auto& m : limit->metric) {
            limits[labels_of(m)] = m.gauge.value;
        }
    }
    for (const auto& m : used->metric) {
        boost::json::object row;
        const auto labels = labels_of(m);
        for (const auto& [name, value] : labels) {
            row[name] = value;
        }
        row["used"] = gauge_value(m.gauge.value);
        const auto it = limits.find(labels);
        const double cap = it == limits.end() ? 0.0 : it->second;
        row["limit"] = gauge_value(cap);
        if (cap > 0) {
            row["percent"] = std::round(m.gauge.value / cap * 1000.0) / 10.0;
        }
        out.push_back(std::move(row));
    }
    return out;
}

}  // namespace tradebot::monitoring
