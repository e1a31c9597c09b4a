#include "tradebot/exchange/rate_limiter_core.hpp"

#include <algorithm>
#include <charconv>

namespace tradebot::exchange {
namespace {

using steady_point = std::chrono::steady_clock::time_point;
using std::chrono::milliseconds;

std::optional<std::int64_t> parse_int(std::optional<std::string_view> text) noexcept {
    if (!text) return std::nullopt;
    std::string_view t = *text;
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    std::int64_t v = 0;
    const char* end = t.data() + t.size();
    auto [ptr, ec] = std::from_chars(t.data(), end, v);
    if (t.empty() || ec != std::errc{} || ptr != end || v < 0) return std::nullopt;
    return v;
}

// Binance response headers and the budgets they report on (exchange-apis.md §A3).
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> binance_headers{{
    {"X-MBX-USED-WEIGHT-1M", "weight_1m"},
    {"X-MBX-ORDER-COUNT-10S", "orders_10s"},
    {"X-MBX-ORDER-COUNT-1M", "orders_1m"},
}};

}  // namespace

rate_limiter_core::rate_limiter_core(const core::clock& clock, rate_limits_config config)
    : clock_{clock}, config_{std::move(config)} {
    buckets_.reserve(config_.budgets.size() + config_.per_request.size());
    for (const auto& b : config_.budgets) buckets_.push_back(bucket{b, 0, {}, {}});
    for (const auto& b : config_.per_request) {
        bucket t{b, 0, {}, {}};
        t.refills = true;
        t.refilled_at = clock_.steady_now();
        buckets_.push_back(std::move(t));
    }
    for (const auto& b : config_.per_request) per_request_cost_.add(find(b.name)->config.name, 1);
}

std::int64_t rate_limiter_core::capacity(const bucket& b) const noexcept {
    return std::max<std::int64_t>(b.config.burst > 0 ? b.config.burst : b.config.limit, 1);
}

void rate_limiter_core::refill(bucket& b, steady_point now) const {
    if (now <= b.refilled_at) return;
    const std::int64_t elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now - b.refilled_at).count();
    b.refilled_at = now;
    const std::int64_t rate = std::max<std::int64_t>(b.config.limit, 1);  // debt units per nanosecond
    // elapsed * rate only when it stays below the debt, so the product cannot overflow.
    b.debt = elapsed >= b.debt / rate + 1 ? 0 : b.debt - elapsed * rate;
}

void rate_limiter_core::check_refilling(bucket& b, std::int64_t units, request_priority priority, steady_point now,
                                        acquire_decision& d) {
    refill(b, now);
    const std::int64_t unit = std::chrono::duration_cast<std::chrono::nanoseconds>(b.config.window).count();
    const std::int64_t rate = std::max<std::int64_t>(b.config.limit, 1);
    const std::int64_t room = std::max<std::int64_t>(cap_of(capacity(b), priority) - units, 0) * unit;
    // An empty bucket always admits one request, as an empty window does.
    if (b.debt == 0 || b.debt <= room) return;
    d.granted = false;
    if (d.why == acquire_decision::reason::none) d.why = acquire_decision::reason::budget;
    // Exactly as long as the refill needs to make room for this request, rounded up to a nanosecond.
    const std::int64_t wait_ns = (b.debt - room + rate - 1) / rate;
    d.retry_at = std::max(d.retry_at, now + std::chrono::nanoseconds{wait_ns});
    if (d.budget.empty()) d.budget = b.config.name;
}

rate_limiter_core::bucket* rate_limiter_core::find(std::string_view name) {
    for (auto& b : buckets_) {
        if (b.config.name == name) return &b;
    }
    return nullptr;
}

const rate_limiter_core::bucket* rate_limiter_core::find(std::string_view name) const {
    for (const auto& b : buckets_) {
        if (b.config.name == name) return &b;
    }
    return nullptr;
}

void rate_limiter_core::roll(bucket& b) {
    const steady_point now = clock_.steady_now();
    if (now < b.window_end) return;
    b.used = 0;
    const std::int64_t w = std::max<std::int64_t>(b.config.window.count(), 1);
    const std::int64_t wall = clock_.now_ms();
    const std::int64_t into = ((wall % w) + w) % w;
    b.window_end = now + milliseconds{w - into};
}

