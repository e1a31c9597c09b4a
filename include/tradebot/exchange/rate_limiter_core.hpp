#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/exchange/error.hpp"
#include "tradebot/net/client_message.hpp"

namespace tradebot::exchange {

// Who waits when the budget runs low. Protective work must never queue behind a refill.
enum class request_priority : std::uint8_t {
    critical = 0,    // stop-loss place/move, position close, emergency cancel
    normal = 1,      // entries, other order traffic
    background = 2,  // market-data and state refills, reconciliation reads
};
inline constexpr std::size_t priority_count = 3;

[[nodiscard]] std::string_view to_string(request_priority p) noexcept;

// One counted budget: `limit` units per `window`, e.g. Binance REQUEST_WEIGHT 2400 per minute.
struct budget_config {
    std::string name;  // key that costs refer to; also the metrics label
    std::int64_t limit = 0;
    std::chrono::milliseconds window{60'000};
    // Only for the per_request ceilings, which are token buckets: how many units may go at once
    // (the bucket's size); 0 = `limit`. The bucket refills continuously at limit per window.
    std::int64_t burst = 0;
};

struct rate_limits_config {
    core::exchange_id venue = core::exchange_id::binance;
    // The first budget is the venue's main one, charged by acquire(weight, priority).
    std::vector<budget_config> budgets;
    // The operator's own ceilings (exchanges.*.requests_per_second / _minute / _burst): token
    // buckets in which every request costs one unit, whatever its endpoint or weight, on top of its
    // cost in `budgets`; except order placement (request_cost::places_order), which the venue's
    // own order budgets bound. A request the bucket cannot take waits until enough has refilled
    // (1/limit of the window per unit), not until a calendar window ends.
    std::vector<budget_config> per_request;
    // Percent of each budget that only critical requests may use, and the further percent that
    // background requests leave to normal ones: with 10 / 20, normal stops at 90 %, background
    // at 70 %, critical may use everything.
    std::int64_t critical_reserve_pct = 10;
    std::int64_t background_reserve_pct = 20;
    // Back-off when the venue gave no Retry-After.
    std::chrono::milliseconds default_backoff{std::chrono::seconds{1}};  // 429, Bybit 10006
    std::chrono::milliseconds default_ban{std::chrono::minutes{2}};      // 418 / Bybit 403
    std::chrono::milliseconds default_waf_block{std::chrono::minutes{5}};  // Binance 403 [U]
};

// Binance fapi, exchange-apis.md §A3: REQUEST_WEIGHT 2400/1m per IP (6000 on testnet [C3]),
// ORDERS 300/10s and 1200/1m per account. Budgets: "weight_1m", "orders_10s", "orders_1m".
[[nodiscard]] rate_limits_config binance_limits(bool testnet = false);
// Bybit V5, §B3: 600 requests per 5 s per IP ("ip_5s") and per-UID per-endpoint budgets over a
// rolling second, named by path ("/v5/order/create" 10/s ...). 403 means wait >= 10 minutes.
[[nodiscard]] rate_limits_config bybit_limits();

// What one request costs, in up to three budgets. Budget names must outlive the cost (string
// literals from the tables below, or the config's own strings).
struct request_cost {
    struct item {
        std::string_view budget;
        std::int32_t weight = 0;
    };
    std::array<item, 3> items{};
    std::uint8_t size = 0;
    // Places or moves an order (entry, close, stop): counted by the venue's order budgets
    // (Binance ORDERS, Bybit's per-UID order endpoints), not by the per_request ceilings.
    bool places_order = false;

