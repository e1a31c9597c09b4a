#include "fixture.hpp"

namespace tradebot::sim::engine::test {
namespace {

class account_config_changes : public engine_test {};

TEST_F(account_config_changes, leverage_range) {
    EXPECT_EQ(ex_.set_leverage(key, btc, 0).reason(), reject_reason::invalid_leverage);
    EXPECT_EQ(ex_.set_leverage(key, btc, 126).reason(), reject_reason::invalid_leverage);
    EXPECT_EQ(ex_.set_leverage(key, btc, 125).value(), 125);
    EXPECT_EQ(ex_.position(key, btc)->leverage, 125);
    EXPECT_TRUE(ex_.set_leverage(key, btc, 125).ok());  // Binance accepts an unchanged value
}

TEST_F(account_config_changes, leverage_changes_the_margin_needed) {
    ASSERT_TRUE(ex_.set_leverage(key, btc, 1).ok());
    EXPECT_EQ(ex_.place_order(key, market(core::side::buy, "0.2"_d)).reason(), reject_reason::insufficient_margin);
    ASSERT_TRUE(ex_.set_leverage(key, btc, 2).ok());
    EXPECT_TRUE(ex_.place_order(key, market(core::side::buy, "0.2"_d)).ok());
}

TEST_F(account_config_changes, margin_mode_rules) {
    EXPECT_EQ(ex_.set_margin_mode(key, btc, margin_mode::cross).reason(), reject_reason::margin_mode_not_modified);
    ASSERT_TRUE(ex_.place_order(key, limit(core::side::buy, "0.1"_d, "49000"_d)).ok());
    EXPECT_EQ(ex_.set_margin_mode(key, btc, margin_mode::isolated).reason(), reject_reason::open_orders_exist);
    ex_.cancel_all_orders(key, btc);
    open(core::side::buy, "0.1"_d);
    EXPECT_EQ(ex_.set_margin_mode(key, btc, margin_mode::isolated).reason(), reject_reason::position_exists);
}

TEST_F(account_config_changes, hedge_mode_is_stored_but_orders_are_refused) {
    ASSERT_TRUE(ex_.set_position_mode(key, position_mode::hedge).ok());
    EXPECT_EQ(ex_.account_state(key)->pos_mode, position_mode::hedge);
    EXPECT_EQ(ex_.place_order(key, market(core::side::buy, "0.1"_d)).reason(), reject_reason::position_side_mismatch);
    auto r = market(core::side::buy, "0.1"_d);
    r.position_side = core::position_side::long_;
    EXPECT_EQ(ex_.place_order(key, r).reason(), reject_reason::hedge_mode_not_supported);
    EXPECT_EQ(ex_.set_position_mode(key, position_mode::hedge).reason(), reject_reason::position_mode_not_modified);
}

TEST_F(account_config_changes, one_way_mode_refuses_a_position_side) {
    auto r = market(core::side::buy, "0.1"_d);
    r.position_side = core::position_side::short_;
    EXPECT_EQ(ex_.place_order(key, r).reason(), reject_reason::position_side_mismatch);
}

TEST_F(account_config_changes, snapshot_lists_everything) {
    open(core::side::buy, "0.1"_d);
    ASSERT_TRUE(ex_.place_order(key, limit(core::side::buy, "0.1"_d, "49000"_d)).ok());
    ASSERT_TRUE(ex_.place_conditional(key, stop(core::side::sell, "48000"_d, "0.1"_d)).ok());
    const auto snap = ex_.snapshot();
    EXPECT_EQ(snap.time, clock_.now());
    ASSERT_EQ(snap.symbols.size(), 1U);
    EXPECT_EQ(snap.symbols[0].prices.mark, "50000"_d);
    ASSERT_EQ(snap.accounts.size(), 1U);
    EXPECT_EQ(snap.accounts[0].positions.size(), 1U);
    EXPECT_EQ(snap.accounts[0].open_order_initial_margin, "490"_d);
    EXPECT_EQ(snap.open_orders.size(), 1U);
    EXPECT_EQ(snap.open_conditionals.size(), 1U);
}

TEST_F(account_config_changes, venue_symbol_lookup) {
    auto shib = btc_spec();
    shib.symbol = core::symbol::from_string("1000SHIBUSDT");
    shib.venue_symbol = "SHIB1000USDT";
    ex_.add_instrument(shib);
    ASSERT_NE(ex_.find_instrument_by_venue_name("SHIB1000USDT"), nullptr);
    EXPECT_EQ(ex_.find_instrument_by_venue_name("SHIB1000USDT")->symbol, shib.symbol);
    EXPECT_EQ(ex_.find_instrument_by_venue_name("BTCUSDT")->symbol, btc);
}

class bybit_account : public engine_test {
protected:
    bybit_account() : engine_test(venue::bybit) {}
};

TEST_F(bybit_account, unchanged_leverage_is_not_modified) {
    EXPECT_EQ(ex_.set_leverage(key, btc, 10).reason(), reject_reason::leverage_not_modified);
    EXPECT_TRUE(ex_.set_leverage(key, btc, 11).ok());
}

}  // namespace
}  // namespace tradebot::sim::engine::test
