#pragma once

#include <boost/json/object.hpp>

#include "tradebot/monitoring/health.hpp"

namespace tradebot::monitoring {

// {name: {"state", "detail", "since_ms"}} for every component.
[[nodiscard]] boost::json::object components_to_json(const std::vector<health::component>& components);
// {"status", "live", "ready", "components"}, the body of /health.
[[nodiscard]] boost::json::object health_to_json(const health& h);

}  // namespace tradebot::monitoring
