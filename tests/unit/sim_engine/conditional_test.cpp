#include "tradebot/sim/engine/trigger_rules.hpp"

#include "fixture.hpp"

namespace tradebot::sim::engine::test {
namespace {

class conditionals : public engine_test {};

TEST_F(conditionals, mark_stop_ignores_the_last_price) {
    open(core::side::buy, "0.1"_d);
    ASSERT_TRUE(ex_.place_conditional(key, stop(core::side::sell, "49000"_d, "0.1"_d, working_type::mark)).ok());
    ex_.on_price(btc, prices("49500"_d, "48900"_d, "48899.9"_d, "48900.1"_d));
    EXPECT_EQ(size(), "0.1"_d);
    ex_.on_price(btc, prices("49000"_d, "49100"_d, "49099.9"_d, "49100.1"_d));
    EXPECT_EQ(size(), "0"_d);
}

TEST_F(conditionals, contract_price_stop_ignores_the_mark) {
    open(core::side::buy, "0.1"_d);
    ASSERT_TRUE(ex_.place_conditional(key, stop(core::side::sell, "49000"_d, "0.1"_d, working_type::last)).ok());
    ex_.on_price(btc, prices("48900"_d, "49500"_d, "49499.9"_d, "49500.1"_d));
    EXPECT_EQ(size(), "0.1"_d);
    ex_.on_price(btc, prices("49500"_d, "49000"_d, "48999.9"_d, "49000.1"_d));
    EXPECT_EQ(size(), "0"_d);
}

TEST_F(conditionals, trigger_creates_a_new_market_order_with_its_own_id) {
    open(core::side::buy, "0.1"_d);
    auto placed = ex_.place_conditional(key, stop(core::side::sell, "49000"_d, "0.1"_d));
    ASSERT_TRUE(placed.ok());
    ex_.drain_events();
    ex_.on_price(btc, at("48999"_d));
    const auto events = ex_.drain_events();
    ASSERT_GE(events.size(), 3U);
    const auto& triggered = std::get<conditional_event>(events[0]).record;
    EXPECT_EQ(triggered.status, conditional_status::triggered);
    ASSERT_TRUE(triggered.triggered_order_id);
    EXPECT_NE(*triggered.triggered_order_id, placed->id);
    const auto& child = std::get<order_event>(events[1]).record;
    EXPECT_EQ(child.id, *triggered.triggered_order_id);
    EXPECT_EQ(child.origin, order_origin::conditional);
    EXPECT_EQ(child.parent_id, placed->id);
    EXPECT_EQ(child.status, order_status::new_);
    const auto& fill = std::get<fill_event>(events[2]);
    EXPECT_EQ(fill.price, "48998.9"_d);  // the bid
    EXPECT_TRUE(ex_.open_conditionals(key).empty());
}

TEST_F(conditionals, close_position_stop_closes_the_whole_position) {
    open(core::side::buy, "0.3"_d);
    auto r = stop(core::side::sell, "49000"_d, decimal{});
    r.close_position = true;
    ASSERT_TRUE(ex_.place_conditional(key, r).ok());
    ex_.place_order(key, market(core::side::buy, "0.2"_d));  // grows to 0.5 after placement
    ex_.drain_events();
    ex_.on_price(btc, at("48900"_d));
    EXPECT_EQ(size(), "0"_d);
    const auto orders = events_of<order_event>();
    ASSERT_EQ(orders.size(), 1U);
    EXPECT_EQ(orders[0].record.qty, "0.5"_d);
    EXPECT_TRUE(orders[0].record.reduce_only);
    EXPECT_TRUE(orders[0].record.close_position);
}

TEST_F(conditionals, a_tick_of_prices_fills_resting_orders_and_fires_stops_like_single_prices) {
    open(core::side::buy, "0.3"_d);
    auto r = stop(core::side::sell, "49000"_d, decimal{});
    r.close_position = true;
    ASSERT_TRUE(ex_.place_conditional(key, r).ok());
    ASSERT_TRUE(ex_.place_order(key, limit(core::side::buy, "0.1"_d, "49500"_d)).ok());
    ex_.drain_events();
    // One tick: the limit buy fills on the way down, then the stop closes the grown position.
    ex_.on_prices({{btc, at("49400"_d)}, {btc, at("48900"_d)}});
    EXPECT_EQ(size(), "0"_d);
    EXPECT_EQ(events_of<fill_event>().size(), 2U);
    EXPECT_TRUE(ex_.open_orders(key).empty());
    EXPECT_TRUE(ex_.open_conditionals(key).empty());
}

TEST_F(conditionals, the_other_close_position_order_expires_with_the_position) {
    open(core::side::buy, "0.1"_d);
    auto sl = stop(core::side::sell, "49000"_d, decimal{});
    sl.close_position = true;
    auto tp = sl;
    tp.kind = conditional_kind::take_profit_market;
    tp.trigger_price = "52000"_d;
    ASSERT_TRUE(ex_.place_conditional(key, sl).ok());
    auto tp_placed = ex_.place_conditional(key, tp);
    ASSERT_TRUE(tp_placed.ok());
    ex_.on_price(btc, at("48000"_d));
    EXPECT_EQ(ex_.find_conditional(key, order_ref{tp_placed->id, ""})->status, conditional_status::expired);
}

TEST_F(conditionals, take_profit_sell_fires_on_a_rise) {
    open(core::side::buy, "0.1"_d);
    auto tp = stop(core::side::sell, "51000"_d, "0.1"_d);
    tp.kind = conditional_kind::take_profit_market;
    ASSERT_TRUE(ex_.place_conditional(key, tp).ok());
    ex_.on_price(btc, at("50999.9"_d));
    EXPECT_EQ(size(), "0.1"_d);
    ex_.on_price(btc, at("51000"_d));
    EXPECT_EQ(size(), "0"_d);
}

TEST_F(conditionals, sell_stop_at_or_above_the_trigger_price_would_trigger_immediately) {
    const auto e = ex_.place_conditional(key, stop(core::side::sell, "50000"_d, "0.1"_d));
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.reason(), reject_reason::would_trigger_immediately);
    EXPECT_EQ(e.error().reference, "50000"_d);
    EXPECT_EQ(e.error().submitted, "50000"_d);
    EXPECT_EQ(e.error().expected_direction, trigger_direction::falling);
    EXPECT_TRUE(ex_.place_conditional(key, stop(core::side::sell, "49999.9"_d, "0.1"_d)).ok());
}

TEST_F(conditionals, buy_stop_must_be_above_the_current_price) {
    EXPECT_EQ(ex_.place_conditional(key, stop(core::side::buy, "49999.9"_d, "0.1"_d)).reason(),
              reject_reason::would_trigger_immediately);
    EXPECT_TRUE(ex_.place_conditional(key, stop(core::side::buy, "50000.1"_d, "0.1"_d)).ok());
}

TEST_F(conditionals, would_trigger_uses_the_working_type_price) {
    ex_.set_prices(btc, prices("50000"_d, "49000"_d, "48999.9"_d, "49000.1"_d));
    EXPECT_EQ(ex_.validate_conditional(key, stop(core::side::sell, "49500"_d, "0.1"_d, working_type::last))->reason,
              reject_reason::would_trigger_immediately);
    EXPECT_FALSE(ex_.validate_conditional(key, stop(core::side::sell, "49500"_d, "0.1"_d, working_type::mark)));
}

TEST_F(conditionals, trigger_rule_functions) {
    EXPECT_EQ(direction_of(conditional_kind::stop_market, core::side::sell), trigger_direction::falling);
    EXPECT_EQ(direction_of(conditional_kind::stop_market, core::side::buy), trigger_direction::rising);
    EXPECT_EQ(direction_of(conditional_kind::take_profit_market, core::side::sell), trigger_direction::rising);
    EXPECT_EQ(direction_of(conditional_kind::take_profit_market, core::side::buy), trigger_direction::falling);
    EXPECT_TRUE(check_trigger_placement(trigger_direction::rising, "100"_d, "100"_d, working_type::mark));
    EXPECT_FALSE(check_trigger_placement(trigger_direction::rising, "100.1"_d, "100"_d, working_type::mark));
    EXPECT_TRUE(is_triggered(trigger_direction::falling, "100"_d, "100"_d));
    EXPECT_FALSE(is_triggered(trigger_direction::falling, "100"_d, "100.1"_d));
}

TEST_F(conditionals, explicit_bybit_direction_is_checked_against_the_current_price) {
    auto r = stop(core::side::buy, "49000"_d, "0.1"_d, working_type::last);
    r.direction = trigger_direction::rising;
    const auto e = ex_.validate_conditional(key, r);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->expected_direction, trigger_direction::rising);
    r.direction = trigger_direction::falling;
    EXPECT_FALSE(ex_.validate_conditional(key, r));
}

