#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/value.hpp>

namespace tradebot::sim::bybit {

// Bybit's per-UID, per-endpoint rolling 1 s limits (B3) and the 600 per 5 s IP limit, kept as
// timestamp logs on the steady clock.
class rate_limiter {
public:
    using steady = std::chrono::steady_clock::time_point;

    struct verdict {
        bool allowed = true;
        int limit = 0;
        int remaining = 0;
        std::int64_t reset_in_ms = 0;  // until the oldest counted request leaves the window
    };

    // The per-second limit of an endpoint path; 0 when Bybit documents none (market data).
    [[nodiscard]] static int limit_of(std::string_view path) noexcept;
    // The endpoint group key (endpoints sharing a bucket are counted together).
    [[nodiscard]] static std::string group_of(std::string_view path);

    // Counts one request of `uid` on `path` if it fits.
    verdict hit_uid(const std::string& uid, std::string_view path, steady now);
    // Counts one request against the (single, local) IP; false once 600 in 5 s are exceeded.
    bool hit_ip(steady now);

    [[nodiscard]] boost::json::value state(steady now) const;

private:
    static void expire(std::deque<steady>& log, steady now, std::chrono::milliseconds window);

    std::map<std::pair<std::string, std::string>, std::deque<steady>> uid_logs_;
    std::deque<steady> ip_log_;
};

}  // namespace tradebot::sim::bybit
