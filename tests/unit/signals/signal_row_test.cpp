#include <gtest/gtest.h>

#include "tradebot/db/signal_repository.hpp"
#include "tradebot/signals/filter_chain.hpp"
#include "tradebot/signals/signal.hpp"
#include "unit/signals/signals_test_support.hpp"

namespace tradebot::signals {
namespace {

using namespace core::literals;
using test::good_raw;
using test::utc;

// good_raw() as the signals table gives it: text columns as text, times typed.
db::signal_row good_row() {
    const auto raw = good_raw();
    db::signal_row row;
    row.id = raw.id;
    row.source = raw.source;
    row.external_id = raw.external_id;
    row.exchange = raw.exchange;
    row.symbol = raw.symbol;
    row.side = raw.side;
    row.score_week = raw.score_week;
    row.score_month = raw.score_month;
    row.candle_time = utc(0, 45);
    row.wave_time = utc(1, 5);
    row.received_at = utc(1, 4, 59) + std::chrono::milliseconds{500};
    return row;
}

TEST(signal_row_validate, a_typed_row_gives_the_signal_its_text_form_gives) {
    const auto from_row = validate(good_row());
    const auto from_text = validate(good_raw());
    ASSERT_TRUE(from_row.has_value());
    ASSERT_TRUE(from_text.has_value());
    EXPECT_EQ(from_row->id, from_text->id);
    EXPECT_EQ(from_row->source, from_text->source);
    EXPECT_EQ(from_row->external_id, from_text->external_id);
    EXPECT_EQ(from_row->exchange, from_text->exchange);
    EXPECT_EQ(from_row->symbol, from_text->symbol);
    EXPECT_EQ(from_row->side, from_text->side);
    EXPECT_EQ(from_row->score_week, from_text->score_week);
    EXPECT_EQ(from_row->score_month, from_text->score_month);
    EXPECT_EQ(from_row->candle_time, from_text->candle_time);
    EXPECT_EQ(from_row->wave_time, from_text->wave_time);
    EXPECT_EQ(from_row->received_at, from_text->received_at);
}

TEST(signal_row_validate, the_text_columns_are_checked_as_in_a_raw_row) {
    auto row = good_row();
    row.exchange = "kraken";
    ASSERT_FALSE(validate(row).has_value());
    EXPECT_EQ(validate(row).error().reason, reject_reason::bad_exchange);
    row = good_row();
    row.score_month.reset();
    EXPECT_EQ(validate(row).error().reason, reject_reason::missing_score);
    row = good_row();
    row.id = 0;
    EXPECT_EQ(validate(row).error().reason, reject_reason::bad_id);
}

TEST(signal_row_validate, a_candle_off_the_15_minute_grid_or_missing_is_rejected) {
    auto row = good_row();
    row.candle_time = utc(0, 44);
    const auto off = validate(row);
    ASSERT_FALSE(off.has_value());
    EXPECT_EQ(off.error().reason, reject_reason::bad_candle_time);
    EXPECT_EQ(off.error().message,
              "candle_time '2026-01-01T00:44:00Z' is not the open of a 15-minute candle");
    row.candle_time.reset();
    EXPECT_EQ(validate(row).error().reason, reject_reason::missing_candle_time);
}

TEST(signal_row_validate, times_outside_what_a_text_timestamp_may_say_are_rejected) {
    auto row = good_row();
    row.received_at = time_point{} - std::chrono::hours{24};
    EXPECT_EQ(validate(row).error().reason, reject_reason::bad_received_at);
    row = good_row();
    row.wave_time = time_point{std::chrono::hours{24 * 366 * 240}};
    EXPECT_EQ(validate(row).error().reason, reject_reason::bad_wave_time);
}

TEST(filter_chain_halves, check_is_the_instrument_half_then_the_market_half) {
    config::settings settings;
    settings.risk.max_positions = 2;
    const filter_chain chain{settings};
    const instrument_key eth_key{core::exchange_id::binance, core::symbol::from_string("ETHUSDT")};
    exchange::instrument_rules rules;
    rules.symbol = eth_key.symbol;
    rules.step_size = "0.001"_d;
    rules.min_qty = "0.001"_d;
    rules.min_notional = "20"_d;
    const auto s = test::make_signal(1, core::exchange_id::binance, "ETHUSDT", "1", "1", utc(0));

    market_snapshot snap;
    snap.instruments[eth_key] = rules;
    snap.market[eth_key].price = "2000"_d;
    // Without the market numbers: the first half passes, the second names the missing datum.
    EXPECT_FALSE(chain.check_instrument(s, snap));
    ASSERT_TRUE(chain.check_market_and_slots(s, snap));
    EXPECT_EQ(chain.check(s, snap)->reason, skip_reason::no_market_data);

    snap.market[eth_key].open_interest_usdt = "5000000"_d;
    snap.market[eth_key].volume_1h_usdt = "100000"_d;
    snap.market[eth_key].price_change_5min_percent = "0"_d;
    EXPECT_FALSE(chain.check(s, snap));
    EXPECT_FALSE(chain.check_positions(s, snap));

    // Positions taken since: only the position steps need to run again.
    snap.open_positions.insert({core::exchange_id::bybit, core::symbol::from_string("BTCUSDT")});
    snap.open_positions.insert({core::exchange_id::bybit, core::symbol::from_string("SOLUSDT")});
    EXPECT_EQ(chain.check_positions(s, snap)->reason, skip_reason::max_positions);
    snap.open_positions.insert(eth_key);
    EXPECT_EQ(chain.check_positions(s, snap)->reason, skip_reason::already_open);
    EXPECT_EQ(chain.check(s, snap)->reason, skip_reason::already_open);
}

}  // namespace
}  // namespace tradebot::signals