TEST_F(conditionals, close_position_combinations) {
    auto r = stop(core::side::sell, "49000"_d, "0.1"_d);
    r.close_position = true;
    EXPECT_EQ(ex_.place_conditional(key, r).reason(), reject_reason::quantity_with_close_position);
    r.qty = decimal{};
    r.reduce_only = true;
    EXPECT_EQ(ex_.place_conditional(key, r).reason(), reject_reason::reduce_only_with_close_position);
}

TEST_F(conditionals, close_position_without_a_position_expires_at_trigger) {
    auto r = stop(core::side::sell, "49000"_d, decimal{});
    r.close_position = true;
    auto placed = ex_.place_conditional(key, r);
    ASSERT_TRUE(placed.ok());
    ex_.on_price(btc, at("48000"_d));
    EXPECT_EQ(ex_.find_conditional(key, order_ref{placed->id, ""})->status, conditional_status::expired);
    EXPECT_TRUE(events_of<fill_event>().empty());
}

TEST_F(conditionals, trigger_price_filters_apply) {
    EXPECT_EQ(ex_.place_conditional(key, stop(core::side::sell, "49000.05"_d, "0.1"_d)).reason(),
              reject_reason::invalid_price_tick);
    EXPECT_EQ(ex_.place_conditional(key, stop(core::side::sell, "49000"_d, "0.0001"_d)).reason(),
              reject_reason::invalid_qty_precision);
}

TEST_F(conditionals, cancel_and_unknown) {
    auto r = stop(core::side::sell, "49000"_d, "0.1"_d);
    r.client_id = "sl-1";
    ASSERT_TRUE(ex_.place_conditional(key, r).ok());
    EXPECT_EQ(ex_.cancel_conditional(key, btc, order_ref{std::nullopt, "sl-1"})->status, conditional_status::canceled);
    EXPECT_EQ(ex_.cancel_conditional(key, btc, order_ref{std::nullopt, "sl-1"}).reason(), reject_reason::unknown_order);
}

TEST_F(conditionals, entry_stop_checks_margin_at_trigger) {
    auto r = stop(core::side::buy, "51000"_d, "5"_d);  // 255000 notional: far beyond the wallet
    auto placed = ex_.place_conditional(key, r);
    ASSERT_TRUE(placed.ok());  // algo orders hold no margin until they trigger
    ex_.on_price(btc, at("51000"_d));
    EXPECT_EQ(ex_.find_conditional(key, order_ref{placed->id, ""})->status, conditional_status::rejected);
    EXPECT_EQ(size(), "0"_d);
}

}  // namespace
}  // namespace tradebot::sim::engine::test
