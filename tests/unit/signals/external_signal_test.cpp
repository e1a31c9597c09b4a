#include <gtest/gtest.h>

#include "tradebot/signals/external_signal.hpp"

namespace tradebot::signals {
namespace {

// A row as the adapter reads the original's fas.scoring_history (original-bot.md §2.1): numeric
// id, venue number or name, float scores, a naive timestamp meaning UTC.
raw_signal fas_row() {
    raw_signal r;
    r.source = "external";
    r.external_id = "1042";
    r.exchange = "binance";
    r.symbol = "SOLUSDT";
    r.side = "BUY";
    r.score_week = "71.5";
    r.score_month = "82";
    r.candle_time = "2026-01-01 00:45:00";
    return r;
}

TEST(validate_external, accepts_a_scoring_row_without_id_or_received_at) {
    const auto v = validate_external(fas_row());
    ASSERT_TRUE(v.has_value()) << v.error().message;
    EXPECT_EQ(v->id, 0);
    EXPECT_EQ(v->source, "external");
    EXPECT_EQ(v->external_id, "1042");
    EXPECT_EQ(v->exchange, core::exchange_id::binance);
    EXPECT_EQ(v->symbol.str(), "SOLUSDT");
    EXPECT_EQ(v->side, core::side::buy);
    EXPECT_EQ(v->score_week, core::decimal::from_string("71.5"));
    EXPECT_EQ(v->candle_time, time_point{std::chrono::seconds{1'767'225'600 + 45 * 60}});
}

TEST(validate_external, maps_the_original_vocabulary) {
    auto r = fas_row();
    r.exchange = "2";
    r.side = " short ";
    r.symbol = "ETH/USDT:USDT";
    r.external_id = "  77 ";
    const auto v = validate_external(r);
    ASSERT_TRUE(v.has_value()) << v.error().message;
    EXPECT_EQ(v->exchange, core::exchange_id::bybit);
    EXPECT_EQ(v->side, core::side::sell);
    EXPECT_EQ(v->symbol.str(), "ETHUSDT");
    EXPECT_EQ(v->external_id, "77");
}

TEST(validate_external, needs_the_external_id) {
    auto r = fas_row();
    r.external_id.reset();
    EXPECT_EQ(validate_external(r).error().reason, reject_reason::missing_external_id);
    r.external_id = "   ";
    const auto blank = validate_external(r);
    ASSERT_FALSE(blank.has_value());
    EXPECT_EQ(blank.error().reason, reject_reason::missing_external_id);
    EXPECT_EQ(to_string(blank.error().reason), "missing_external_id");
}

TEST(validate_external, needs_a_source) {
    auto r = fas_row();
    r.source = " ";
    EXPECT_EQ(validate_external(r).error().reason, reject_reason::bad_source);
}

TEST(validate_external, rejects_each_bad_field_with_its_reason_and_the_value) {
    struct bad_case {
        void (*spoil)(raw_signal&);
        reject_reason reason;
        const char* quoted;
    };
    const bad_case cases[] = {
        {[](raw_signal& r) { r.exchange = "unknown"; }, reject_reason::bad_exchange, "'unknown'"},
        {[](raw_signal& r) { r.exchange = "3"; }, reject_reason::bad_exchange, "'3'"},
        {[](raw_signal& r) { r.symbol = ""; }, reject_reason::bad_symbol, "''"},
        {[](raw_signal& r) { r.side = "NO_TRADE"; }, reject_reason::bad_side, "'NO_TRADE'"},
        {[](raw_signal& r) { r.score_week.reset(); }, reject_reason::missing_score, "score_week"},
        {[](raw_signal& r) { r.score_month = "NaN"; }, reject_reason::bad_score, "'NaN'"},
        {[](raw_signal& r) { r.candle_time.reset(); }, reject_reason::missing_candle_time, "candle_time"},
        {[](raw_signal& r) { r.candle_time = "2026-01-01 00:46:00"; }, reject_reason::bad_candle_time,
         "'2026-01-01 00:46:00'"},
    };
    for (const auto& c : cases) {
        auto r = fas_row();
        c.spoil(r);
        const auto v = validate_external(r);
        ASSERT_FALSE(v.has_value()) << c.quoted;
        EXPECT_EQ(v.error().reason, c.reason) << c.quoted;
        EXPECT_NE(v.error().message.find(c.quoted), std::string::npos) << v.error().message;
    }
}

TEST(validate_external, first_failure_wins_in_field_order) {
    auto r = fas_row();
    r.external_id.reset();
    r.exchange = "kraken";
    EXPECT_EQ(validate_external(r).error().reason, reject_reason::missing_external_id);
    r.external_id = "1";
    r.side = "HOLD";
    EXPECT_EQ(validate_external(r).error().reason, reject_reason::bad_exchange);
}

TEST(validate, a_stored_row_still_needs_id_and_received_at) {
    // The shared field checks did not loosen validate(): id and received_at are still judged.
    auto r = fas_row();
    r.id = 0;
    r.received_at = "2026-01-01 01:00:00+00";
    EXPECT_EQ(validate(r).error().reason, reject_reason::bad_id);
    r.id = 5;
    r.received_at = "yesterday";
    EXPECT_EQ(validate(r).error().reason, reject_reason::bad_received_at);
    r.received_at = "2026-01-01 01:00:00+00";
    EXPECT_TRUE(validate(r).has_value());
}

}  // namespace
}  // namespace tradebot::signals
