#include "tradebot/signals/signal.hpp"

#include <set>

#include <gtest/gtest.h>

#include "unit/signals/signals_test_support.hpp"

namespace tradebot::signals {
namespace {

using namespace core::literals;
using test::good_raw;
using test::utc;

reject rejected(const raw_signal& raw) {
    const auto r = validate(raw);
    EXPECT_FALSE(r.has_value());
    return r.has_value() ? reject{} : r.error();
}

TEST(signal_validate, good_row_has_every_field_typed) {
    const auto r = validate(good_raw());
    ASSERT_TRUE(r.has_value()) << r.error().message;
    const signal& s = *r;
    EXPECT_EQ(s.id, 7);
    EXPECT_EQ(s.source, "fas");
    EXPECT_EQ(s.external_id, "ext-123");
    EXPECT_EQ(s.exchange, core::exchange_id::binance);
    EXPECT_EQ(s.symbol, core::symbol::from_string("BTCUSDT"));
    EXPECT_EQ(s.side, core::side::buy);
    EXPECT_EQ(s.score_week, "12.5"_d);
    EXPECT_EQ(s.score_month, "40"_d);
    EXPECT_EQ(s.score(), "52.5"_d);
    EXPECT_EQ(s.candle_time, utc(0, 45));
    EXPECT_EQ(s.wave_time, utc(1, 5));
    EXPECT_EQ(s.received_at, utc(1, 4, 59) + std::chrono::milliseconds{500});
}

TEST(signal_validate, accepts_the_original_producers_spellings) {
    auto raw = good_raw();
    raw.exchange = " Bybit ";
    raw.symbol = "btc/usdt:USDT";
    raw.side = "long";
    raw.candle_time = "2026-01-01T00:45:00";  // the WS server's ISO without an offset is UTC
    raw.wave_time.reset();
    raw.external_id.reset();
    auto r = validate(raw);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->exchange, core::exchange_id::bybit);
    EXPECT_EQ(r->symbol.view(), "BTCUSDT");
    EXPECT_EQ(r->side, core::side::buy);
    EXPECT_EQ(r->candle_time, utc(0, 45));
    EXPECT_FALSE(r->wave_time.has_value());
    EXPECT_FALSE(r->external_id.has_value());

    raw.side = "SHORT";
    raw.exchange = "1";
    EXPECT_EQ(validate(raw)->side, core::side::sell);
    EXPECT_EQ(validate(raw)->exchange, core::exchange_id::binance);
    raw.side = "Sell";
    raw.exchange = "2";
    EXPECT_EQ(validate(raw)->side, core::side::sell);
    EXPECT_EQ(validate(raw)->exchange, core::exchange_id::bybit);
}

TEST(signal_validate, scores_are_not_capped_at_100) {
    // The original's 0..100 cap refused V3 scores up to 999 (original-bot.md §11 #64).
    auto raw = good_raw();
    raw.score_week = "999";
    raw.score_month = "-3.25";
    const auto r = validate(raw);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->score(), "995.75"_d);
}

TEST(signal_validate, candle_time_with_an_offset_is_converted_to_utc) {
    auto raw = good_raw();
    raw.candle_time = "2026-01-01 06:15:00+05:30";
    ASSERT_TRUE(validate(raw).has_value());
    EXPECT_EQ(validate(raw)->candle_time, utc(0, 45));
}

TEST(signal_validate, bad_id_and_source) {
    auto raw = good_raw();
    raw.id = 0;
    EXPECT_EQ(rejected(raw).reason, reject_reason::bad_id);
    raw = good_raw();
    raw.source = "  ";
    EXPECT_EQ(rejected(raw).reason, reject_reason::bad_source);
}

TEST(signal_validate, bad_exchange_names_the_text) {
    for (const char* text : {"okx", "", "paper", "3", "binance futures"}) {
        auto raw = good_raw();
        raw.exchange = text;
        const auto e = rejected(raw);
        EXPECT_EQ(e.reason, reject_reason::bad_exchange) << text;
        EXPECT_NE(e.message.find(std::string{"'"} + text + "'"), std::string::npos) << e.message;
    }
}

TEST(signal_validate, bad_symbol) {
    for (const char* text : {"", "BTC/", "BTC USDT", "/USDT", "ÄBCUSDT", "A123456789012345678901234USDT"}) {
        auto raw = good_raw();
        raw.symbol = text;
        EXPECT_EQ(rejected(raw).reason, reject_reason::bad_symbol) << text;
    }
}

TEST(signal_validate, no_trade_and_junk_sides_are_bad_side) {
    for (const char* text : {"NO_TRADE", "", "buy!", "hold"}) {
        auto raw = good_raw();
        raw.side = text;
        EXPECT_EQ(rejected(raw).reason, reject_reason::bad_side) << text;
    }
}

TEST(signal_validate, missing_and_bad_scores) {
    auto raw = good_raw();
    raw.score_week.reset();
    auto e = rejected(raw);
    EXPECT_EQ(e.reason, reject_reason::missing_score);
    EXPECT_EQ(e.message, "score_week is missing");

    raw = good_raw();
    raw.score_month.reset();
    EXPECT_EQ(rejected(raw).message, "score_month is missing");

    for (const char* text : {"abc", "NaN", "Infinity", "", "1.2.3"}) {
        raw = good_raw();
        raw.score_month = text;
        e = rejected(raw);
        EXPECT_EQ(e.reason, reject_reason::bad_score) << text;
    }
}

