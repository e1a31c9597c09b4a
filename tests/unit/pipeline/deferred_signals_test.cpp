#include "tradebot/pipeline/deferred_signals.hpp"

#include <gtest/gtest.h>

#include "tradebot/core/clock.hpp"
#include "unit/signals/signals_test_support.hpp"

namespace tradebot::pipeline {
namespace {

using core::exchange_id;
using signals::test::make_signal;
using signals::test::utc;
using std::chrono::seconds;

class deferred_signals_test : public ::testing::Test {
protected:
    deferred_signals_test() : clock_{utc(0, 20)} {}

    std::optional<seconds> note(const signals::signal& s) {
        return list_.note(s, "balance_unknown", "down", clock_.now(), clock_.steady_now());
    }

    core::manual_clock clock_;
    deferred_signals list_{signals::signal_window{std::chrono::minutes{120}}};
    signals::signal sig_ = make_signal(1, exchange_id::binance, "ETHUSDT", "10", "10", utc(0));
};

TEST_F(deferred_signals_test, the_pause_doubles_per_attempt_up_to_its_maximum) {
    std::vector<seconds> pauses;
    for (int i = 0; i < 7; ++i) {
        pauses.push_back(note(sig_).value());
    }
    EXPECT_EQ(pauses, (std::vector<seconds>{seconds{1}, seconds{2}, seconds{4}, seconds{8}, seconds{16},
                                             seconds{30}, seconds{30}}));
    EXPECT_EQ(list_.size(), 1u);
    EXPECT_EQ(list_.find(1)->attempts, 7);
}

TEST_F(deferred_signals_test, a_signal_is_due_once_its_pause_is_over) {
    (void)note(sig_);
    EXPECT_TRUE(list_.due(clock_.now(), clock_.steady_now()).due.empty());
    clock_.advance(seconds{1});
    const auto list = list_.due(clock_.now(), clock_.steady_now());
    ASSERT_EQ(list.due.size(), 1u);
    EXPECT_EQ(list.due[0].id, 1);
    EXPECT_TRUE(list.closed.empty());
    EXPECT_EQ(list_.size(), 1u);  // the owner's decision removes it
}

TEST_F(deferred_signals_test, a_signal_whose_window_closed_is_handed_back_to_expire) {
    (void)note(sig_);
    clock_.advance(std::chrono::minutes{120});
    const auto list = list_.due(clock_.now(), clock_.steady_now());
    EXPECT_TRUE(list.due.empty());
    ASSERT_EQ(list.closed.size(), 1u);
    EXPECT_EQ(deferred_signals::expiry_detail(list.closed[0], "its window closed"),
              "its window closed while deferred (1 attempts); last: down");
    EXPECT_FALSE(note(sig_).has_value());  // a further fault: expire at once
}

TEST_F(deferred_signals_test, a_decided_signal_is_forgotten) {
    (void)note(sig_);
    list_.forget(1);
    EXPECT_TRUE(list_.empty());
    EXPECT_FALSE(list_.contains(1));
}

}  // namespace
}  // namespace tradebot::pipeline
