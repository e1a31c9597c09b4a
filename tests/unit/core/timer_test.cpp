#include "tradebot/core/timer.hpp"

#include <gtest/gtest.h>

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using tradebot::core::manual_clock;
using tradebot::core::system_clock;
using tradebot::core::timer;

namespace {

// Starts `t.wait_for(d)` and returns where its result will be written.
std::shared_ptr<std::optional<bool>> start_wait(asio::io_context& io, timer& t, std::chrono::steady_clock::duration d) {
    auto out = std::make_shared<std::optional<bool>>();
    asio::co_spawn(
        io,
        [&t, d, out]() -> asio::awaitable<void> {
            const bool passed = co_await t.wait_for(d);
            *out = passed;
        },
        asio::detached);
    return out;
}

// Runs what is ready; restarts first, since an io_context that ran out of work stays stopped.
void poll(asio::io_context& io) {
    io.restart();
    io.poll();
}

}  // namespace

TEST(timer, a_manual_clock_ends_the_wait_only_when_advanced_past_the_deadline) {
    asio::io_context io;
    manual_clock clock;
    timer t{io.get_executor(), clock};
    auto result = start_wait(io, t, 5s);
    poll(io);
    EXPECT_FALSE(result->has_value());
    ASSERT_TRUE(clock.next_deadline().has_value());
    EXPECT_EQ(*clock.next_deadline() - clock.steady_now(), 5s);
    clock.advance(4s);
    poll(io);
    EXPECT_FALSE(result->has_value());
    clock.advance(1s);
    poll(io);
    ASSERT_TRUE(result->has_value());
    EXPECT_TRUE(**result);
    EXPECT_FALSE(clock.next_deadline().has_value());  // nothing left registered
}

TEST(timer, cancel_ends_the_wait_with_false_and_a_later_advance_changes_nothing) {
    asio::io_context io;
    manual_clock clock;
    timer t{io.get_executor(), clock};
    auto first = start_wait(io, t, 5s);
    poll(io);
    t.cancel();
    poll(io);
    ASSERT_TRUE(first->has_value());
    EXPECT_FALSE(**first);
    EXPECT_FALSE(clock.next_deadline().has_value());
    // The timer is reusable; a stale wake of the first wait does not end the second one early.
    auto second = start_wait(io, t, 10s);
    poll(io);
    clock.advance(6s);
    poll(io);
    EXPECT_FALSE(second->has_value());
    clock.advance(4s);
    poll(io);
    ASSERT_TRUE(second->has_value());
    EXPECT_TRUE(**second);
}

TEST(timer, timers_fire_in_deadline_order_from_one_advance) {
    asio::io_context io;
    manual_clock clock;
    timer late{io.get_executor(), clock};
    timer early{io.get_executor(), clock};
    std::vector<int> order;
    for (auto [t, d, tag] : {std::tuple{&late, 3s, 3}, std::tuple{&early, 1s, 1}}) {
        asio::co_spawn(
            io,
            [t = t, d = d, tag = tag, &order]() -> asio::awaitable<void> {
                const bool passed = co_await t->wait_for(d);
                if (passed) {
                    order.push_back(tag);
                }
            },
            asio::detached);
    }
    poll(io);
    clock.advance(10s);
    poll(io);
    EXPECT_EQ(order, (std::vector<int>{1, 3}));
}

TEST(timer, a_zero_wait_on_a_manual_clock_passes_at_once) {
    asio::io_context io;
    manual_clock clock;
    timer t{io.get_executor(), clock};
    auto result = start_wait(io, t, 0s);
    poll(io);
    ASSERT_TRUE(result->has_value());
    EXPECT_TRUE(**result);
}

TEST(timer, the_system_clock_waits_on_the_os_steady_clock) {
    asio::io_context io;
    system_clock clock;
    timer t{io.get_executor(), clock};
    auto result = start_wait(io, t, 1ms);
    io.run();
    ASSERT_TRUE(result->has_value());
    EXPECT_TRUE(**result);
}