TEST(signal_validate, scores_whose_sum_overflows_are_bad_score_not_an_exception) {
    auto raw = good_raw();
    raw.score_week = "9000000000000000000";
    raw.score_month = "9000000000000000000";
    const auto e = rejected(raw);
    EXPECT_EQ(e.reason, reject_reason::bad_score);
    EXPECT_NE(e.message.find("out of range"), std::string::npos);
}

TEST(signal_validate, candle_time_missing_unparseable_or_off_the_grid) {
    auto raw = good_raw();
    raw.candle_time.reset();
    EXPECT_EQ(rejected(raw).reason, reject_reason::missing_candle_time);

    raw.candle_time = "yesterday";
    EXPECT_EQ(rejected(raw).reason, reject_reason::bad_candle_time);

    raw.candle_time = "2026-01-01 00:46:00+00";
    const auto e = rejected(raw);
    EXPECT_EQ(e.reason, reject_reason::bad_candle_time);
    EXPECT_NE(e.message.find("15-minute"), std::string::npos);

    raw.candle_time = "2026-01-01 00:45:00.001+00";
    EXPECT_EQ(rejected(raw).reason, reject_reason::bad_candle_time);
}

TEST(signal_validate, bad_wave_time_and_received_at) {
    auto raw = good_raw();
    raw.wave_time = "2026-13-01 00:00:00";
    EXPECT_EQ(rejected(raw).reason, reject_reason::bad_wave_time);
    raw = good_raw();
    raw.received_at = "";
    EXPECT_EQ(rejected(raw).reason, reject_reason::bad_received_at);
}

TEST(signal_validate, first_bad_field_in_row_order_wins) {
    auto raw = good_raw();
    raw.exchange = "okx";
    raw.side = "NO_TRADE";
    raw.candle_time.reset();
    EXPECT_EQ(rejected(raw).reason, reject_reason::bad_exchange);
}

TEST(signal_validate, long_junk_is_quoted_bounded) {
    auto raw = good_raw();
    raw.side = std::string(1000, 'x');
    const auto e = rejected(raw);
    EXPECT_LT(e.message.size(), 150U);
    EXPECT_NE(e.message.find("...'"), std::string::npos);
}

TEST(signal_validate, reason_names_are_distinct_machine_codes) {
    std::set<std::string_view> names;
    for (int i = 0; i <= static_cast<int>(reject_reason::bad_received_at); ++i) {
        const auto name = to_string(static_cast<reject_reason>(i));
        EXPECT_NE(name, "unknown");
        EXPECT_EQ(name.find(' '), std::string_view::npos);
        names.insert(name);
    }
    EXPECT_EQ(names.size(), 11U);
    EXPECT_EQ(to_string(reject_reason::missing_candle_time), "missing_candle_time");
}

TEST(timestamp, accepts_postgres_and_iso_forms) {
    EXPECT_EQ(parse_timestamp("2026-01-01 00:45:00+00"), utc(0, 45));
    EXPECT_EQ(parse_timestamp("2026-01-01T00:45:00Z"), utc(0, 45));
    EXPECT_EQ(parse_timestamp("2026-01-01T00:45:00+00:00"), utc(0, 45));
    EXPECT_EQ(parse_timestamp("2026-01-01 00:45"), utc(0, 45));
    EXPECT_EQ(parse_timestamp("2025-12-31 21:45:00-0300"), utc(0, 45));
    EXPECT_EQ(parse_timestamp("2025-12-31 21:45:00-03"), utc(0, 45));
    EXPECT_EQ(parse_timestamp("2026-01-01 00:45:00.123456789+00"), utc(0, 45) + std::chrono::nanoseconds{123456789});
    EXPECT_EQ(parse_timestamp("2026-01-01 00:45:00.5"), utc(0, 45) + std::chrono::milliseconds{500});
    EXPECT_EQ(parse_timestamp("2024-02-29 00:00:00"), time_point{std::chrono::seconds{1'709'164'800}});
}

TEST(timestamp, prints_to_the_microsecond_and_reads_back_what_it_printed) {
    // tests/fuzz/signal_validate.cpp found the fraction dropped: fmt 9 printed "...00:46:01Z".
    const auto t = parse_timestamp("2026-01-01 00:46:01.5+00");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_timestamp(*t), "2026-01-01T00:46:01.500000Z");
    EXPECT_EQ(parse_timestamp(format_timestamp(*t)), t);
    const auto nanos = utc(0, 45) + std::chrono::nanoseconds{123'456'789};
    EXPECT_EQ(format_timestamp(nanos), "2026-01-01T00:45:00.123456Z");
    EXPECT_EQ(parse_timestamp(format_timestamp(nanos)), utc(0, 45) + std::chrono::microseconds{123'456});
    EXPECT_EQ(format_timestamp(utc(0, 45)), "2026-01-01T00:45:00Z");
}

TEST(timestamp, refuses_what_is_not_a_time) {
    for (const char* text :
         {"",
          "infinity",
          "2026-01-01",
          "2026-02-30 00:00:00",
          "2026-01-01 24:00:00",
          "2026-01-01 00:60:00",
          "2026-01-01 00:00:00.",
          "2026-01-01 00:00:00.1234567891",
          "2026-01-01 00:00:00+",
          "2026-01-01 00:00:00 UTC",
          "2026-01-01 00:00:00+16",
          "1969-12-31 23:59:59",
          "9999-01-01 00:00:00",
          "2026-1-01 00:00:00"}) {
        EXPECT_FALSE(parse_timestamp(text).has_value()) << text;
    }
}

}  // namespace
}  // namespace tradebot::signals
