#include "tradebot/exchange/rate_limiter.hpp"

#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace tradebot::exchange {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using p = request_priority;

rate_limits_config small_limits() {
    rate_limits_config c;
    c.venue = core::exchange_id::binance;
    c.budgets = {budget_config{"weight_1m", 10, 60s}};
    c.critical_reserve_pct = 20;    // normal stops at 8
    c.background_reserve_pct = 30;  // background stops at 5
    return c;
}

// poll() stops the context once it runs out of work; later test steps need it running again.
void run(asio::io_context& io) {
    io.restart();
    io.poll();
}

// Spawns acquire(weight, priority) and records `name` in `done` when it returns.
void spawn(asio::io_context& io, rate_limiter& l, std::int32_t weight, p priority, std::string name,
           std::vector<std::string>& done) {
    asio::co_spawn(
        io,
        [&l, weight, priority, name = std::move(name), &done]() -> asio::awaitable<void> {
            co_await l.acquire(weight, priority);
            done.push_back(name);
        },
        asio::detached);
}

TEST(rate_limiter, grants_at_once_when_the_budget_allows) {
    asio::io_context io;
    core::manual_clock clock;
    rate_limiter l{io.get_executor(), clock, small_limits()};
    std::vector<std::string> done;
    spawn(io, l, 3, p::normal, "a", done);
    spawn(io, l, 2, p::background, "b", done);
    run(io);
    EXPECT_EQ(done, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(l.waiting(), 0U);
    EXPECT_EQ(l.budgets().front().used, 5);
}

TEST(rate_limiter, waiters_are_served_by_priority_when_budget_returns) {
    asio::io_context io;
    core::manual_clock clock;
    rate_limiter l{io.get_executor(), clock, small_limits()};
    std::vector<std::string> done;
    spawn(io, l, 10, p::critical, "fill", done);
    run(io);
    ASSERT_EQ(done.size(), 1U);
    spawn(io, l, 1, p::background, "refill", done);
    spawn(io, l, 1, p::normal, "entry", done);
    spawn(io, l, 1, p::critical, "stop", done);
    run(io);
    EXPECT_EQ(done.size(), 1U);
    EXPECT_EQ(l.waiting(), 3U);
    EXPECT_EQ(l.stats().waits[0] + l.stats().waits[1] + l.stats().waits[2], 3U);

    clock.advance(60s);  // the window ends; timers wait real time, so tell the limiter
    l.wake();
    run(io);
    EXPECT_EQ(done, (std::vector<std::string>{"fill", "stop", "entry", "refill"}));
    EXPECT_EQ(l.waiting(), 0U);
}

TEST(rate_limiter, critical_requests_pass_a_waiting_background_request) {
    asio::io_context io;
    core::manual_clock clock;
    rate_limiter l{io.get_executor(), clock, small_limits()};
    std::vector<std::string> done;
    spawn(io, l, 6, p::normal, "six", done);
    run(io);
    spawn(io, l, 1, p::background, "refill", done);  // 7 > 5: waits
    spawn(io, l, 2, p::normal, "entry", done);       // 8 <= 8: goes
    spawn(io, l, 2, p::critical, "stop", done);      // 10 <= 10: goes
    run(io);
    EXPECT_EQ(done, (std::vector<std::string>{"six", "entry", "stop"}));
    EXPECT_EQ(l.waiting(), 1U);
}

TEST(rate_limiter, a_later_request_of_the_same_priority_does_not_overtake) {
    asio::io_context io;
    core::manual_clock clock;
    rate_limiter l{io.get_executor(), clock, small_limits()};
    std::vector<std::string> done;
    spawn(io, l, 7, p::normal, "seven", done);
    run(io);
    spawn(io, l, 3, p::normal, "three", done);  // 10 > 8: waits
    spawn(io, l, 1, p::normal, "one", done);    // would fit, but "three" was first
    run(io);
    EXPECT_EQ(done, (std::vector<std::string>{"seven"}));
    // The venue says less was used than we counted: both fit now, in arrival order.
    l.on_response(request_cost{}.add("weight_1m", 1), {{"X-MBX-USED-WEIGHT-1M", "2"}});
    run(io);
    EXPECT_EQ(done, (std::vector<std::string>{"seven", "three", "one"}));
}

// Spawns acquire(cost, priority) and records `name` in `done` when it returns.
void spawn_cost(asio::io_context& io, rate_limiter& l, request_cost cost, p priority, std::string name,
                std::vector<std::string>& done) {
    asio::co_spawn(
        io,
        [&l, cost, priority, name = std::move(name), &done]() -> asio::awaitable<void> {
            co_await l.acquire(cost, priority);
            done.push_back(name);
        },
        asio::detached);
}

// The request ceiling (exchanges.*.requests_per_second, a token bucket): reads queued on it hold
// neither an entry nor a stop back, and each read waits for its own unit's refill only.
TEST(rate_limiter, reads_waiting_for_the_request_ceiling_hold_no_order_back) {
    asio::io_context io;
    core::manual_clock clock;
    clock.advance(100ms);  // early in a calendar second: the next one is 900 ms away
    auto c = binance_limits();
    c.per_request = {budget_config{"client_1s", 4, 1s, 4}};
    rate_limiter l{io.get_executor(), clock, c};
    std::vector<std::string> done;
    const auto read = binance_cost(binance_endpoint::book_ticker);
    for (int i = 0; i < 6; ++i) {
        spawn_cost(io, l, read, i < 4 ? p::critical : p::background, "read" + std::to_string(i), done);
    }
    spawn_cost(io, l, read, p::normal, "normal read", done);
    spawn_cost(io, l, binance_cost(binance_endpoint::order_new), p::normal, "entry", done);
    spawn_cost(io, l, binance_cost(binance_endpoint::algo_order_new), p::critical, "stop", done);
    run(io);
    EXPECT_EQ(done, (std::vector<std::string>{"read0", "read1", "read2", "read3", "entry", "stop"}));
    EXPECT_EQ(l.waiting(), 3U);
    // Normal requests may fill the bucket to 3 of 4: two units must refill, 500 ms at 4/s; the
    // normal read then goes first (it outranks the background ones), not at the next calendar
    // second (900 ms away) as a fixed window would have it.
    clock.advance(499ms);
    l.wake();
    run(io);
    EXPECT_EQ(done.size(), 6U);
    clock.advance(1ms);
    l.wake();
    run(io);
    ASSERT_EQ(done.size(), 7U);
    EXPECT_EQ(done.back(), "normal read");
    EXPECT_EQ(l.waiting(), 2U);
}

TEST(rate_limiter, a_ban_holds_even_critical_requests_until_it_ends) {
    asio::io_context io;
    core::manual_clock clock;
    rate_limiter l{io.get_executor(), clock, binance_limits()};
    std::vector<std::string> done;
    auto e = binance_error(418, -1003, "banned");
    e.retry_after = 120s;
    l.on_error(binance_cost(binance_endpoint::order_query), e);
    EXPECT_TRUE(l.banned());
    spawn(io, l, 1, p::critical, "stop", done);
    run(io);
    EXPECT_TRUE(done.empty());
    clock.advance(119s);
    l.wake();
    run(io);
    EXPECT_TRUE(done.empty());
    clock.advance(1s);
    l.wake();
    run(io);
    EXPECT_EQ(done, (std::vector<std::string>{"stop"}));
    EXPECT_EQ(l.stats().bans, 1U);
    EXPECT_FALSE(l.banned());
}

TEST(rate_limiter, requests_on_other_budgets_are_not_held_behind_a_blocked_one) {
    asio::io_context io;
    core::manual_clock clock;
    rate_limiter l{io.get_executor(), clock, bybit_limits()};
    std::vector<std::string> done;
    const auto stop = bybit_cost("/v5/position/trading-stop");
    l.on_response(stop, {{"X-Bapi-Limit-Status", "0"},
                         {"X-Bapi-Limit-Reset-Timestamp", std::to_string(clock.now_ms() + 500)}});
    l.on_error(stop, bybit_error(200, 10006, "Too many visits!"));
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            co_await l.acquire(stop, p::critical);
            done.push_back("stop");
        },
        asio::detached);
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            co_await l.acquire(bybit_cost("/v5/position/list"), p::background);
            done.push_back("list");
        },
        asio::detached);
    run(io);
    EXPECT_EQ(done, (std::vector<std::string>{"list"}));
    clock.advance(500ms);
    l.wake();
    run(io);
    EXPECT_EQ(done, (std::vector<std::string>{"list", "stop"}));
}

}  // namespace
}  // namespace tradebot::exchange
