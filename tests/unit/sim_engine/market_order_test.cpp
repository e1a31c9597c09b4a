#include "fixture.hpp"

namespace tradebot::sim::engine::test {
namespace {

class market_orders : public engine_test {};

TEST_F(market_orders, buy_fills_at_the_ask_with_the_taker_fee) {
    auto r = ex_.place_order(key, market(core::side::buy, "0.1"_d));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, order_status::filled);
    EXPECT_EQ(r->avg_price, "50000.1"_d);
    EXPECT_EQ(r->filled_qty, "0.1"_d);
    EXPECT_EQ(r->fee_total, "2.500005"_d);  // 0.1 * 50000.1 * 0.0005
    EXPECT_EQ(wallet(), "9997.499995"_d);
    EXPECT_EQ(size(), "0.1"_d);
    EXPECT_EQ(ex_.position(key, btc)->entry_price, "50000.1"_d);
}

TEST_F(market_orders, sell_fills_at_the_bid) {
    auto r = ex_.place_order(key, market(core::side::sell, "0.2"_d));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->avg_price, "49999.9"_d);
    EXPECT_EQ(size(), "-0.2"_d);
}

TEST_F(market_orders, events_come_in_venue_order) {
    auto r = ex_.place_order(key, market(core::side::buy, "0.1"_d));
    ASSERT_TRUE(r.ok());
    const auto events = ex_.drain_events();
    ASSERT_EQ(events.size(), 4U);
    const auto& accepted = std::get<order_event>(events[0]);
    EXPECT_EQ(accepted.record.status, order_status::new_);
    EXPECT_EQ(accepted.record.client_id, "sim-" + std::to_string(r->id));
    const auto& fill = std::get<fill_event>(events[1]);
    EXPECT_EQ(fill.record.status, order_status::filled);
    EXPECT_EQ(fill.role, liquidity::taker);
    EXPECT_EQ(fill.qty, "0.1"_d);
    EXPECT_EQ(fill.price, "50000.1"_d);
    EXPECT_EQ(fill.fee, "2.500005"_d);
    EXPECT_NE(fill.trade_id, r->id);
    EXPECT_EQ(std::get<balance_event>(events[2]).change, "-2.500005"_d);
    EXPECT_EQ(std::get<position_event>(events[3]).size, "0.1"_d);
    EXPECT_EQ(event_time(events[0]), clock_.now());
    EXPECT_TRUE(ex_.drain_events().empty());
}

TEST_F(market_orders, insufficient_margin_is_rejected) {
    // 2 BTC = 100000 notional -> 10000 margin at 10x plus fee: more than the 10000 wallet.
    EXPECT_EQ(ex_.place_order(key, market(core::side::buy, "2"_d)).reason(), reject_reason::insufficient_margin);
    EXPECT_TRUE(ex_.place_order(key, market(core::side::buy, "1.9"_d)).ok());
    EXPECT_TRUE(ex_.drain_events().size() > 0);
}

TEST_F(market_orders, closing_part_of_a_flip_needs_no_margin) {
    open(core::side::buy, "1.9"_d);
    // Selling 3.8 closes 1.9 and opens 1.9 short; only the opening half needs margin.
    EXPECT_TRUE(ex_.place_order(key, market(core::side::sell, "3.8"_d)).ok());
    EXPECT_EQ(size(), "-1.9"_d);
}

TEST_F(market_orders, no_prices_no_trading) {
    instrument eth = btc_spec();
    eth.symbol = core::symbol::from_string("ETHUSDT");
    ex_.add_instrument(eth);
    auto r = market(core::side::buy, "0.1"_d);
    r.symbol = eth.symbol;
    EXPECT_EQ(ex_.place_order(key, r).reason(), reject_reason::no_market_data);
}

class slipping_market_orders : public engine_test {
protected:
    slipping_market_orders() : engine_test(venue::binance, "10"_d) {}
};

TEST_F(slipping_market_orders, buy_slips_up_and_rounds_to_the_tick_against_the_taker) {
    // 50000.1 * 1.001 = 50050.1001 -> 50050.2
    EXPECT_EQ(ex_.place_order(key, market(core::side::buy, "0.1"_d))->avg_price, "50050.2"_d);
}

TEST_F(slipping_market_orders, sell_slips_down) {
    // 49999.9 * 0.999 = 49949.9001 -> 49949.9
    EXPECT_EQ(ex_.place_order(key, market(core::side::sell, "0.1"_d))->avg_price, "49949.9"_d);
}

TEST_F(slipping_market_orders, limit_orders_do_not_slip) {
    EXPECT_EQ(ex_.place_order(key, limit(core::side::buy, "0.1"_d, "50100"_d))->avg_price, "50000.1"_d);
}

}  // namespace
}  // namespace tradebot::sim::engine::test

namespace tradebot::sim::engine::test {
namespace {

TEST(market_prices, book_from_mid_and_spread) {
    const auto p = market_prices::from_mid("100"_d, "0.2"_d, "0.1"_d, "5"_d);
    EXPECT_EQ(p.bid, "99.9"_d);
    EXPECT_EQ(p.ask, "100.1"_d);
    EXPECT_EQ(p.mark, "100"_d);
    EXPECT_EQ(p.last, "100"_d);
    EXPECT_EQ(p.ask_qty, "5"_d);
    // A spread narrower than a tick still leaves one tick between bid and ask.
    const auto tight = market_prices::from_mid("100.05"_d, "0"_d, "0.1"_d, "5"_d);
    EXPECT_EQ(tight.bid, "100"_d);
    EXPECT_EQ(tight.ask, "100.1"_d);
    const auto on_tick = market_prices::from_mid("100"_d, "0"_d, "0.1"_d, "5"_d);
    EXPECT_EQ(on_tick.bid, "100"_d);
    EXPECT_EQ(on_tick.ask, "100.1"_d);
    EXPECT_EQ(p.by(working_type::mark), "100"_d);
}

}  // namespace
}  // namespace tradebot::sim::engine::test
