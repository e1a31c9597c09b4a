// app::quote_feed: the spread check's quote comes from the streams while it is fresh; REST is read
// only for a missing or stale quote, and only when the caller waits (trading.block_on_spread).
#include "app/quote_feed.hpp"

#include <chrono>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

namespace tradebot::app {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace core::literals;
using pipeline::quote_wait;

const auto btc = core::symbol::from_string("BTCUSDT");

class quote_feed_test : public ::testing::Test {
protected:
    void SetUp() override { feed_.follow(router_, io_.get_executor()); }

    // A quote as a venue's public stream publishes it, delivered.
    void stream(core::exchange_id venue, core::decimal bid, core::decimal ask) {
        events::book_top q{venue, btc, bid, ask, clock_.now(), clock_.now()};
        router_.topic<events::book_top>(events::topic_name::book_top,
                                        events::policy::coalesce_by_key{events::by_venue_symbol{}})
            .publish(q);
        settle();
    }

    void settle() {
        io_.restart();
        io_.poll();
    }

    exchange::result<exchange::book_top_state> ask(core::exchange_id venue, quote_wait wait) {
        const quote_feed::rest_read read = [this]() -> asio::awaitable<exchange::result<exchange::book_top_state>> {
            ++rest_calls_;
            if (rest_fails_) {
                exchange::error e;
                e.message = "rest down (test)";
                co_return e;
            }
            co_return exchange::book_top_state{btc, "59000"_d, "59010"_d, clock_.now_ms()};
        };
        auto done = asio::co_spawn(io_, feed_.quote(venue, btc, wait, read), asio::use_future);
        settle();
        EXPECT_EQ(done.wait_for(0s), std::future_status::ready);
        return done.get();
    }

    asio::io_context io_;
    core::manual_clock clock_;
    prometheus::Registry registry_;
    events::router router_{registry_};
    venue_cache cache_{clock_, 3000ms, 5000ms};
    quote_feed feed_{cache_};
    int rest_calls_ = 0;
    bool rest_fails_ = false;
};

TEST_F(quote_feed_test, a_fresh_streamed_quote_is_used_without_rest_in_either_mode) {
    stream(core::exchange_id::binance, "59999.9"_d, "60000.1"_d);
    EXPECT_EQ(feed_.streamed(), 1u);
    for (const auto wait : {quote_wait::cached_only, quote_wait::read}) {
        const auto q = ask(core::exchange_id::binance, wait);
        ASSERT_TRUE(q);
        EXPECT_EQ(q->bid, "59999.9"_d);
        EXPECT_EQ(q->ask, "60000.1"_d);
    }
    clock_.advance(2999ms);
    EXPECT_TRUE(ask(core::exchange_id::binance, quote_wait::read)) << "younger than mark_cache_ms";
    stream(core::exchange_id::binance, "60000.0"_d, "60000.2"_d);
    EXPECT_EQ(ask(core::exchange_id::binance, quote_wait::read)->ask, "60000.2"_d) << "the newest quote wins";
    EXPECT_EQ(rest_calls_, 0);
    EXPECT_EQ(feed_.rest_reads(), 0u);
}

TEST_F(quote_feed_test, a_stale_or_missing_quote_is_unknown_at_once_when_the_caller_does_not_wait) {
    EXPECT_FALSE(ask(core::exchange_id::binance, quote_wait::cached_only)) << "nothing streamed yet";
    stream(core::exchange_id::bybit, "59999.9"_d, "60000.1"_d);
    EXPECT_FALSE(ask(core::exchange_id::binance, quote_wait::cached_only)) << "quotes are per venue";
    clock_.advance(3000ms);
    EXPECT_FALSE(ask(core::exchange_id::bybit, quote_wait::cached_only)) << "3 s old: stale";
    EXPECT_EQ(rest_calls_, 0) << "no REST read unless the caller waits";
}

TEST_F(quote_feed_test, a_stale_quote_falls_back_to_one_rest_read_when_the_caller_waits) {
    stream(core::exchange_id::binance, "59999.9"_d, "60000.1"_d);
    clock_.advance(3000ms);
    const auto q = ask(core::exchange_id::binance, quote_wait::read);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->bid, "59000"_d) << "the REST answer, not the stale stream quote";
    EXPECT_EQ(rest_calls_, 1);
    EXPECT_TRUE(ask(core::exchange_id::binance, quote_wait::cached_only)) << "the REST answer is cached";
    EXPECT_EQ(rest_calls_, 1);

    clock_.advance(3000ms);
    rest_fails_ = true;
    EXPECT_FALSE(ask(core::exchange_id::binance, quote_wait::read)) << "a failed fallback is an error, not a stale quote";
    EXPECT_EQ(rest_calls_, 2);
    EXPECT_EQ(feed_.rest_reads(), 2u);
}

TEST_F(quote_feed_test, a_one_sided_streamed_book_is_not_a_quote) {
    stream(core::exchange_id::bybit, "0"_d, "60000.1"_d);
    EXPECT_FALSE(ask(core::exchange_id::bybit, quote_wait::cached_only));
    feed_.stop();
    stream(core::exchange_id::bybit, "59999.9"_d, "60000.1"_d);
    EXPECT_FALSE(ask(core::exchange_id::bybit, quote_wait::cached_only)) << "stopped: no longer followed";
}

}  // namespace
}  // namespace tradebot::app
