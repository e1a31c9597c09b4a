#include "tradebot/signals/wave_selector.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "unit/signals/signals_test_support.hpp"

namespace tradebot::signals {
namespace {

using core::exchange_id;
using test::make_signal;
using test::utc;

std::vector<std::int64_t> ids(const std::vector<signal>& v) {
    std::vector<std::int64_t> out;
    for (const auto& s : v)
        out.push_back(s.id);
    return out;
}

std::vector<std::pair<std::int64_t, skip_reason>> skipped(const exchange_selection& sel) {
    std::vector<std::pair<std::int64_t, skip_reason>> out;
    for (const auto& s : sel.skipped)
        out.emplace_back(s.sig.id, s.why.reason);
    return out;
}

wave_selector selector(int max_trades, int buffer, const char* min_week = "0", const char* min_month = "0") {
    return wave_selector{
        {.min_score_week = core::decimal::from_string(min_week),
         .min_score_month = core::decimal::from_string(min_month),
         .max_trades_per_wave = max_trades,
         .buffer_fixed = buffer}};
}

TEST(wave_selector, defaults_come_from_the_settings) {
    const auto o = wave_selector::from_settings(config::signals_settings{});
    EXPECT_EQ(o.max_trades_per_wave, 5);
    EXPECT_EQ(o.buffer_fixed, 3);
    EXPECT_EQ(o.min_score_week, core::decimal{});
}

TEST(wave_selector, ranks_by_score_sum_then_week_then_month_then_id) {
    const auto c = utc(0, 45);
    const std::vector<signal> in{
        make_signal(5, exchange_id::binance, "AUSDT", "10", "10", c),  // 20, week 10
        make_signal(4, exchange_id::binance, "BUSDT", "15", "5", c),   // 20, week 15
        make_signal(3, exchange_id::binance, "CUSDT", "30", "1", c),   // 31
        make_signal(2, exchange_id::binance, "DUSDT", "10", "10", c),  // 20, week 10, lower id
        make_signal(1, exchange_id::binance, "EUSDT", "1", "2", c),    // 3
    };
    const auto out = selector(10, 0).select(in);
    ASSERT_EQ(out.exchanges.size(), 1U);
    EXPECT_EQ(ids(out.exchanges[0].selected), (std::vector<std::int64_t>{3, 4, 2, 5, 1}));

    auto reversed = in;
    std::reverse(reversed.begin(), reversed.end());
    EXPECT_EQ(ids(selector(10, 0).select(reversed).exchanges[0].selected), (std::vector<std::int64_t>{3, 4, 2, 5, 1}));
}

TEST(wave_selector, equal_scores_fall_back_to_the_lower_id) {
    const auto c = utc(0, 45);
    auto a = make_signal(1, exchange_id::binance, "AUSDT", "10", "10", c);
    auto b = make_signal(2, exchange_id::binance, "BUSDT", "10.0", "10.00", c);  // same values, other scale
    EXPECT_TRUE(wave_selector::ranks_before(a, b));
    EXPECT_FALSE(wave_selector::ranks_before(b, a));
    EXPECT_FALSE(wave_selector::ranks_before(a, a));
}

TEST(wave_selector, keeps_only_the_newest_candle_per_exchange) {
    const std::vector<signal> in{
        make_signal(1, exchange_id::binance, "AUSDT", "50", "50", utc(0, 30)),
        make_signal(2, exchange_id::binance, "BUSDT", "1", "1", utc(0, 45)),
        make_signal(3, exchange_id::bybit, "AUSDT", "1", "1", utc(0, 30)),
    };
    const auto out = selector(5, 3).select(in);
    ASSERT_EQ(out.exchanges.size(), 2U);
    EXPECT_EQ(out.exchanges[0].exchange, exchange_id::binance);
    EXPECT_EQ(out.exchanges[0].candle_open, utc(0, 45));
    EXPECT_EQ(ids(out.exchanges[0].selected), (std::vector<std::int64_t>{2}));
    EXPECT_EQ(
        skipped(out.exchanges[0]), (std::vector<std::pair<std::int64_t, skip_reason>>{{1, skip_reason::older_candle}})
    );
    // Bybit's newest candle is its own, independent of Binance's.
    EXPECT_EQ(out.exchanges[1].exchange, exchange_id::bybit);
    EXPECT_EQ(out.exchanges[1].candle_open, utc(0, 30));
    EXPECT_EQ(ids(out.exchanges[1].selected), (std::vector<std::int64_t>{3}));
}

TEST(wave_selector, min_scores_are_inclusive) {
    const auto c = utc(0, 45);
    const std::vector<signal> in{
        make_signal(1, exchange_id::binance, "AUSDT", "50", "20", c),     // exactly at both minimums
        make_signal(2, exchange_id::binance, "BUSDT", "49.99", "90", c),  // week too low
        make_signal(3, exchange_id::binance, "CUSDT", "90", "19.9", c),   // month too low
    };
    const auto out = selector(5, 3, "50", "20").select(in);
    EXPECT_EQ(ids(out.exchanges[0].selected), (std::vector<std::int64_t>{1}));
    EXPECT_EQ(
        skipped(out.exchanges[0]),
        (std::vector<std::pair<std::int64_t, skip_reason>>{
            {2, skip_reason::below_min_score}, {3, skip_reason::below_min_score}})
    );
}

TEST(wave_selector, takes_max_trades_plus_buffer_and_marks_the_rest) {
    const auto c = utc(0, 45);
    std::vector<signal> in;
    for (int i = 1; i <= 5; ++i) {
        in.push_back(make_signal(i, exchange_id::bybit, "AUSDT", std::to_string(10 * i).c_str(), "0", c));
    }
    const auto out = selector(2, 1).select(in);
    const auto& sel = out.exchanges[0];
    EXPECT_EQ(sel.max_trades, 2);
    EXPECT_EQ(ids(sel.selected), (std::vector<std::int64_t>{5, 4, 3}));
    EXPECT_EQ(
        skipped(sel),
        (std::vector<std::pair<std::int64_t, skip_reason>>{
            {2, skip_reason::beyond_limit}, {1, skip_reason::beyond_limit}})
    );
}

TEST(wave_selector, filters_run_on_every_ranked_signal_before_the_limit) {
    // §11 #56: filtering only the top N left slots empty although lower signals were fine.
    const auto c = utc(0, 45);
    std::vector<signal> in;
    for (int i = 1; i <= 6; ++i) {
        in.push_back(make_signal(i, exchange_id::binance, "AUSDT", std::to_string(10 * i).c_str(), "0", c));
    }
    int calls = 0;
    const signal_filter no_top_two = [&](const signal& s) -> std::optional<skip> {
        ++calls;
        if (s.id >= 5)
            return skip{skip_reason::stop_list, "test"};
        return std::nullopt;
    };
    const auto out = selector(2, 1).select(in, no_top_two);
    EXPECT_EQ(calls, 6);
    EXPECT_EQ(ids(out.exchanges[0].selected), (std::vector<std::int64_t>{4, 3, 2}));
    EXPECT_EQ(
        skipped(out.exchanges[0]),
        (std::vector<std::pair<std::int64_t, skip_reason>>{
            {6, skip_reason::stop_list}, {5, skip_reason::stop_list}, {1, skip_reason::beyond_limit}})
    );
}

TEST(wave_selector, later_candles_are_deferred_to_their_own_wave) {
    const std::vector<signal> in{
        make_signal(1, exchange_id::binance, "AUSDT", "1", "1", utc(0, 45)),
        make_signal(2, exchange_id::binance, "BUSDT", "9", "9", utc(1, 0)),
    };
    const auto out = selector(5, 3).select(in, {}, utc(0, 45));
    EXPECT_EQ(ids(out.deferred), (std::vector<std::int64_t>{2}));
    ASSERT_EQ(out.exchanges.size(), 1U);
    EXPECT_EQ(ids(out.exchanges[0].selected), (std::vector<std::int64_t>{1}));
    EXPECT_TRUE(out.exchanges[0].skipped.empty());
}

TEST(wave_selector, an_empty_batch_selects_nothing) {
    const auto out = selector(5, 3).select({});
    EXPECT_TRUE(out.exchanges.empty());
    EXPECT_TRUE(out.deferred.empty());
}

}  // namespace
}  // namespace tradebot::signals
