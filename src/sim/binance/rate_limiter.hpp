#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

namespace tradebot::sim::binance {

// REQUEST_WEIGHT 2400 per minute (one window for the whole venue: the simulator sees one IP)
// and ORDERS 300 per 10 s / 1200 per minute per account (§A3). Windows are fixed, aligned to
// the steady clock. A request past the limit gets 429; continuing within the same window after
// a 429 bans the caller (418) for 2 minutes, doubling per ban up to 3 days.
class rate_limiter {
public:
    using steady = std::chrono::steady_clock::time_point;

    static constexpr int weight_limit = 2400;
    static constexpr int orders_10s_limit = 300;
    static constexpr int orders_1m_limit = 1200;

    struct verdict {
        enum class kind : std::uint8_t { ok, too_many, banned, too_many_orders } what = kind::ok;
        std::int64_t retry_after_s = 0;
        std::int64_t banned_until_ms = 0;  // wall ms, for the 418 text
        std::string order_window;          // "10 SECOND" | "1 MINUTE"
        int order_limit = 0;
    };

    // Counts `weight` against the window; `force` is faults().throttle.
    verdict on_request(steady now, std::int64_t wall_ms, int weight, bool force);
    // Counts one order for `account` (after on_request passed).
    verdict on_order(steady now, const std::string& account);

    [[nodiscard]] int used_weight(steady now) const;
    [[nodiscard]] std::pair<int, int> order_counts(steady now, const std::string& account) const;
    [[nodiscard]] boost::json::value state(steady now) const;

private:
    struct window {
        std::int64_t index = -1;
        int count = 0;
    };
    static std::int64_t index_of(steady now, std::chrono::seconds size);
    static int count_in(const window& w, steady now, std::chrono::seconds size);

    window weight_;
    bool warned_ = false;  // a 429 was sent in the current weight window
    std::optional<steady> banned_until_;
    std::int64_t banned_until_wall_ms_ = 0;
    std::chrono::seconds next_ban_{120};
    std::map<std::string, std::pair<window, window>> orders_;
};

}  // namespace tradebot::sim::binance
