#include "tradebot/pipeline/venue_lanes.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "unit/signals/signals_test_support.hpp"

namespace tradebot::pipeline {
namespace {

using core::exchange_id;
using signals::test::make_signal;
using signals::test::utc;

// Issue 19, finding C3: a Bybit 403 ban (the rate limiter waits it out, ten minutes and more)
// held the whole drain, and with it the Binance signal of the same burst. A venue whose calls
// hang is stood in for by a gate that stays shut until the test opens it: no clock is needed,
// nothing here waits on time.
class venue_lanes_test : public ::testing::Test {
protected:
    venue_lanes_test() {
        for (const auto venue : {exchange_id::binance, exchange_id::bybit}) {
            gates_[venue] = std::make_unique<boost::asio::steady_timer>(io_);
            gates_[venue]->expires_at(boost::asio::steady_timer::time_point::max());
        }
    }

    venue_lanes::decide_function decide() {
        return [this](exchange_id venue, std::vector<signals::signal> batch,
                      venue_lanes::batch_context context) -> boost::asio::awaitable<void> {
            waves_.push_back(context.wave);
            std::vector<std::int64_t> ids;
            for (const auto& s : batch) {
                ids.push_back(s.id);
            }
            started_.push_back(ids);
            if (shut_.contains(venue)) {
                co_await gates_[venue]->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
            }
            for (const auto id : ids) {
                decided_.push_back(id);
            }
        };
    }

    void submit(venue_lanes& lanes, std::vector<signals::signal> batch,
                std::optional<signals::wave> wave = std::nullopt) {
        lanes.submit(io_.get_executor(), std::move(batch), venue_lanes::batch_context{{}, wave});
        io_.poll();
    }

    void open(exchange_id venue) {
        shut_.erase(venue);
        gates_[venue]->cancel();
        io_.poll();
    }

    static signals::signal on(exchange_id venue, std::int64_t id, const char* symbol = "ETHUSDT") {
        return make_signal(id, venue, symbol, "10", "10", utc(0));
    }

    boost::asio::io_context io_;
    std::map<exchange_id, std::unique_ptr<boost::asio::steady_timer>> gates_;
    std::set<exchange_id> shut_;
    std::vector<std::vector<std::int64_t>> started_;
    std::vector<std::int64_t> decided_;
    std::vector<std::optional<signals::wave>> waves_;  // of each batch started
};

TEST_F(venue_lanes_test, a_venue_that_makes_its_lane_wait_holds_none_of_the_other_venues_signals) {
    shut_.insert(exchange_id::bybit);
    venue_lanes lanes{decide()};
    // One burst, Bybit first (as the selection orders the venues): the Binance signal must not wait.
    submit(lanes, {on(exchange_id::bybit, 1), on(exchange_id::binance, 2)});
    EXPECT_EQ(decided_, (std::vector<std::int64_t>{2}));
    EXPECT_TRUE(lanes.busy(exchange_id::bybit));
    EXPECT_FALSE(lanes.busy(exchange_id::binance));
    EXPECT_TRUE(lanes.holds(1));
    EXPECT_FALSE(lanes.holds(2));

    // A later Binance signal is not queued behind the waiting Bybit one either.
    submit(lanes, {on(exchange_id::binance, 3, "BTCUSDT"), on(exchange_id::bybit, 4, "BTCUSDT")});
    EXPECT_EQ(decided_, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(lanes.queued(), 1u);  // Bybit's 4 waits behind 1, in order
    EXPECT_FALSE(lanes.idle());

    open(exchange_id::bybit);
    EXPECT_EQ(decided_, (std::vector<std::int64_t>{2, 3, 1, 4}));
    EXPECT_TRUE(lanes.idle());
    EXPECT_TRUE(lanes.held().empty());
}

TEST_F(venue_lanes_test, a_signal_a_lane_holds_is_not_queued_twice) {
    shut_.insert(exchange_id::bybit);
    venue_lanes lanes{decide()};
    submit(lanes, {on(exchange_id::bybit, 1)});
    // The NOTIFY's row read again by a poll, or a deferral come due while it is decided again.
    submit(lanes, {on(exchange_id::bybit, 1), on(exchange_id::bybit, 2, "BTCUSDT")});
    submit(lanes, {on(exchange_id::bybit, 2, "BTCUSDT")});
    EXPECT_EQ(lanes.queued(), 1u);
    EXPECT_EQ(lanes.held(), (std::vector<std::int64_t>{1, 2}));
    open(exchange_id::bybit);
    EXPECT_EQ(decided_, (std::vector<std::int64_t>{1, 2}));
    // What queued while a batch was decided went as one batch after it.
    EXPECT_EQ(started_, (std::vector<std::vector<std::int64_t>>{{1}, {2}}));
}

TEST_F(venue_lanes_test, after_stop_queued_signals_are_dropped_and_the_batch_in_progress_finishes) {
    shut_.insert(exchange_id::bybit);
    venue_lanes lanes{decide()};
    submit(lanes, {on(exchange_id::bybit, 1)});
    submit(lanes, {on(exchange_id::bybit, 2, "BTCUSDT")});
    lanes.stop();
    EXPECT_EQ(lanes.submit(io_.get_executor(), {on(exchange_id::binance, 3)}, {}), 0u);
    open(exchange_id::bybit);
    EXPECT_EQ(decided_, (std::vector<std::int64_t>{1}));
    EXPECT_TRUE(lanes.idle());
    EXPECT_EQ(lanes.queued(), 0u);
}

// Wave mode hands each check's rows to the lanes (issue 19, C3 in wave mode): what queues behind a
// waiting venue is decided with the wave it was read for, and a later wave's rows never join an
// earlier wave's batch (that wave's state counts its own entries only).
TEST_F(venue_lanes_test, signals_of_different_waves_are_decided_in_batches_of_their_own_wave) {
    const signals::wave first{utc(10, 5), utc(9, 45), utc(10, 9)};
    const signals::wave second{utc(10, 20), utc(10, 0), utc(10, 24)};
    shut_.insert(exchange_id::bybit);
    venue_lanes lanes{decide()};
    submit(lanes, {on(exchange_id::bybit, 1)}, first);
    submit(lanes, {on(exchange_id::bybit, 2, "BTCUSDT")}, first);  // a later check of the same wave
    submit(lanes, {on(exchange_id::bybit, 3, "SOLUSDT")}, second);
    submit(lanes, {on(exchange_id::binance, 4)}, second);  // Binance is held by none of it
    EXPECT_EQ(decided_, (std::vector<std::int64_t>{4}));
    EXPECT_EQ(lanes.queued(), 2u);
    open(exchange_id::bybit);
    EXPECT_EQ(started_, (std::vector<std::vector<std::int64_t>>{{1}, {4}, {2}, {3}}));
    EXPECT_EQ(waves_, (std::vector<std::optional<signals::wave>>{first, second, first, second}));
    EXPECT_TRUE(lanes.idle());
}

}  // namespace
}  // namespace tradebot::pipeline