    request_cost& add(std::string_view budget, std::int32_t weight) noexcept;
    [[nodiscard]] bool shares_budget_with(const request_cost& other) const noexcept;
    [[nodiscard]] std::int32_t weight_of(std::string_view budget) const noexcept;
};

// The Binance endpoints the adapter uses, with their weights from §A3 as the prior.
enum class binance_endpoint : std::uint8_t {
    time, exchange_info, premium_index, premium_index_all, ticker_price, ticker_price_all,
    book_ticker,  // GET /fapi/v1/ticker/bookTicker with a symbol
    book_ticker_all,  // ... without one
    balance, account, position_risk, open_orders, open_orders_all,
    order_new, order_amend, order_query, order_cancel, batch_orders,
    algo_order_new, algo_order_query, algo_order_cancel, open_algo_orders, open_algo_orders_all, all_algo_orders,
    leverage, margin_type, position_mode_get, position_mode_set, listen_key, income,
    open_interest, klines,  // klines: limit < 100
    leverage_bracket,
    symbol_config,  // GET /fapi/v1/symbolConfig
};
[[nodiscard]] request_cost binance_cost(binance_endpoint e) noexcept;
// Bybit: the endpoint's own budget first (if the path is in §B3's table), then "ip_5s".
// X-Bapi-* headers always describe the first item's budget.
[[nodiscard]] request_cost bybit_cost(std::string_view path) noexcept;

struct acquire_decision {
    enum class reason : std::uint8_t { none, budget, blocked, banned };
    bool granted = false;
    reason why = reason::none;
    // When not granted: the earliest steady time at which trying again can succeed.
    std::chrono::steady_clock::time_point retry_at{};
    // The first budget that refused (empty when banned); names live as long as the core.
    std::string_view budget;
};

struct budget_state {
    std::string_view name;
    std::int64_t used = 0;
    std::int64_t limit = 0;
    std::chrono::steady_clock::time_point window_end{};
    std::chrono::steady_clock::time_point blocked_until{};
};

struct limiter_stats {
    std::array<std::uint64_t, priority_count> granted{};
    std::array<std::uint64_t, priority_count> waits{};  // requests that had to wait (record_wait)
    std::uint64_t rate_limited_responses = 0;           // 429/418/403/-1003/-1015/10006 seen
    std::uint64_t bans = 0;                             // global stops: 418, 403, Binance 429
    std::uint64_t header_updates = 0;
};

// The sans-io rate limiter: decides, from local counting corrected by the venue's headers,
// whether a request may go now. The venue's numbers win over the prior: used weight is set from
// X-MBX-USED-WEIGHT-1M / ORDER-COUNT (a response's header counts that request and everything the
// venue saw before it), and Bybit's X-Bapi-Limit / -Status / -Reset-Timestamp replace the
// endpoint budget's limit, usage and window end. Requests still in flight when a header arrives
// are briefly under-counted; the reserves absorb that.
//
// Fixed windows are aligned to the wall clock (Binance counts per calendar minute [U]), and
// reset when the time passes their end. Not thread-safe: rate_limiter wraps it.
class rate_limiter_core {
public:
    rate_limiter_core(const core::clock& clock, rate_limits_config config);

    // Grants (and charges) the cost, or says why not and until when. Critical requests may use
    // the whole budget; nothing goes while the venue has banned us.
    [[nodiscard]] acquire_decision try_acquire(const request_cost& cost, request_priority priority);

    void on_response(const request_cost& cost, const net::header_list& headers);
    // A rate_limited error starts a back-off: Binance 418 / 403 and Bybit 403 stop everything
    // (bans), Binance 429/-1003 stops everything until the weight window ends, -1015 blocks the
    // order budgets, Bybit 10006 blocks the endpoint's budget, Bybit 429 stops everything briefly.
    // Other kinds are ignored.
    void on_error(const request_cost& cost, const error& e);

    void record_wait(request_priority priority) noexcept;

    [[nodiscard]] bool banned() const;
    [[nodiscard]] std::chrono::steady_clock::time_point banned_until() const noexcept { return banned_until_; }
    [[nodiscard]] std::optional<budget_state> budget(std::string_view name) const;
    [[nodiscard]] std::vector<budget_state> budgets() const;
    [[nodiscard]] const limiter_stats& stats() const noexcept { return stats_; }
    [[nodiscard]] const rate_limits_config& config() const noexcept { return config_; }
    // True for the budgets of config().per_request, which every request but order placement draws on.
    [[nodiscard]] bool per_request_budget(std::string_view name) const noexcept {
        return per_request_cost_.weight_of(name) > 0;
    }

private:
    struct bucket {
        budget_config config;
        std::int64_t used = 0;
        std::chrono::steady_clock::time_point window_end{};
        std::chrono::steady_clock::time_point blocked_until{};
        // Token bucket (the per_request ceilings): units taken and not yet refilled, in units x
        // window nanoseconds, so that `limit` of them refill per nanosecond, in integers.
        bool refills = false;
        std::int64_t debt = 0;
        std::chrono::steady_clock::time_point refilled_at{};
    };
    bucket* find(std::string_view name);
    const bucket* find(std::string_view name) const;
    void roll(bucket& b);
    void refill(bucket& b, std::chrono::steady_clock::time_point now) const;
    // The token bucket's answer for `units` at `priority`: granted, or when to try again.
    void check_refilling(bucket& b, std::int64_t units, request_priority priority,
                         std::chrono::steady_clock::time_point now, acquire_decision& d);
    [[nodiscard]] std::int64_t capacity(const bucket& b) const noexcept;
    // Refuses `d` if one of the cost's budgets cannot take it now; charge() then takes it.
    void check(const request_cost& cost, request_priority priority, std::chrono::steady_clock::time_point now,
               acquire_decision& d);
    void charge(const request_cost& cost);
    [[nodiscard]] std::int64_t cap(const bucket& b, request_priority p) const noexcept;
    [[nodiscard]] std::int64_t cap_of(std::int64_t limit, request_priority p) const noexcept;
    [[nodiscard]] std::chrono::steady_clock::time_point steady_at_wall_ms(std::int64_t wall_ms) const;
    void ban_for(std::chrono::milliseconds d);

    const core::clock& clock_;
    rate_limits_config config_;
    std::vector<bucket> buckets_;
    request_cost per_request_cost_;  // one unit of each config_.per_request budget
    std::chrono::steady_clock::time_point banned_until_{};
    limiter_stats stats_;
};

}  // namespace tradebot::exchange
