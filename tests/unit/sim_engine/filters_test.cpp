#include "tradebot/sim/engine/filters.hpp"

#include "fixture.hpp"

namespace tradebot::sim::engine::test {
namespace {

class filters : public engine_test {
protected:
    reject_reason reason_of(const order_request& r) {
        const auto e = ex_.validate_order(key, r);
        return e ? e->reason : reject_reason::unknown_account;  // unknown_account never occurs here
    }
    bool accepted(const order_request& r) { return !ex_.validate_order(key, r).has_value(); }
};

TEST_F(filters, price_off_tick_is_rejected_with_invalid_price_tick) {
    EXPECT_EQ(reason_of(limit(core::side::buy, "0.001"_d, "49000.05"_d)), reject_reason::invalid_price_tick);
    EXPECT_TRUE(accepted(limit(core::side::buy, "0.001"_d, "49000.1"_d)));
}

TEST_F(filters, too_many_price_decimals_is_a_precision_error_before_the_tick_rule) {
    EXPECT_EQ(reason_of(limit(core::side::buy, "0.001"_d, "49000.123"_d)), reject_reason::invalid_price_precision);
}

TEST_F(filters, too_many_qty_decimals_is_a_precision_error) {
    EXPECT_EQ(reason_of(limit(core::side::buy, "0.0015"_d, "49000"_d)), reject_reason::invalid_qty_precision);
}

TEST_F(filters, qty_off_step_is_rejected_with_invalid_qty_step) {
    auto spec = btc_spec();
    spec.step_size = "0.002"_d;
    spec.min_qty = "0.002"_d;
    ex_.add_instrument(spec);
    ex_.set_prices(btc, at("50000"_d));
    EXPECT_EQ(reason_of(limit(core::side::buy, "0.003"_d, "49000"_d)), reject_reason::invalid_qty_step);
    EXPECT_TRUE(accepted(limit(core::side::buy, "0.004"_d, "49000"_d)));
}

TEST_F(filters, price_bounds) {
    EXPECT_EQ(reason_of(limit(core::side::buy, "0.001"_d, "0.05"_d)), reject_reason::price_below_min);
    EXPECT_EQ(reason_of(limit(core::side::sell, "0.001"_d, "1000000.1"_d)), reject_reason::price_above_max);
    EXPECT_EQ(reason_of(limit(core::side::buy, "0.001"_d, "0"_d)), reject_reason::price_not_positive);
}

TEST_F(filters, qty_bounds) {
    EXPECT_EQ(reason_of(limit(core::side::buy, "0"_d, "49000"_d)), reject_reason::qty_not_positive);
    EXPECT_EQ(reason_of(limit(core::side::buy, "-0.001"_d, "49000"_d)), reject_reason::qty_not_positive);
    auto spec = btc_spec();
    spec.min_qty = "0.01"_d;
    ex_.add_instrument(spec);
    ex_.set_prices(btc, at("50000"_d));
    EXPECT_EQ(reason_of(limit(core::side::buy, "0.005"_d, "49000"_d)), reject_reason::qty_too_small);
}

TEST_F(filters, market_orders_use_the_market_lot_size_max) {
    const auto e = ex_.validate_order(key, market(core::side::buy, "121"_d));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->reason, reject_reason::qty_too_large);
    EXPECT_EQ(e->limit, "120"_d);
    // The same size as a limit order passes LOT_SIZE (max 1000) and fails only on margin.
    EXPECT_EQ(reason_of(limit(core::side::buy, "121"_d, "49000"_d)), reject_reason::insufficient_margin);
    EXPECT_EQ(reason_of(limit(core::side::buy, "1000.001"_d, "49000"_d)), reject_reason::qty_too_large);
}

TEST_F(filters, buy_limit_above_the_percent_band_is_rejected) {
    EXPECT_EQ(reason_of(limit(core::side::buy, "0.001"_d, "52500.1"_d)), reject_reason::price_above_percent_range);
    EXPECT_TRUE(accepted(limit(core::side::buy, "0.001"_d, "52500"_d)));
}

TEST_F(filters, sell_limit_below_the_percent_band_is_rejected) {
    EXPECT_EQ(reason_of(limit(core::side::sell, "0.001"_d, "47499.9"_d)), reject_reason::price_below_percent_range);
    EXPECT_TRUE(accepted(limit(core::side::sell, "0.001"_d, "47500"_d)));
}

TEST_F(filters, market_order_is_rejected_when_the_counter_price_leaves_the_band) {
    ex_.set_prices(btc, prices("50000"_d, "50000"_d, "49999.9"_d, "52500.1"_d));
    EXPECT_EQ(reason_of(market(core::side::buy, "0.001"_d)), reject_reason::market_price_out_of_percent_range);
    EXPECT_TRUE(accepted(market(core::side::sell, "0.001"_d)));
}

TEST_F(filters, min_notional_uses_the_limit_price_or_the_mark_and_spares_reduce_only) {
    auto spec = btc_spec();
    spec.min_notional = "100"_d;
    ex_.add_instrument(spec);
    ex_.set_prices(btc, at("50000"_d));
    const auto e = ex_.validate_order(key, market(core::side::buy, "0.001"_d));  // 0.001 * 50000 = 50
    ASSERT_TRUE(e);
    EXPECT_EQ(e->reason, reject_reason::below_min_notional);
    EXPECT_EQ(e->limit, "100"_d);
    EXPECT_TRUE(accepted(market(core::side::buy, "0.002"_d)));
    EXPECT_EQ(reason_of(limit(core::side::buy, "0.002"_d, "49999.9"_d)), reject_reason::below_min_notional);
    open(core::side::buy, "0.002"_d);
    auto close = market(core::side::sell, "0.001"_d);
    close.reduce_only = true;
    EXPECT_TRUE(accepted(close));
}

TEST_F(filters, zero_bounds_disable_the_rules) {
    instrument open_spec;
    open_spec.symbol = btc;
    open_spec.tick_size = decimal{};
    open_spec.step_size = decimal{};
    EXPECT_FALSE(check_price_filter(open_spec, "123.456789"_d));
    EXPECT_FALSE(check_lot_size(open_spec, "0.0000001"_d, true));
    EXPECT_FALSE(check_percent_price(open_spec, core::side::buy, "1000000"_d, "1"_d));
    EXPECT_FALSE(check_min_notional(open_spec, "1"_d, "0.0001"_d));
}

TEST_F(filters, tick_grid_is_anchored_at_min_price) {
    instrument i = btc_spec();
    i.min_price = "0.05"_d;
    EXPECT_FALSE(check_price_filter(i, "100.05"_d));
    ASSERT_TRUE(check_price_filter(i, "100.1"_d));
    EXPECT_EQ(check_price_filter(i, "100.1"_d)->reason, reject_reason::invalid_price_tick);
}

TEST_F(filters, unknown_symbol_and_account) {
    auto r = market(core::side::buy, "0.001"_d);
    r.symbol = core::symbol::from_string("ETHUSDT");
    EXPECT_EQ(reason_of(r), reject_reason::unknown_symbol);
    EXPECT_EQ(ex_.validate_order("nobody", market(core::side::buy, "0.001"_d))->reason, reject_reason::unknown_account);
}

}  // namespace
}  // namespace tradebot::sim::engine::test