std::int64_t rate_limiter_core::cap_of(std::int64_t limit, request_priority p) const noexcept {
    std::int64_t reserve = 0;
    if (p == request_priority::normal) reserve = config_.critical_reserve_pct;
    if (p == request_priority::background) reserve = config_.critical_reserve_pct + config_.background_reserve_pct;
    reserve = std::clamp<std::int64_t>(reserve, 0, 100);
    return limit * (100 - reserve) / 100;
}

std::int64_t rate_limiter_core::cap(const bucket& b, request_priority p) const noexcept {
    return cap_of(b.config.limit, p);
}

steady_point rate_limiter_core::steady_at_wall_ms(std::int64_t wall_ms) const {
    const std::int64_t ahead = std::max<std::int64_t>(wall_ms - clock_.now_ms(), 0);
    return clock_.steady_now() + milliseconds{ahead};
}

void rate_limiter_core::ban_for(milliseconds d) {
    banned_until_ = std::max(banned_until_, clock_.steady_now() + d);
}

acquire_decision rate_limiter_core::try_acquire(const request_cost& cost, request_priority priority) {
    const steady_point now = clock_.steady_now();
    if (now < banned_until_) return {false, acquire_decision::reason::banned, banned_until_, {}};

    acquire_decision d{true, acquire_decision::reason::none, {}, {}};
    check(cost, priority, now, d);
    if (!cost.places_order) check(per_request_cost_, priority, now, d);
    if (!d.granted) return d;
    charge(cost);
    if (!cost.places_order) charge(per_request_cost_);
    ++stats_.granted[static_cast<std::size_t>(priority)];
    return d;
}

void rate_limiter_core::check(const request_cost& cost, request_priority priority, steady_point now,
                              acquire_decision& d) {
    for (std::uint8_t i = 0; i < cost.size; ++i) {
        const auto& item = cost.items[i];
        bucket* b = find(item.budget);
        // A weight of 0 (Binance POST /order on the IP weight) is never held back by that budget.
        if (b == nullptr || item.weight <= 0) continue;
        if (b->refills) {
            check_refilling(*b, item.weight, priority, now, d);
            continue;
        }
        roll(*b);
        if (now < b->blocked_until) {
            d.granted = false;
            d.why = acquire_decision::reason::blocked;
            d.retry_at = std::max(d.retry_at, b->blocked_until);
            if (d.budget.empty()) d.budget = b->config.name;
            continue;
        }
        // An empty budget always admits one request, however heavy, so nothing starves.
        if (b->used > 0 && b->used + item.weight > cap(*b, priority)) {
            d.granted = false;
            if (d.why == acquire_decision::reason::none) d.why = acquire_decision::reason::budget;
            d.retry_at = std::max(d.retry_at, b->window_end);
            if (d.budget.empty()) d.budget = b->config.name;
        }
    }
}

void rate_limiter_core::charge(const request_cost& cost) {
    for (std::uint8_t i = 0; i < cost.size; ++i) {
        bucket* b = find(cost.items[i].budget);
        if (b == nullptr) continue;
        if (b->refills) {
            refill(*b, clock_.steady_now());
            b->debt += cost.items[i].weight *
                       std::chrono::duration_cast<std::chrono::nanoseconds>(b->config.window).count();
            continue;
        }
        roll(*b);
        b->used += cost.items[i].weight;
    }
}

void rate_limiter_core::on_response(const request_cost& cost, const net::header_list& headers) {
    if (config_.venue == core::exchange_id::bybit) {
        // §B3: X-Bapi-Limit (limit), -Status (remaining), -Reset-Timestamp (ms) describe the
        // per-UID budget of the endpoint just called: the cost's first path-named budget.
        bucket* b = nullptr;
        for (std::uint8_t i = 0; i < cost.size && b == nullptr; ++i) {
            if (cost.items[i].budget.starts_with('/')) b = find(cost.items[i].budget);
        }
        if (b == nullptr) return;
        roll(*b);
        const auto limit = parse_int(net::find_header(headers, "X-Bapi-Limit"));
        const auto remaining = parse_int(net::find_header(headers, "X-Bapi-Limit-Status"));
        const auto reset = parse_int(net::find_header(headers, "X-Bapi-Limit-Reset-Timestamp"));
        if (limit && *limit > 0) b->config.limit = *limit;
        if (remaining) b->used = std::max<std::int64_t>(b->config.limit - *remaining, 0);
        if (reset) b->window_end = steady_at_wall_ms(*reset);
        if (limit || remaining || reset) ++stats_.header_updates;
        return;
    }
    for (const auto& [header, name] : binance_headers) {
        const auto value = parse_int(net::find_header(headers, header));
        bucket* b = value ? find(name) : nullptr;
        if (b == nullptr) continue;
        roll(*b);
        b->used = *value;
        ++stats_.header_updates;
    }
}

