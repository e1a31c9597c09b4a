#include "tradebot/monitoring/health.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "monitoring/json_views.hpp"

namespace tradebot::monitoring {

std::string_view to_string(component_state state) noexcept {
    switch (state) {
        case component_state::ok: return "ok";
        case component_state::degraded: return "degraded";
        case component_state::failed: return "failed";
    }
    return "unknown";
}

void health::set(std::string_view name, component_state state, std::string detail) {
    const auto now = clock_.now_ms();
    const std::lock_guard lock{mutex_};
    auto it = components_.find(name);
    if (it == components_.end()) {
        components_.emplace(std::string{name},
                            component{.name = std::string{name}, .state = state, .detail = std::move(detail), .since_ms = now});
        return;
    }
    if (it->second.state != state) {
        it->second.since_ms = now;
    }
    it->second.state = state;
    it->second.detail = std::move(detail);
}

void health::remove(std::string_view name) {
    const std::lock_guard lock{mutex_};
    if (auto it = components_.find(name); it != components_.end()) {
        components_.erase(it);
    }
}

component_state health::overall() const {
    const std::lock_guard lock{mutex_};
    auto worst = component_state::ok;
    for (const auto& entry : components_) {
        worst = std::max(worst, entry.second.state);
    }
    return worst;
}

bool health::is_live() const { return overall() != component_state::failed; }

bool health::is_ready() const { return ready_.load() && is_live(); }

std::optional<health::component> health::find(std::string_view name) const {
    const std::lock_guard lock{mutex_};
    if (auto it = components_.find(name); it != components_.end()) {
        return it->second;
    }
    return std::nullopt;
}

std::vector<health::component> health::components() const {
    const std::lock_guard lock{mutex_};
    std::vector<component> out;
    out.reserve(components_.size());
    for (const auto& entry : components_) {
        out.push_back(entry.second);
    }
    return out;
}

std::string health::status_json() const {
    return boost::json::serialize(health_to_json(*this));
}

}  // namespace tradebot::monitoring
