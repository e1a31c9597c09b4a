#include "tradebot/exchange/rate_limiter_core.hpp"

#include <gtest/gtest.h>

namespace tradebot::exchange {
namespace {

using namespace std::chrono_literals;
using p = request_priority;
using reason = acquire_decision::reason;

// A small budget makes the thresholds easy to see: critical 100, normal 90, background 70.
rate_limits_config small(std::int64_t limit = 100) {
    rate_limits_config c;
    c.venue = core::exchange_id::binance;
    c.budgets = {budget_config{"weight_1m", limit, 60s}, budget_config{"orders_10s", 5, 10s}};
    return c;
}

request_cost w(std::int32_t weight) { return request_cost{}.add("weight_1m", weight); }

std::int64_t used(const rate_limiter_core& l, std::string_view name) { return l.budget(name)->used; }

TEST(rate_limiter_core, each_priority_stops_at_its_share) {
    core::manual_clock clock;
    rate_limiter_core l{clock, small()};
    EXPECT_TRUE(l.try_acquire(w(70), p::background).granted);
    EXPECT_EQ(used(l, "weight_1m"), 70);
    auto d = l.try_acquire(w(1), p::background);
    EXPECT_FALSE(d.granted);
    EXPECT_EQ(d.why, reason::budget);
    EXPECT_TRUE(l.try_acquire(w(20), p::normal).granted);
    EXPECT_FALSE(l.try_acquire(w(1), p::normal).granted);
    EXPECT_TRUE(l.try_acquire(w(10), p::critical).granted);
    EXPECT_FALSE(l.try_acquire(w(1), p::critical).granted);
    EXPECT_EQ(used(l, "weight_1m"), 100);
    EXPECT_EQ(l.stats().granted[0], 1U);
    EXPECT_EQ(l.stats().granted[1], 1U);
    EXPECT_EQ(l.stats().granted[2], 1U);
}

TEST(rate_limiter_core, windows_are_aligned_to_the_wall_clock_and_reset) {
    core::manual_clock clock;  // starts on a minute boundary
    clock.advance(45s);
    rate_limiter_core l{clock, small()};
    ASSERT_TRUE(l.try_acquire(w(90), p::normal).granted);
    auto d = l.try_acquire(w(5), p::normal);
    ASSERT_FALSE(d.granted);
    EXPECT_EQ(d.retry_at - clock.steady_now(), 15s);  // the rest of this calendar minute
    clock.advance(15s);
    EXPECT_EQ(used(l, "weight_1m"), 0);
    EXPECT_TRUE(l.try_acquire(w(5), p::normal).granted);
}

// exchanges.*.requests_per_second / _minute: every request counts once, whatever its weight.
TEST(rate_limiter_core, a_per_request_budget_counts_requests_not_weight) {
    core::manual_clock clock;
    auto c = small(1000);
    c.per_request = {budget_config{"client_1s", 3, 1s}};
    rate_limiter_core l{clock, c};
    EXPECT_TRUE(l.try_acquire(w(1), p::critical).granted);
    EXPECT_TRUE(l.try_acquire(w(40), p::critical).granted);
    EXPECT_TRUE(l.try_acquire(request_cost{}.add("orders_10s", 1), p::critical).granted);
    const auto d = l.try_acquire(w(1), p::critical);  // weight left, but 3 requests in the bucket
    EXPECT_FALSE(d.granted);
    EXPECT_EQ(d.budget, "client_1s");
    EXPECT_EQ(d.retry_at - clock.steady_now(), 333'333'334ns);  // one request's refill: 1/3 s
    EXPECT_EQ(used(l, "client_1s"), 3);
    EXPECT_EQ(used(l, "weight_1m"), 41);
    EXPECT_TRUE(l.per_request_budget("client_1s"));
    EXPECT_FALSE(l.per_request_budget("weight_1m"));
    clock.advance(333'333'334ns);
    EXPECT_TRUE(l.try_acquire(w(1), p::critical).granted);

    rate_limiter_core unbounded{clock, small(1000)};
    for (int i = 0; i < 10; ++i) EXPECT_TRUE(unbounded.try_acquire(w(1), p::critical).granted);
}

// The original's 16 requests/s with a burst of 50 (original-bot.md §7.2): a token bucket. A
// request over it waits for one request's refill (1/16 s), not for the next calendar second.
TEST(rate_limiter_core, a_per_request_budget_is_a_token_bucket_with_a_burst) {
    core::manual_clock clock;
    clock.advance(900ms);  // late in a calendar second: a fixed window would reset in 100 ms, then refuse
    auto c = small(100'000);
    c.per_request = {budget_config{"client_1s", 16, 1s, 50}};
    rate_limiter_core l{clock, c};
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(l.try_acquire(w(1), p::critical).granted) << i;
    auto d = l.try_acquire(w(1), p::critical);
    ASSERT_FALSE(d.granted);
    EXPECT_EQ(d.retry_at - clock.steady_now(), 62'500'000ns);
    EXPECT_EQ(l.budget("client_1s")->used, 50);
    EXPECT_EQ(l.budget("client_1s")->limit, 50);
    clock.advance(62'499'999ns);
    EXPECT_FALSE(l.try_acquire(w(1), p::critical).granted);
    clock.advance(1ns);
    EXPECT_TRUE(l.try_acquire(w(1), p::critical).granted);
    // Sustained: 16 a second, each one as soon as its unit has refilled.
    int granted = 0;
    for (int step = 0; step < 1000; ++step) {
        clock.advance(1ms);
        while (l.try_acquire(w(1), p::critical).granted) ++granted;
    }
    EXPECT_EQ(granted, 16);
    // Idle for long enough, the whole burst is back (and no more).
    clock.advance(10s);
    EXPECT_EQ(l.budget("client_1s")->used, 0);
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(l.try_acquire(w(1), p::critical).granted) << i;
    EXPECT_FALSE(l.try_acquire(w(1), p::critical).granted);
}

TEST(rate_limiter_core, priorities_share_the_token_bucket_like_a_budget) {
    core::manual_clock clock;
    auto c = small(100'000);
    c.per_request = {budget_config{"client_1s", 10, 1s, 10}};
    rate_limiter_core l{clock, c};
    for (int i = 0; i < 7; ++i) ASSERT_TRUE(l.try_acquire(w(1), p::background).granted) << i;
    auto d = l.try_acquire(w(1), p::background);  // background stops at 70 %
    ASSERT_FALSE(d.granted);
    EXPECT_EQ(d.retry_at - clock.steady_now(), 100ms);
    EXPECT_TRUE(l.try_acquire(w(1), p::normal).granted);
    EXPECT_TRUE(l.try_acquire(w(1), p::normal).granted);
    EXPECT_FALSE(l.try_acquire(w(1), p::normal).granted);  // normal stops at 90 %
    EXPECT_TRUE(l.try_acquire(w(1), p::critical).granted);
    EXPECT_FALSE(l.try_acquire(w(1), p::critical).granted);
}

// Entries, stops and closes count in the venue's order budgets only: a full request ceiling
// does not hold them back (and they do not use it up).
TEST(rate_limiter_core, order_placement_does_not_draw_on_the_per_request_ceiling) {
    core::manual_clock clock;
    auto c = binance_limits();
    c.per_request = {budget_config{"client_1s", 2, 1s}, budget_config{"client_1m", 100, 60s}};
    rate_limiter_core l{clock, c};
    ASSERT_TRUE(l.try_acquire(binance_cost(binance_endpoint::book_ticker), p::normal).granted);
    ASSERT_TRUE(l.try_acquire(binance_cost(binance_endpoint::leverage), p::critical).granted);
    EXPECT_FALSE(l.try_acquire(binance_cost(binance_endpoint::book_ticker), p::critical).granted);
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(l.try_acquire(binance_cost(binance_endpoint::order_new), p::normal).granted) << i;
        ASSERT_TRUE(l.try_acquire(binance_cost(binance_endpoint::algo_order_new), p::critical).granted) << i;
    }
    EXPECT_EQ(used(l, "orders_10s"), 40);
    EXPECT_EQ(used(l, "client_1s"), 2);
    EXPECT_EQ(used(l, "client_1m"), 2);
    // A cancel is not a placement: it counts.
    EXPECT_FALSE(l.try_acquire(binance_cost(binance_endpoint::order_cancel), p::critical).granted);
    EXPECT_TRUE(binance_cost(binance_endpoint::order_new).places_order);
    EXPECT_FALSE(binance_cost(binance_endpoint::order_cancel).places_order);
    EXPECT_TRUE(bybit_cost("/v5/order/create").places_order);
    EXPECT_TRUE(bybit_cost("/v5/position/trading-stop").places_order);
    EXPECT_FALSE(bybit_cost("/v5/position/set-leverage").places_order);
    EXPECT_FALSE(bybit_cost("/v5/market/tickers").places_order);
}

TEST(rate_limiter_core, an_empty_budget_admits_one_heavy_request) {
    core::manual_clock clock;
    rate_limiter_core l{clock, small(20)};
    EXPECT_TRUE(l.try_acquire(w(40), p::background).granted);
    EXPECT_FALSE(l.try_acquire(w(1), p::critical).granted);
}

TEST(rate_limiter_core, zero_weight_items_are_not_held_back) {
    core::manual_clock clock;
    rate_limiter_core l{clock, binance_limits()};
    ASSERT_TRUE(l.try_acquire(request_cost{}.add("weight_1m", 2400), p::critical).granted);
    // POST /order weighs 0 on the IP budget: only the order counters decide.
    EXPECT_TRUE(l.try_acquire(binance_cost(binance_endpoint::order_new), p::normal).granted);
    EXPECT_EQ(used(l, "orders_10s"), 1);
    EXPECT_EQ(used(l, "orders_1m"), 1);
    EXPECT_FALSE(l.try_acquire(binance_cost(binance_endpoint::order_query), p::critical).granted);
}

TEST(rate_limiter_core, a_request_needs_every_budget_it_touches) {
    core::manual_clock clock;
    rate_limiter_core l{clock, small()};
    const auto order = request_cost{}.add("weight_1m", 1).add("orders_10s", 1);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(l.try_acquire(order, p::critical).granted) << i;
    const auto d = l.try_acquire(order, p::critical);
    EXPECT_FALSE(d.granted);
    EXPECT_EQ(used(l, "weight_1m"), 5);  // nothing charged on refusal
    EXPECT_EQ(d.retry_at - clock.steady_now(), 10s);
    EXPECT_TRUE(l.try_acquire(w(1), p::normal).granted);  // the weight budget alone is fine
}

TEST(rate_limiter_core, binance_headers_replace_the_local_count) {
    core::manual_clock clock;
    rate_limiter_core l{clock, binance_limits()};
    ASSERT_TRUE(l.try_acquire(w(5), p::normal).granted);
    l.on_response(w(5), {{"x-mbx-used-weight-1m", "2300"}, {"X-MBX-ORDER-COUNT-10S", "7"},
                         {"X-MBX-ORDER-COUNT-1M", "42"}});
    EXPECT_EQ(used(l, "weight_1m"), 2300);
    EXPECT_EQ(used(l, "orders_10s"), 7);
    EXPECT_EQ(used(l, "orders_1m"), 42);
    EXPECT_EQ(l.stats().header_updates, 3U);
    // 2300 + 5 is over normal's 90 % of 2400 (2160) but within critical's full budget.
    EXPECT_FALSE(l.try_acquire(w(5), p::normal).granted);
    EXPECT_TRUE(l.try_acquire(w(5), p::critical).granted);
    // The venue's window reset before ours: a lower number is believed too.
    l.on_response(w(1), {{"X-MBX-USED-WEIGHT-1M", "12"}});
    EXPECT_EQ(used(l, "weight_1m"), 12);
    // Junk is ignored.
    l.on_response(w(1), {{"X-MBX-USED-WEIGHT-1M", "lots"}});
    EXPECT_EQ(used(l, "weight_1m"), 12);
}

TEST(rate_limiter_core, testnet_has_the_larger_weight_budget) {
    core::manual_clock clock;
    rate_limiter_core l{clock, binance_limits(true)};
    EXPECT_EQ(l.budget("weight_1m")->limit, 6000);
    EXPECT_EQ(rate_limiter_core(clock, binance_limits()).budget("weight_1m")->limit, 2400);
}

TEST(rate_limiter_core, bybit_headers_describe_the_endpoint_budget) {
    core::manual_clock clock;
    rate_limiter_core l{clock, bybit_limits()};
    const auto create = bybit_cost("/v5/order/create");
    ASSERT_EQ(create.size, 2);
    EXPECT_EQ(create.items[0].budget, "/v5/order/create");
    EXPECT_EQ(create.items[1].budget, "ip_5s");
    ASSERT_TRUE(l.try_acquire(create, p::normal).granted);
    const std::int64_t reset = clock.now_ms() + 400;
    l.on_response(create, {{"X-Bapi-Limit", "20"}, {"X-Bapi-Limit-Status", "2"},
                           {"X-Bapi-Limit-Reset-Timestamp", std::to_string(reset)}});
    const auto b = *l.budget("/v5/order/create");
    EXPECT_EQ(b.limit, 20);  // raised for this account
    EXPECT_EQ(b.used, 18);
    EXPECT_EQ(b.window_end - clock.steady_now(), 400ms);
    EXPECT_EQ(used(l, "ip_5s"), 1);  // the IP budget is not what the headers describe
    // 18 + 1 > 90 % of 20: normal waits until the venue's reset, critical still goes.
    auto d = l.try_acquire(create, p::normal);
    EXPECT_FALSE(d.granted);
    EXPECT_EQ(d.retry_at - clock.steady_now(), 400ms);
    EXPECT_TRUE(l.try_acquire(create, p::critical).granted);
    clock.advance(400ms);
    EXPECT_TRUE(l.try_acquire(create, p::background).granted);
}

TEST(rate_limiter_core, bybit_paths_without_a_per_uid_limit_only_count_on_the_ip) {
    core::manual_clock clock;
    rate_limiter_core l{clock, bybit_limits()};
    const auto tickers = bybit_cost("/v5/market/tickers");
    ASSERT_EQ(tickers.size, 1);
    EXPECT_EQ(tickers.items[0].budget, "ip_5s");
    l.on_response(tickers, {{"X-Bapi-Limit", "1"}, {"X-Bapi-Limit-Status", "0"}});
    EXPECT_EQ(l.budget("ip_5s")->limit, 600);
    EXPECT_EQ(l.stats().header_updates, 0U);
}

TEST(rate_limiter_core, binance_418_bans_everything_for_retry_after) {
    core::manual_clock clock;
    rate_limiter_core l{clock, binance_limits()};
    auto e = binance_error(418, -1003, "Way too many requests; IP banned until 1767225720000.");
    e.retry_after = 300s;
    l.on_error(w(1), e);
    EXPECT_TRUE(l.banned());
    const auto d = l.try_acquire(w(1), p::critical);
    EXPECT_FALSE(d.granted);
    EXPECT_EQ(d.why, reason::banned);
    EXPECT_EQ(d.retry_at - clock.steady_now(), 300s);
    clock.advance(299s);
    EXPECT_FALSE(l.try_acquire(w(1), p::critical).granted);
    clock.advance(1s);
    EXPECT_TRUE(l.try_acquire(w(1), p::critical).granted);
    EXPECT_EQ(l.stats().bans, 1U);
    EXPECT_EQ(l.stats().rate_limited_responses, 1U);
}

TEST(rate_limiter_core, binance_418_without_retry_after_uses_the_two_minute_minimum) {
    core::manual_clock clock;
    rate_limiter_core l{clock, binance_limits()};
    l.on_error(w(1), binance_error(418, -1003, "banned"));
    EXPECT_EQ(l.banned_until() - clock.steady_now(), 2min);
}

TEST(rate_limiter_core, binance_429_waits_for_the_weight_window) {
    core::manual_clock clock;
    clock.advance(20s);
    rate_limiter_core l{clock, binance_limits()};
    ASSERT_TRUE(l.try_acquire(w(1), p::normal).granted);
    l.on_error(w(1), binance_error(429, -1003, "Too many requests"));
    EXPECT_EQ(l.banned_until() - clock.steady_now(), 40s);
    auto e = binance_error(429, -1003, "Too many requests");
    e.retry_after = 50s;
    l.on_error(w(1), e);
    EXPECT_EQ(l.banned_until() - clock.steady_now(), 50s);  // a ban only ever grows
    EXPECT_EQ(l.stats().bans, 2U);
}

TEST(rate_limiter_core, binance_403_waf_block) {
    core::manual_clock clock;
    rate_limiter_core l{clock, binance_limits()};
    l.on_error(w(1), binance_error(403, 0, ""));
    EXPECT_EQ(l.banned_until() - clock.steady_now(), 5min);
}

TEST(rate_limiter_core, binance_1015_blocks_only_order_placement) {
    core::manual_clock clock;
    rate_limiter_core l{clock, binance_limits()};
    const auto order = binance_cost(binance_endpoint::order_new);
    l.on_error(order, binance_error(400, -1015, "Too many new orders"));
    EXPECT_FALSE(l.banned());
    const auto d = l.try_acquire(order, p::critical);
    EXPECT_FALSE(d.granted);
    EXPECT_EQ(d.why, reason::blocked);
    EXPECT_TRUE(l.try_acquire(binance_cost(binance_endpoint::position_risk), p::background).granted);
    clock.advance(60s);
    EXPECT_TRUE(l.try_acquire(order, p::critical).granted);
}

TEST(rate_limiter_core, bybit_10006_blocks_the_endpoint_until_its_reset) {
    core::manual_clock clock;
    rate_limiter_core l{clock, bybit_limits()};
    const auto stop = bybit_cost("/v5/position/trading-stop");
    const std::int64_t reset = clock.now_ms() + 700;
    l.on_response(stop, {{"X-Bapi-Limit", "10"}, {"X-Bapi-Limit-Status", "0"},
                         {"X-Bapi-Limit-Reset-Timestamp", std::to_string(reset)}});
    l.on_error(stop, bybit_error(200, 10006, "Too many visits!"));
    EXPECT_FALSE(l.banned());
    auto d = l.try_acquire(stop, p::critical);
    EXPECT_FALSE(d.granted);
    EXPECT_EQ(d.why, reason::blocked);
    EXPECT_EQ(d.retry_at - clock.steady_now(), 700ms);
    EXPECT_TRUE(l.try_acquire(bybit_cost("/v5/order/create"), p::normal).granted);
    clock.advance(700ms);
    EXPECT_TRUE(l.try_acquire(stop, p::critical).granted);
}

TEST(rate_limiter_core, bybit_403_stops_everything_for_ten_minutes) {
    core::manual_clock clock;
    rate_limiter_core l{clock, bybit_limits()};
    l.on_error(bybit_cost("/v5/position/list"), bybit_error(403, 0, "access too frequent"));
    EXPECT_EQ(l.banned_until() - clock.steady_now(), 10min);
    l.on_error(bybit_cost("/v5/position/list"), bybit_error(429, 0, ""));
    EXPECT_EQ(l.banned_until() - clock.steady_now(), 10min);
    EXPECT_EQ(l.stats().bans, 2U);
}

TEST(rate_limiter_core, other_errors_do_not_touch_the_limiter) {
    core::manual_clock clock;
    rate_limiter_core l{clock, binance_limits()};
    l.on_error(w(1), binance_error(400, -2019, "Margin is insufficient."));
    l.on_error(w(1), binance_error(400, -1021, "Timestamp"));
    EXPECT_FALSE(l.banned());
    EXPECT_EQ(l.stats().rate_limited_responses, 0U);
}

TEST(rate_limiter_core, endpoint_weights_follow_the_reference) {
    struct row {
        binance_endpoint e;
        std::int32_t weight;
        std::int32_t orders_10s;
    };
    const row rows[] = {
        {binance_endpoint::time, 1, 0},           {binance_endpoint::exchange_info, 1, 0},
        {binance_endpoint::premium_index, 1, 0},  {binance_endpoint::premium_index_all, 10, 0},
        {binance_endpoint::position_risk, 5, 0},  {binance_endpoint::balance, 5, 0},
        {binance_endpoint::open_orders, 1, 0},    {binance_endpoint::open_orders_all, 40, 0},
        {binance_endpoint::order_new, 0, 1},      {binance_endpoint::order_amend, 1, 1},
        {binance_endpoint::batch_orders, 5, 5},   {binance_endpoint::algo_order_new, 0, 1},
        {binance_endpoint::algo_order_cancel, 1, 0}, {binance_endpoint::open_algo_orders_all, 40, 0},
        {binance_endpoint::all_algo_orders, 5, 0}, {binance_endpoint::position_mode_get, 30, 0},
        {binance_endpoint::income, 30, 0},        {binance_endpoint::leverage, 1, 0},
        {binance_endpoint::klines, 1, 0},         {binance_endpoint::open_interest, 1, 0},
    };
    for (const auto& r : rows) {
        const auto c = binance_cost(r.e);
        EXPECT_EQ(c.weight_of("weight_1m"), r.weight) << static_cast<int>(r.e);
        EXPECT_EQ(c.weight_of("orders_10s"), r.orders_10s) << static_cast<int>(r.e);
    }
    EXPECT_EQ(bybit_limits().budgets.front().limit, 600);
    EXPECT_EQ(rate_limiter_core(core::manual_clock{}, bybit_limits()).budget("/v5/account/set-margin-mode")->limit, 5);
}

TEST(rate_limiter_core, waits_are_counted_per_priority) {
    core::manual_clock clock;
    rate_limiter_core l{clock, small()};
    l.record_wait(p::background);
    l.record_wait(p::background);
    l.record_wait(p::critical);
    EXPECT_EQ(l.stats().waits[2], 2U);
    EXPECT_EQ(l.stats().waits[0], 1U);
    EXPECT_EQ(to_string(p::critical), "critical");
}

}  // namespace
}  // namespace tradebot::exchange
