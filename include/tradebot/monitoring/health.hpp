#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradebot/core/clock.hpp"

namespace tradebot::monitoring {

enum class component_state : std::uint8_t { ok, degraded, failed };

[[nodiscard]] std::string_view to_string(component_state state) noexcept;

// Liveness and readiness of the daemon, fed by its components ("db", "binance.streams", ...).
// Thread-safe: components report from their own strands, the HTTP server reads from its own.
//   live  = no component has failed (a degraded component still serves, e.g. on a REST fallback);
//   ready = live, and the app has declared readiness (after start-up reconciliation, rule 5).
class health {
public:
    struct component {
        std::string name;
        component_state state = component_state::ok;
        std::string detail;
        std::int64_t since_ms = 0;  // wall time of the last state change
    };

    explicit health(const core::clock& clock) : clock_{clock} {}

    // Reports a component's state; the change time moves only when the state changes.
    void set(std::string_view name, component_state state, std::string detail = {});
    // Drops a component that no longer exists (e.g. an exchange that was disabled).
    void remove(std::string_view name);
    void set_ready(bool ready) noexcept { ready_.store(ready); }

    [[nodiscard]] bool is_live() const;
    [[nodiscard]] bool is_ready() const;
    // The worst state over all components (ok when there are none).
    [[nodiscard]] component_state overall() const;
    [[nodiscard]] std::optional<component> find(std::string_view name) const;
    [[nodiscard]] std::vector<component> components() const;  // sorted by name
    // {"status":"ok|degraded|failed","live":..,"ready":..,"components":{name:{state,detail,since_ms}}}
    [[nodiscard]] std::string status_json() const;

private:
    const core::clock& clock_;
    std::atomic<bool> ready_{false};
    mutable std::mutex mutex_;
    std::map<std::string, component, std::less<>> components_;
};

}  // namespace tradebot::monitoring
