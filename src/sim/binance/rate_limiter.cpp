#include "sim/binance/rate_limiter.hpp"

#include <algorithm>

#include <boost/json.hpp>

namespace tradebot::sim::binance {

namespace {
constexpr std::chrono::seconds minute{60};
constexpr std::chrono::seconds ten_seconds{10};
constexpr std::chrono::seconds max_ban{3 * 24 * 3600};
}  // namespace

std::int64_t rate_limiter::index_of(steady now, std::chrono::seconds size) {
    return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() / size.count();
}

int rate_limiter::count_in(const window& w, steady now, std::chrono::seconds size) {
    return w.index == index_of(now, size) ? w.count : 0;
}

rate_limiter::verdict rate_limiter::on_request(steady now, std::int64_t wall_ms, int weight, bool force) {
    verdict v;
    if (banned_until_ && now < *banned_until_) {
        v.what = verdict::kind::banned;
        v.retry_after_s = std::chrono::ceil<std::chrono::seconds>(*banned_until_ - now).count();
        v.banned_until_ms = banned_until_wall_ms_;
        return v;
    }
    const std::int64_t idx = index_of(now, minute);
    if (weight_.index != idx) {
        weight_ = {idx, 0};
        warned_ = false;
    }
    const bool over = force || weight_.count + weight > weight_limit;
    if (!over) {
        weight_.count += weight;
        return v;
    }
    if (warned_) {
        // Kept going after a 429: the IP gets banned (§A3 "418 ... ban grows from 2 min to 3 days").
        banned_until_ = now + next_ban_;
        banned_until_wall_ms_ = wall_ms + std::chrono::duration_cast<std::chrono::milliseconds>(next_ban_).count();
        v.what = verdict::kind::banned;
        v.retry_after_s = next_ban_.count();
        v.banned_until_ms = banned_until_wall_ms_;
        next_ban_ = std::min(next_ban_ * 2, max_ban);
        return v;
    }
    warned_ = true;
    v.what = verdict::kind::too_many;
    const auto window_end = steady{std::chrono::seconds{(idx + 1) * minute.count()}};
    v.retry_after_s = std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(window_end - now).count());
    return v;
}

rate_limiter::verdict rate_limiter::on_order(steady now, const std::string& account) {
    verdict v;
    auto& [w10, w60] = orders_[account];
    for (auto* w : {&w10, &w60}) {
        const auto size = w == &w10 ? ten_seconds : minute;
        if (w->index != index_of(now, size)) {
            *w = {index_of(now, size), 0};
        }
    }
    if (w10.count + 1 > orders_10s_limit || w60.count + 1 > orders_1m_limit) {
        const bool short_window = w10.count + 1 > orders_10s_limit;
        const auto size = short_window ? ten_seconds : minute;
        v.what = verdict::kind::too_many_orders;
        v.order_window = short_window ? "10 SECOND" : "1 MINUTE";
        v.order_limit = short_window ? orders_10s_limit : orders_1m_limit;
        const auto end = steady{std::chrono::seconds{(index_of(now, size) + 1) * size.count()}};
        v.retry_after_s = std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(end - now).count());
        return v;
    }
    ++w10.count;
    ++w60.count;
    return v;
}

int rate_limiter::used_weight(steady now) const { return count_in(weight_, now, minute); }

std::pair<int, int> rate_limiter::order_counts(steady now, const std::string& account) const {
    const auto it = orders_.find(account);
    if (it == orders_.end()) {
        return {0, 0};
    }
    return {count_in(it->second.first, now, ten_seconds), count_in(it->second.second, now, minute)};
}

boost::json::value rate_limiter::state(steady now) const {
    boost::json::object o;
    o["usedWeight1m"] = used_weight(now);
    o["weightLimit"] = weight_limit;
    o["warned"] = warned_;
    const bool banned = banned_until_ && now < *banned_until_;
    o["banned"] = banned;
    o["bannedUntil"] = banned ? banned_until_wall_ms_ : 0;
    boost::json::object orders;
    for (const auto& [account, w] : orders_) {
        orders[account] = {{"orders10s", count_in(w.first, now, ten_seconds)}, {"orders1m", count_in(w.second, now, minute)}};
    }
    o["orderCounts"] = std::move(orders);
    return o;
}

}  // namespace tradebot::sim::binance
