#include "app/venue_cache.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using namespace tradebot::core::literals;
using tradebot::app::venue_cache;
using tradebot::core::exchange_id;
namespace ex = tradebot::exchange;

const auto btc = tradebot::core::symbol::from_string("BTCUSDT");
const auto eth = tradebot::core::symbol::from_string("ETHUSDT");

std::vector<ex::balance_state> usdt(tradebot::core::decimal available) {
    ex::balance_state b;
    b.asset = "USDT";
    b.available = available;
    return {b};
}

TEST(venue_cache, a_mark_is_used_until_it_is_as_old_as_the_limit) {
    tradebot::core::manual_clock clock;
    venue_cache cache{clock, 3000ms, 5000ms};
    cache.put_mark(exchange_id::binance, {btc, "60000.1"_d, 1});
    ASSERT_TRUE(cache.mark(exchange_id::binance, btc));
    EXPECT_EQ(cache.mark(exchange_id::binance, btc)->mark_price, "60000.1"_d);
    EXPECT_FALSE(cache.mark(exchange_id::bybit, btc)) << "marks are per venue";
    EXPECT_FALSE(cache.mark(exchange_id::binance, eth));
    clock.advance(2999ms);
    EXPECT_TRUE(cache.mark(exchange_id::binance, btc));
    clock.advance(1ms);
    EXPECT_FALSE(cache.mark(exchange_id::binance, btc)) << "3 s old: read again";
    cache.put_mark(exchange_id::binance, {btc, "60100"_d, 2});
    EXPECT_EQ(cache.mark(exchange_id::binance, btc)->mark_price, "60100"_d) << "a newer put restarts the age";
}

TEST(venue_cache, a_zero_limit_caches_nothing_and_no_non_positive_mark_is_kept) {
    tradebot::core::manual_clock clock;
    venue_cache off{clock, 0ms, 0ms};
    off.put_mark(exchange_id::binance, {btc, "60000"_d, 1});
    off.put_balances(exchange_id::binance, usdt("100"_d), 0, 0);
    EXPECT_FALSE(off.mark(exchange_id::binance, btc));
    EXPECT_EQ(off.balances(exchange_id::binance, 0), nullptr);

    venue_cache on{clock, 3000ms, 5000ms};
    on.put_mark(exchange_id::binance, {btc, "0"_d, 1});
    EXPECT_FALSE(on.mark(exchange_id::binance, btc));
}

TEST(venue_cache, a_best_bid_ask_is_kept_as_long_as_a_mark_and_only_when_two_sided) {
    tradebot::core::manual_clock clock;
    venue_cache cache{clock, 3000ms, 5000ms};
    cache.put_book(exchange_id::bybit, {btc, "59999.9"_d, "60000.1"_d, 1});
    ASSERT_TRUE(cache.book(exchange_id::bybit, btc));
    EXPECT_EQ(cache.book(exchange_id::bybit, btc)->ask, "60000.1"_d);
    EXPECT_FALSE(cache.book(exchange_id::binance, btc)) << "books are per venue";
    clock.advance(3000ms);
    EXPECT_FALSE(cache.book(exchange_id::bybit, btc)) << "3 s old: read again";
    cache.put_book(exchange_id::bybit, {eth, "0"_d, "3000"_d, 2});
    cache.put_book(exchange_id::bybit, {eth, "3001"_d, "3000"_d, 2});
    EXPECT_FALSE(cache.book(exchange_id::bybit, eth)) << "a one-sided or crossed book is not kept";
}

TEST(venue_cache, balances_miss_after_the_limit_a_close_or_an_entry) {
    tradebot::core::manual_clock clock;
    venue_cache cache{clock, 3000ms, 5000ms};
    cache.put_balances(exchange_id::bybit, usdt("250.5"_d), 7, 0);
    const auto* b = cache.balances(exchange_id::bybit, 7);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->front().available, "250.5"_d);
    EXPECT_EQ(cache.balances(exchange_id::binance, 7), nullptr);
    EXPECT_EQ(cache.balances(exchange_id::bybit, 8), nullptr) << "a close was written since the read";
    clock.advance(4999ms);
    EXPECT_NE(cache.balances(exchange_id::bybit, 7), nullptr);
    clock.advance(1ms);
    EXPECT_EQ(cache.balances(exchange_id::bybit, 7), nullptr);
    cache.put_balances(exchange_id::bybit, usdt("200"_d), 7, 0);
    cache.forget_balances(exchange_id::bybit);
    EXPECT_EQ(cache.balances(exchange_id::bybit, 7), nullptr) << "an entry went out";
}

TEST(venue_cache, an_entry_is_debited_at_once_and_a_read_it_overtook_is_dropped) {
    tradebot::core::manual_clock clock;
    venue_cache cache{clock, 3000ms, 5000ms};
    cache.put_balances(exchange_id::binance, usdt("1000"_d), 0, cache.debits(exchange_id::binance));
    const auto before_entry = cache.debits(exchange_id::binance);  // a read starts here
    cache.debit_balance(exchange_id::binance, "USDT", "20.012"_d);
    ASSERT_NE(cache.balances(exchange_id::binance, 0), nullptr);
    EXPECT_EQ(cache.balances(exchange_id::binance, 0)->front().available, "979.988"_d);
    cache.put_balances(exchange_id::binance, usdt("1000"_d), 0, before_entry);  // that read answers
    EXPECT_EQ(cache.balances(exchange_id::binance, 0)->front().available, "979.988"_d)
        << "the answer may predate the entry's fill: the debited figure stays";
    cache.put_balances(exchange_id::binance, usdt("979.5"_d), 0, cache.debits(exchange_id::binance));
    EXPECT_EQ(cache.balances(exchange_id::binance, 0)->front().available, "979.5"_d) << "a later read wins";
    EXPECT_TRUE(cache.balances_younger_than(exchange_id::binance, 1ms));
    clock.advance(2500ms);
    EXPECT_FALSE(cache.balances_younger_than(exchange_id::binance, 2500ms)) << "time to read it again";
    EXPECT_TRUE(cache.balances_younger_than(exchange_id::binance, 2501ms));
    cache.debit_balance(exchange_id::bybit, "USDT", "5"_d);
    EXPECT_EQ(cache.balances(exchange_id::bybit, 0), nullptr) << "nothing to debit: still unknown";
}

}  // namespace
