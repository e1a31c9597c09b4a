#include "app/mark_refresher.hpp"

#include <map>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using namespace tradebot::core::literals;
using tradebot::app::mark_refresher;
using tradebot::app::venue_cache;
using tradebot::core::exchange_id;
namespace asio = boost::asio;
namespace ex = tradebot::exchange;

const auto btc = tradebot::core::symbol::from_string("BTCUSDT");

// Issue 19: the bulk mark read went through the venues in turn, so a venue whose read hung (a
// call the venue never answers, a ban the rate limiter waits out) stopped the other venue's
// refresh too. Here Bybit's read never answers; Binance's must go on at every period.
class mark_refresher_test : public ::testing::Test {
protected:
    mark_refresher_test() : hung_{io_} { hung_.expires_at(asio::steady_timer::time_point::max()); }

    mark_refresher::reader answering(exchange_id venue) {
        return [this, venue]() -> asio::awaitable<ex::result<std::vector<ex::mark_price_state>>> {
            ++reads_[venue];
            co_return std::vector<ex::mark_price_state>{{btc, "60000"_d + tradebot::core::decimal::from_int(reads_[venue]), 1}};
        };
    }
    mark_refresher::reader hanging(exchange_id venue) {
        return [this, venue]() -> asio::awaitable<ex::result<std::vector<ex::mark_price_state>>> {
            ++reads_[venue];
            co_await hung_.async_wait(asio::as_tuple(asio::use_awaitable));
            ex::error e;
            e.kind = ex::error_kind::retryable;
            e.venue = venue;
            e.message = "the venue never answered";
            co_return e;
        };
    }

    asio::io_context io_;
    tradebot::core::manual_clock clock_;
    venue_cache cache_{clock_, 3000ms, 5000ms};
    asio::steady_timer hung_;
    std::map<exchange_id, int> reads_;
};

TEST_F(mark_refresher_test, a_venue_whose_read_hangs_holds_none_of_the_other_venues_refreshes) {
    mark_refresher marks{io_.get_executor(), cache_, clock_, 2000ms};
    // Bybit first, as a loop over both would reach it before or after Binance: neither order may
    // make Binance wait.
    marks.start(exchange_id::bybit, hanging(exchange_id::bybit));
    marks.start(exchange_id::binance, answering(exchange_id::binance));
    io_.poll();
    EXPECT_EQ(reads_[exchange_id::bybit], 1);
    EXPECT_EQ(reads_[exchange_id::binance], 1);
    for (int period = 2; period <= 5; ++period) {
        clock_.advance(2000ms);
        io_.poll();
        EXPECT_EQ(reads_[exchange_id::binance], period);
        ASSERT_TRUE(cache_.mark(exchange_id::binance, btc)) << "Binance's marks stay fresh in the cache";
        EXPECT_EQ(cache_.mark(exchange_id::binance, btc)->mark_price, "60000"_d + tradebot::core::decimal::from_int(period));
    }
    EXPECT_EQ(reads_[exchange_id::bybit], 1) << "the hung read is still the one in flight";
    EXPECT_FALSE(cache_.mark(exchange_id::bybit, btc));

    marks.stop();
    io_.poll();
    EXPECT_FALSE(marks.idle()) << "Bybit's read is still in flight";
    hung_.cancel();
    io_.poll();
    EXPECT_TRUE(marks.idle());
    EXPECT_EQ(reads_[exchange_id::binance], 5) << "no read after stop()";
}

}  // namespace
