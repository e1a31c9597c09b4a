#include "monitoring/json_views.hpp"

#include <boost/json.hpp>

namespace tradebot::monitoring {

boost::json::object components_to_json(const std::vector<health::component>& components) {
    boost::json::object out;
    for (const auto& c : components) {
        out[c.name] = boost::json::object{{"state", to_string(c.state)}, {"detail", c.detail}, {"since_ms", c.since_ms}};
    }
    return out;
}

boost::json::object health_to_json(const health& h) {
    // One snapshot, so status and components cannot disagree within a body.
    const auto components = h.components();
    auto worst = component_state::ok;
    for (const auto& c : components) {
        worst = std::max(worst, c.state);
    }
    const bool live = worst != component_state::failed;
    return boost::json::object{{"status", to_string(worst)},
                               {"live", live},
                               {"ready", live && h.is_ready()},
                               {"components", components_to_json(components)}};
}

}  // namespace tradebot::monitoring
