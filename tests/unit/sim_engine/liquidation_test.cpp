#include "fixture.hpp"

namespace tradebot::sim::engine::test {
namespace {

class liquidation : public engine_test {};

TEST_F(liquidation, long_liquidation_price_follows_the_cross_wallet) {
    open(core::side::buy, "1"_d);  // 50000.1, wallet 9974.99995
    // (50000.1 - 9974.99995) / (1 - 0.004)
    EXPECT_EQ(ex_.position(key, btc)->liquidation_price, "40185.84342369"_d);
}

TEST_F(liquidation, long_is_liquidated_only_below_maintenance) {
    open(core::side::buy, "1"_d);
    ASSERT_TRUE(ex_.place_order(key, limit(core::side::buy, "0.01"_d, "39000"_d)).ok());
    ex_.drain_events();
    ex_.on_price(btc, at("40185.9"_d));  // margin balance 160.79995 >= maintenance 160.7436
    EXPECT_EQ(size(), "1"_d);
    EXPECT_TRUE(events_of<liquidation_event>().empty());
    ex_.on_price(btc, at("40185.8"_d));  // 160.69995 < 160.7432
    EXPECT_EQ(size(), "0"_d);
    const auto liq = events_of<liquidation_event>();
    ASSERT_EQ(liq.size(), 1U);
    EXPECT_EQ(liq[0].size, "1"_d);
    EXPECT_EQ(liq[0].price, "40185.8"_d);
    EXPECT_EQ(liq[0].mode, margin_mode::cross);
    EXPECT_EQ(wallet(), "160.69995"_d);
    EXPECT_TRUE(ex_.open_orders(key).empty());  // the venue cancels open orders first
}

TEST_F(liquidation, a_batch_of_prices_is_checked_for_liquidation_once_after_the_last) {
    open(core::side::buy, "1"_d);
    ex_.drain_events();
    // One instant of the feed: the liquidation pass sees the batch's final marks.
    ex_.on_prices({{btc, at("40185.8"_d)}, {btc, at("50000"_d)}});
    EXPECT_EQ(size(), "1"_d);
    EXPECT_TRUE(events_of<liquidation_event>().empty());
    ex_.on_prices({{btc, at("40185.8"_d)}});
    EXPECT_EQ(size(), "0"_d);
    EXPECT_EQ(events_of<liquidation_event>().size(), 1U);
}

TEST_F(liquidation, short_is_liquidated_when_the_mark_rises) {
    open(core::side::sell, "1"_d);  // 49999.9, wallet 9975.00005
    EXPECT_EQ(ex_.position(key, btc)->liquidation_price, "59735.9562251"_d);
    ex_.on_price(btc, at("59735.9"_d));
    EXPECT_EQ(size(), "-1"_d);
    ex_.on_price(btc, at("59736"_d));
    EXPECT_EQ(size(), "0"_d);
    EXPECT_EQ(events_of<liquidation_event>().size(), 1U);
}

TEST_F(liquidation, last_price_spikes_do_not_liquidate) {
    open(core::side::buy, "1"_d);
    ex_.on_price(btc, prices("50000"_d, "30000"_d, "29999.9"_d, "30000.1"_d));
    EXPECT_EQ(size(), "1"_d);
}

TEST_F(liquidation, isolated_position_risks_only_its_margin) {
    ASSERT_TRUE(ex_.set_margin_mode(key, btc, margin_mode::isolated).ok());
    open(core::side::buy, "0.1"_d);  // isolated margin 0.1 * 50000.1 / 10 = 500.001
    const auto view = *ex_.position(key, btc);
    EXPECT_EQ(view.isolated_margin, "500.001"_d);
    EXPECT_EQ(view.liquidation_price, "45180.81325301"_d);  // 4500.009 / 0.0996
    ex_.on_price(btc, at("45180.9"_d));
    EXPECT_EQ(size(), "0.1"_d);
    ex_.on_price(btc, at("45180.8"_d));
    EXPECT_EQ(size(), "0"_d);
    ASSERT_EQ(events_of<liquidation_event>().size(), 1U);
    EXPECT_EQ(events_of<liquidation_event>()[0].mode, margin_mode::isolated);
}

TEST_F(liquidation, cross_loss_beyond_the_wallet_is_absorbed) {
    open(core::side::buy, "1"_d);
    ex_.on_price(btc, at("30000"_d));  // a gap far through the liquidation price
    EXPECT_EQ(size(), "0"_d);
    EXPECT_EQ(wallet(), "0"_d);
}

}  // namespace
}  // namespace tradebot::sim::engine::test

namespace tradebot::sim::engine::test {
namespace {

class isolated_gap : public engine_test {};

TEST_F(isolated_gap, loss_beyond_the_isolated_margin_is_absorbed) {
    ASSERT_TRUE(ex_.set_margin_mode(key, btc, margin_mode::isolated).ok());
    open(core::side::buy, "0.1"_d);  // wallet 9997.499995, isolated margin 500.001
    ex_.on_price(btc, at("30000"_d));  // the loss at mark (2000.01) exceeds the margin
    EXPECT_EQ(size(), "0"_d);
    EXPECT_EQ(wallet(), "9497.498995"_d);
}

}  // namespace
}  // namespace tradebot::sim::engine::test