void rate_limiter_core::on_error(const request_cost& cost, const error& e) {
    if (e.kind != error_kind::rate_limited) return;
    ++stats_.rate_limited_responses;
    const steady_point now = clock_.steady_now();
    const auto block = [&](bucket& b) {
        roll(b);
        b.blocked_until = std::max(b.blocked_until, e.retry_after ? now + *e.retry_after : b.window_end);
    };

    if (config_.venue == core::exchange_id::bybit) {
        if (e.http_status == 403) {
            ban_for(e.retry_after.value_or(config_.default_ban));
            ++stats_.bans;
        } else if (e.http_status == 429) {
            ban_for(e.retry_after.value_or(config_.default_backoff));
            ++stats_.bans;
        } else {  // 10006: this endpoint's per-UID second is used up
            for (std::uint8_t i = 0; i < cost.size; ++i) {
                if (bucket* b = cost.items[i].budget.starts_with('/') ? find(cost.items[i].budget) : nullptr) block(*b);
            }
        }
        return;
    }

    if (e.http_status == 418) {
        ban_for(e.retry_after.value_or(config_.default_ban));
        ++stats_.bans;
    } else if (e.http_status == 403) {
        ban_for(e.retry_after.value_or(config_.default_waf_block));
        ++stats_.bans;
    } else if (e.venue_code == -1015) {
        // The ORDERS counters, not the IP weight: only order placement has to wait.
        for (std::uint8_t i = 0; i < cost.size; ++i) {
            if (bucket* b = cost.items[i].budget.starts_with("orders") ? find(cost.items[i].budget) : nullptr) {
                block(*b);
            }
        }
    } else {
        // 429 / -1003: the IP weight is spent; sending more leads to the 418 ban (§A3).
        milliseconds d = config_.default_backoff;
        if (e.retry_after) {
            d = *e.retry_after;
        } else if (bucket* w = config_.budgets.empty() ? nullptr : find(config_.budgets.front().name)) {
            roll(*w);
            d = std::max(d, std::chrono::duration_cast<milliseconds>(w->window_end - now));
        }
        ban_for(d);
        ++stats_.bans;
    }
}

void rate_limiter_core::record_wait(request_priority priority) noexcept {
    ++stats_.waits[static_cast<std::size_t>(priority)];
}

bool rate_limiter_core::banned() const { return clock_.steady_now() < banned_until_; }

std::optional<budget_state> rate_limiter_core::budget(std::string_view name) const {
    const bucket* b = find(name);
    if (b == nullptr) return std::nullopt;
    if (b->refills) {
        // Units taken and not refilled yet (rounded up), of the bucket's size; full again at window_end.
        bucket now_b = *b;
        refill(now_b, clock_.steady_now());
        const std::int64_t unit = std::chrono::duration_cast<std::chrono::nanoseconds>(b->config.window).count();
        const std::int64_t rate = std::max<std::int64_t>(b->config.limit, 1);
        return budget_state{b->config.name, (now_b.debt + unit - 1) / unit, capacity(*b),
                            clock_.steady_now() + std::chrono::nanoseconds{(now_b.debt + rate - 1) / rate},
                            b->blocked_until};
    }
    const bool expired = clock_.steady_now() >= b->window_end;
    return budget_state{b->config.name, expired ? 0 : b->used, b->config.limit, b->window_end, b->blocked_until};
}

std::vector<budget_state> rate_limiter_core::budgets() const {
    std::vector<budget_state> out;
    out.reserve(buckets_.size());
    for (const auto& b : buckets_) out.push_back(*budget(b.config.name));
    return out;
}

}  // namespace tradebot::exchange
