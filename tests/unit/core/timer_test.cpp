#include "tradebot/core/timer.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using tradebot::core::manual_clock;
using tradebot::core::system_clock;
using tradebot::core::timer;

namespace {

struct timer_test : ::testing::Test {
    asio::io_context io;
    manual_clock manual;
    std::vector<int> finished;  // the tags of the waits that ended, in order

    // Starts `t.wait_for(d)` and returns where its result will be written; `tag` is appended to
    // `finished` when the wait ends.
    std::shared_ptr<std::optional<bool>> start_wait(timer& t, std::chrono::steady_clock::duration d, int tag = 0) {
        auto out = std::make_shared<std::optional<bool>>();
        asio::co_spawn(
            io,
            [this, &t, d, out, tag]() -> asio::awaitable<void> {
                const bool passed = co_await t.wait_for(d);
                *out = passed;
                finished.push_back(tag);
            },
            asio::detached);
        return out;
    }

    // Runs what is ready; restarts first, since an io_context that ran out of work stays stopped.
    void poll() {
        io.restart();
        io.poll();
    }
};

}  // namespace

TEST_F(timer_test, a_manual_clock_ends_the_wait_only_when_advanced_past_the_deadline) {
    timer t{io.get_executor(), manual};
    auto result = start_wait(t, 5s);
    poll();
    EXPECT_FALSE(result->has_value());
    ASSERT_TRUE(manual.next_deadline().has_value());
    EXPECT_EQ(*manual.next_deadline() - manual.steady_now(), 5s);
    manual.advance(4s);
    poll();
    EXPECT_FALSE(result->has_value());
    manual.advance(1s);
    poll();
    ASSERT_TRUE(result->has_value());
    EXPECT_TRUE(**result);
    EXPECT_FALSE(manual.next_deadline().has_value());  // nothing left registered
}

TEST_F(timer_test, cancel_ends_the_wait_with_false_and_a_later_advance_changes_nothing) {
    timer t{io.get_executor(), manual};
    auto first = start_wait(t, 5s);
    poll();
    t.cancel();
    poll();
    ASSERT_TRUE(first->has_value());
    EXPECT_FALSE(**first);
    EXPECT_FALSE(manual.next_deadline().has_value());
    // The timer is reusable; a stale wake of the first wait does not end the second one early.
    auto second = start_wait(t, 10s);
    poll();
    manual.advance(6s);
    poll();
    EXPECT_FALSE(second->has_value());
    manual.advance(4s);
    poll();
    ASSERT_TRUE(second->has_value());
    EXPECT_TRUE(**second);
}

TEST_F(timer_test, timers_fire_in_deadline_order_from_one_advance) {
    timer late{io.get_executor(), manual};
    timer early{io.get_executor(), manual};
    auto late_done = start_wait(late, 3s, 3);
    auto early_done = start_wait(early, 1s, 1);
    poll();
    manual.advance(10s);
    poll();
    EXPECT_EQ(finished, (std::vector<int>{1, 3}));
    EXPECT_TRUE(late_done->value_or(false));
    EXPECT_TRUE(early_done->value_or(false));
}

TEST_F(timer_test, a_zero_wait_on_a_manual_clock_passes_at_once) {
    timer t{io.get_executor(), manual};
    auto result = start_wait(t, 0s);
    poll();
    ASSERT_TRUE(result->has_value());
    EXPECT_TRUE(**result);
}

TEST_F(timer_test, the_system_clock_waits_on_the_os_steady_clock) {
    system_clock os;
    timer t{io.get_executor(), os};
    auto result = start_wait(t, 1ms);
    io.run();
    ASSERT_TRUE(result->has_value());
    EXPECT_TRUE(**result);
}
