#include "tradebot/sim/engine/venue_errors.hpp"

#include "fixture.hpp"

namespace tradebot::sim::engine::test {
namespace {

class trading_stops : public engine_test {
protected:
    trading_stops() : engine_test(venue::bybit) {}

    static trading_stop_request sl(decimal price, working_type by = working_type::last) {
        trading_stop_request r;
        r.symbol = btc;
        r.stop_loss = price;
        r.sl_trigger_by = by;
        return r;
    }
};

TEST_F(trading_stops, zero_position_is_rejected) {
    EXPECT_EQ(ex_.set_trading_stop(key, sl("49000"_d)).reason(), reject_reason::zero_position);
}

TEST_F(trading_stops, long_stop_loss_above_base_price_is_rejected_with_the_bybit_message) {
    open(core::side::buy, "0.1"_d);
    const auto e = ex_.set_trading_stop(key, sl("50500"_d));
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.reason(), reject_reason::stop_loss_wrong_side);
    const auto wire = to_bybit_error(e.error());
    EXPECT_EQ(wire.ret_code, 10001);
    EXPECT_EQ(wire.message,
              "StopLoss:5050000000000 set for Buy position should lower than base_price:5000000000000??LastPrice");
}

TEST_F(trading_stops, short_stop_loss_below_base_price_is_rejected) {
    open(core::side::sell, "0.1"_d);
    const auto e = ex_.set_trading_stop(key, sl("49000"_d, working_type::mark));
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(to_bybit_error(e.error()).message,
              "sl:4900000000000 set for Sell position should greater base_price:5000000000000??MarkPrice");
}

TEST_F(trading_stops, stop_loss_fires_and_clears) {
    open(core::side::buy, "0.1"_d);
    ASSERT_TRUE(ex_.set_trading_stop(key, sl("49000"_d)).ok());
    EXPECT_TRUE(ex_.position(key, btc)->stop.has_value());
    ex_.on_price(btc, at("49000.1"_d));
    EXPECT_EQ(size(), "0.1"_d);
    ex_.drain_events();
    ex_.on_price(btc, at("49000"_d));
    EXPECT_EQ(size(), "0"_d);
    const auto fired = events_of<trading_stop_event>();
    ASSERT_EQ(fired.size(), 1U);
    EXPECT_EQ(fired[0].leg, "stop_loss");
    const auto orders = events_of<order_event>();
    ASSERT_FALSE(orders.empty());
    EXPECT_EQ(orders[0].record.id, fired[0].order);
    EXPECT_EQ(orders[0].record.origin, order_origin::trading_stop);
    EXPECT_FALSE(ex_.position(key, btc)->stop.has_value());
}

TEST_F(trading_stops, mark_triggered_stop_ignores_last) {
    open(core::side::buy, "0.1"_d);
    ASSERT_TRUE(ex_.set_trading_stop(key, sl("49000"_d, working_type::mark)).ok());
    ex_.on_price(btc, prices("49500"_d, "48000"_d, "47999.9"_d, "48000.1"_d));
    EXPECT_EQ(size(), "0.1"_d);
    ex_.on_price(btc, prices("48999"_d, "49500"_d, "49499.9"_d, "49500.1"_d));
    EXPECT_EQ(size(), "0"_d);
}

TEST_F(trading_stops, take_profit_for_a_short) {
    open(core::side::sell, "0.1"_d);
    trading_stop_request r;
    r.symbol = btc;
    r.take_profit = "50500"_d;
    EXPECT_EQ(ex_.set_trading_stop(key, r).reason(), reject_reason::take_profit_wrong_side);
    r.take_profit = "48000"_d;
    ASSERT_TRUE(ex_.set_trading_stop(key, r).ok());
    ex_.on_price(btc, at("48000"_d));
    EXPECT_EQ(size(), "0"_d);
}

TEST_F(trading_stops, same_values_again_is_not_modified) {
    open(core::side::buy, "0.1"_d);
    ASSERT_TRUE(ex_.set_trading_stop(key, sl("49000"_d)).ok());
    const auto e = ex_.set_trading_stop(key, sl("49000"_d));
    EXPECT_EQ(e.reason(), reject_reason::not_modified);
    EXPECT_EQ(to_bybit_error(e.error()).ret_code, 34040);
}

TEST_F(trading_stops, zero_cancels_a_leg) {
    open(core::side::buy, "0.1"_d);
    ASSERT_TRUE(ex_.set_trading_stop(key, sl("49000"_d)).ok());
    ASSERT_TRUE(ex_.set_trading_stop(key, sl("0"_d)).ok());
    EXPECT_FALSE(ex_.position(key, btc)->stop.has_value());
    ex_.on_price(btc, at("48000"_d));
    EXPECT_EQ(size(), "0.1"_d);
}

TEST_F(trading_stops, trailing_distance_follows_the_best_last_price) {
    open(core::side::buy, "0.1"_d);
    trading_stop_request r;
    r.symbol = btc;
    r.trailing_stop = "500"_d;
    ASSERT_TRUE(ex_.set_trading_stop(key, r).ok());
    ex_.on_price(btc, at("51000"_d));  // stop now 50500
    EXPECT_EQ(ex_.position(key, btc)->stop->trailing_level(core::position_side::long_), "50500"_d);
    ex_.on_price(btc, at("50500.1"_d));
    EXPECT_EQ(size(), "0.1"_d);
    ex_.on_price(btc, at("50500"_d));
    EXPECT_EQ(size(), "0"_d);
    EXPECT_EQ(events_of<trading_stop_event>().back().leg, "trailing_stop");
}

TEST_F(trading_stops, trailing_waits_for_the_active_price) {
    open(core::side::buy, "0.1"_d);
    trading_stop_request r;
    r.symbol = btc;
    r.trailing_stop = "500"_d;
    r.active_price = "52000"_d;
    ASSERT_TRUE(ex_.set_trading_stop(key, r).ok());
    ex_.on_price(btc, at("45000"_d));
    EXPECT_EQ(size(), "0.1"_d);
}

}  // namespace
}  // namespace tradebot::sim::engine::test
