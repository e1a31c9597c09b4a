#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tradebot/alerts/alert.hpp"

namespace tradebot::alerts {

struct rate_limits {
    // One alert of a kind per this; zero: no per-kind limit.
    std::chrono::seconds per_kind_interval{300};
    // All kinds together over a sliding minute.
    int max_per_minute = 10;
};

// Decides which alerts go out and folds the others into counts, so that a storm (a venue down,
// every signal refused) gives a handful of messages that still say how much happened. Pure: the
// caller passes the steady time, the tests a manual clock's. Not thread-safe (the notifier's strand).
class rate_limiter {
public:
    using time_point = std::chrono::steady_clock::time_point;

    explicit rate_limiter(rate_limits limits) : limits_{limits} {}

    // The alert to send now, its text followed by the count of its kind suppressed since the last
    // one sent; nullopt when it is suppressed (counted, its text kept for the summary). A
    // resolution whose problem alert (same kind and subject) went out skips the kind's interval
    // (the minute's budget still holds): the operator hears at once that the problem is over.
    [[nodiscard]] std::optional<alert> admit(alert a, time_point now);
    // Summaries of the kinds whose suppressed alerts no later alert carried, once their interval
    // has passed and the minute's budget allows: the latest suppressed text and the count before it.
    [[nodiscard]] std::vector<alert> due(time_point now);
    // True while some kind holds suppressed alerts that a summary still has to report.
    [[nodiscard]] bool pending() const noexcept;
    [[nodiscard]] std::uint64_t suppressed_total() const noexcept { return suppressed_total_; }

private:
    struct kind_state {
        std::optional<time_point> last_sent;
        std::uint64_t suppressed = 0;  // since last_sent
        std::optional<time_point> first_suppressed;
        alert latest;  // the newest suppressed one
        // Subjects whose problem alert went out and whose resolution has not yet (bounded).
        std::set<std::string> announced;
    };

    [[nodiscard]] bool kind_open(const kind_state& k, time_point now) const noexcept;
    [[nodiscard]] bool budget_open(time_point now);
    void mark_sent(kind_state& k, const alert& a, time_point now);

    rate_limits limits_;
    std::array<kind_state, all_alert_kinds.size()> kinds_{};
    std::deque<time_point> sent_;  // within the last minute
    std::uint64_t suppressed_total_ = 0;
};

}  // namespace tradebot::alerts
