#include "sim/bybit/rate_limiter.hpp"

#include <array>

#include <boost/json.hpp>

namespace tradebot::sim::bybit {

namespace {

using namespace std::chrono_literals;

struct group_limit {
    std::string_view path;
    std::string_view group;
    int per_second;
};

// exchange-apis §B3, default per-UID limits for linear.
constexpr std::array<group_limit, 17> limits{{
    {"/v5/order/create", "order/create", 10},
    {"/v5/order/amend", "order/amend", 10},
    {"/v5/order/cancel", "order/cancel", 10},
    {"/v5/order/cancel-all", "order/cancel-all", 10},
    {"/v5/order/realtime", "order/realtime", 50},
    {"/v5/order/history", "order/history", 50},
    {"/v5/execution/list", "execution/list", 50},
    {"/v5/position/list", "position/list", 50},
    {"/v5/position/closed-pnl", "position/closed-pnl", 50},
    {"/v5/account/wallet-balance", "account/wallet-balance", 50},
    {"/v5/position/set-leverage", "position/set-leverage", 10},
    {"/v5/position/switch-mode", "position/switch-mode", 10},
    {"/v5/position/trading-stop", "position/trading-stop", 10},
    {"/v5/account/info", "account/info", 50},
    {"/v5/account/fee-rate", "account/fee-rate", 5},
    {"/v5/account/set-margin-mode", "account/set-margin-mode", 5},
    {"/v5/account/transaction-log", "account/transaction-log", 25},
}};

constexpr auto uid_window = 1000ms;
constexpr auto ip_window = 5000ms;
constexpr std::size_t ip_limit = 600;

}  // namespace

int rate_limiter::limit_of(std::string_view path) noexcept {
    for (const auto& l : limits) {
        if (l.path == path) {
            return l.per_second;
        }
    }
    return 0;
}

std::string rate_limiter::group_of(std::string_view path) {
    for (const auto& l : limits) {
        if (l.path == path) {
            return std::string{l.group};
        }
    }
    return std::string{path};
}

void rate_limiter::expire(std::deque<steady>& log, steady now, std::chrono::milliseconds window) {
    while (!log.empty() && log.front() + window <= now) {
        log.pop_front();
    }
}

rate_limiter::verdict rate_limiter::hit_uid(const std::string& uid, std::string_view path, steady now) {
    verdict v;
    v.limit = limit_of(path);
    if (v.limit == 0) {
        return v;
    }
    auto& log = uid_logs_[{uid, group_of(path)}];
    expire(log, now, uid_window);
    v.allowed = log.size() < static_cast<std::size_t>(v.limit);
    if (v.allowed) {
        log.push_back(now);
    }
    v.remaining = v.limit - static_cast<int>(log.size());
    v.reset_in_ms = std::chrono::duration_cast<std::chrono::milliseconds>(log.front() + uid_window - now).count();
    return v;
}

bool rate_limiter::hit_ip(steady now) {
    expire(ip_log_, now, ip_window);
    if (ip_log_.size() >= ip_limit) {
        return false;
    }
    ip_log_.push_back(now);
    return true;
}

boost::json::value rate_limiter::state(steady now) const {
    boost::json::array uid;
    for (const auto& [key, log] : uid_logs_) {
        std::size_t live = 0;
        for (const auto t : log) {
            live += t + uid_window > now ? 1 : 0;
        }
        if (live == 0) {
            continue;
        }
        uid.push_back(boost::json::object{{"uid", key.first},
                                          {"group", key.second},
                                          {"used", live},
                                          {"limit", limit_of("/v5/" + key.second)}});
    }
    std::size_t ip_live = 0;
    for (const auto t : ip_log_) {
        ip_live += t + ip_window > now ? 1 : 0;
    }
    return boost::json::object{{"uid_windows", std::move(uid)}, {"ip_used_5s", ip_live}, {"ip_limit_5s", ip_limit}};
}

}  // namespace tradebot::sim::bybit
