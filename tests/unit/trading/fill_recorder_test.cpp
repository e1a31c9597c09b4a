// The trades row made from one fill report (trading::fill_recorder::row_of).
#include <gtest/gtest.h>

#include "trading/fill_recorder.hpp"

namespace tradebot::trading {
namespace {

using namespace core::literals;

events::order_update fill_report() {
    events::order_update u;
    u.exchange = core::exchange_id::binance;
    u.symbol = core::symbol::from_string("BTCUSDT");
    u.exchange_order_id = "991";
    u.side = core::side::sell;
    u.status = events::order_status::partially_filled;
    u.filled_quantity = "0.020"_d;
    u.last_fill_quantity = "0.005"_d;
    u.last_fill_price = "61000.5"_d;
    u.fee = "0.0152501"_d;
    u.fee_asset = "USDT";
    u.realized_pnl = "-1.25"_d;
    u.exchange_ts = events::time_point{std::chrono::seconds{1767225600}};
    u.receive_ts = u.exchange_ts + std::chrono::milliseconds{3};
    return u;
}

TEST(fill_recorder, our_order_names_its_position_and_journal_row) {
    auto u = fill_report();
    u.client_order_id = core::client_order_id{42, core::order_purpose::stop, 1, false}.str();
    u.trade_id = "7001";
    const auto t = fill_recorder::row_of(u, core::mode::production, 99);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->position_id, 42);  // from the client id, not the live position
    EXPECT_EQ(t->client_order_id, u.client_order_id);
    EXPECT_EQ(t->exchange_trade_id, "7001");
    EXPECT_EQ(t->mode, core::mode::production);
    EXPECT_EQ(t->side, core::side::sell);
    EXPECT_EQ(t->quantity, "0.005"_d);
    EXPECT_EQ(t->price, "61000.5"_d);
    EXPECT_EQ(t->fee, "0.0152501"_d);
    EXPECT_EQ(t->fee_asset, "USDT");
    EXPECT_EQ(t->realized_pnl, "-1.25"_d);
    EXPECT_EQ(t->ts, u.exchange_ts);
}

TEST(fill_recorder, a_foreign_fill_takes_the_live_position_and_a_key_from_the_order) {
    auto u = fill_report();
    u.client_order_id = "web_manual_123";
    u.exchange_ts = {};
    const auto t = fill_recorder::row_of(u, core::mode::test, 99);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->position_id, 99);
    EXPECT_FALSE(t->client_order_id);
    // No venue trade id: the order and its cumulative fill, the same for a replayed report.
    EXPECT_EQ(t->exchange_trade_id, "991:0.02");
    EXPECT_EQ(t->ts, u.receive_ts);
    EXPECT_FALSE(fill_recorder::row_of(u, core::mode::test, std::nullopt)->position_id);
}

TEST(fill_recorder, a_report_without_a_fill_is_no_row) {
    auto u = fill_report();
    u.last_fill_quantity = {};
    EXPECT_FALSE(fill_recorder::row_of(u, core::mode::test, 1));
    u = fill_report();
    u.last_fill_price = {};
    EXPECT_FALSE(fill_recorder::row_of(u, core::mode::test, 1));
}

}  // namespace
}  // namespace tradebot::trading
