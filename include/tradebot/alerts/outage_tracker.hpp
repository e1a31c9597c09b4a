#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tradebot/alerts/alert.hpp"
#include "tradebot/core/clock.hpp"

namespace tradebot::alerts {

// Outages of things the daemon depends on (a venue's REST API, each of its streams, the database)
// turned into alerts: a subject that stays down longer than the grace gives one problem alert,
// and its return after that gives one resolution. A blip shorter than the grace (a stream the
// venue rotates, a reconnect) gives none. Pure: the caller passes the steady time, the tests a
// manual clock's. Not thread-safe (the notifier's strand).
class outage_tracker {
public:
    using time_point = std::chrono::steady_clock::time_point;

    explicit outage_tracker(std::chrono::steady_clock::duration grace) : grace_{grace} {}

    // `subject` ("binance private stream", "database") is down, or still down: `detail` says why
    // (the newest is kept). `kind` is the alert's (venue_down, database_down).
    void down(alert_kind kind, const std::string& subject, std::string detail, time_point now);
    // `subject` is up: the resolution when its outage was announced, nothing after a blip.
    [[nodiscard]] std::optional<alert> up(const std::string& subject, time_point now, core::clock::time_point ts);
    // The problem alerts of outages that have now lasted the grace, once each.
    [[nodiscard]] std::vector<alert> due(time_point now, core::clock::time_point ts);
    // When the next outage not yet announced reaches its grace; nullopt when none waits.
    [[nodiscard]] std::optional<time_point> next_due() const;

private:
    struct outage {
        alert_kind kind = alert_kind::venue_down;
        time_point since;
        std::string detail;
        bool announced = false;
    };

    std::chrono::steady_clock::duration grace_;
    std::map<std::string, outage> down_;
};

// "1 h 2 min", "3 min 5 s", "12 s": how long an outage lasted, for an operator.
[[nodiscard]] std::string describe_duration(std::chrono::steady_clock::duration d);

}  // namespace tradebot::alerts
