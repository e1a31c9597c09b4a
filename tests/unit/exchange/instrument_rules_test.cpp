#include "tradebot/exchange/instrument_rules.hpp"

#include <gtest/gtest.h>

namespace tradebot::exchange {
namespace {

using namespace core::literals;
using core::order_type;
using core::position_side;
using core::side;

// BTCUSDT-like rules in the shape of exchange-apis.md §A5 (Binance) and §B5 (Bybit).
instrument_rules btc() {
    instrument_rules r;
    r.symbol = core::symbol::from_string("BTCUSDT");
    r.tick_size = "0.10"_d;
    r.min_price = "0.10"_d;
    r.max_price = "1999999.80"_d;
    r.step_size = "0.001"_d;
    r.min_qty = "0.001"_d;
    r.max_qty = "1190.000"_d;
    r.market_max_qty = "500.000"_d;
    r.min_notional = "5"_d;
    r.band_up = "1.15"_d;
    r.band_down = "0.85"_d;
    r.price_precision = 2;
    r.quantity_precision = 3;
    return r;
}

// A 1000x symbol with a min price off the zero grid, to show grids start at the minimum.
instrument_rules shib() {
    instrument_rules r;
    r.symbol = core::symbol::from_string("1000SHIBUSDT");
    r.tick_size = "0.000010"_d;
    r.min_price = "0.000005"_d;
    r.step_size = "1"_d;
    r.min_qty = "1"_d;
    r.max_qty = "10000000"_d;
    r.min_notional = "5"_d;
    r.contract_multiplier = 1000;
    return r;
}

TEST(instrument_rules, quantity_is_floored_to_the_step_never_rounded_up) {
    const auto r = btc();
    EXPECT_EQ(r.floor_quantity("0.0129"_d, order_type::limit).to_string(), "0.012");
    EXPECT_EQ(r.floor_quantity("0.012"_d, order_type::limit).to_string(), "0.012");
    EXPECT_EQ(r.floor_quantity("0.0009"_d, order_type::limit).to_string(), "0.000");
    EXPECT_EQ(r.floor_quantity("-1"_d, order_type::limit), "0"_d);
}

TEST(instrument_rules, market_orders_are_capped_at_the_market_max) {
    const auto r = btc();
    EXPECT_EQ(r.floor_quantity("800.5"_d, order_type::market), "500"_d);
    EXPECT_EQ(r.floor_quantity("800.5"_d, order_type::limit), "800.5"_d);
    EXPECT_EQ(r.floor_quantity("5000"_d, order_type::limit), "1190"_d);
    auto no_market_max = r;
    no_market_max.market_max_qty = {};
    EXPECT_EQ(no_market_max.max_quantity(order_type::market), "1190"_d);
}

TEST(instrument_rules, limit_prices_round_against_the_trader_never_paying_more) {
    const auto r = btc();
    EXPECT_EQ(r.limit_price(side::buy, "60000.19"_d).to_string(), "60000.10");
    EXPECT_EQ(r.limit_price(side::sell, "60000.11"_d).to_string(), "60000.20");
    EXPECT_EQ(r.limit_price(side::sell, "60000.10"_d).to_string(), "60000.10");
}

TEST(instrument_rules, stops_round_tighter_never_looser) {
    const auto r = btc();
    // A long's stop is a sell below the price: up is tighter.
    EXPECT_EQ(r.stop_price(position_side::long_, "58800.01"_d).to_string(), "58800.10");
    // A short's stop is a buy above the price: down is tighter.
    EXPECT_EQ(r.stop_price(position_side::short_, "61200.19"_d).to_string(), "61200.10");
    EXPECT_EQ(r.round_price("61200.15"_d, price_rounding::nearest).to_string(), "61200.20");
}

TEST(instrument_rules, price_grid_starts_at_the_minimum_price) {
    const auto r = shib();
    EXPECT_EQ(r.round_price("0.012349"_d, price_rounding::down), "0.012345"_d);
    EXPECT_EQ(r.round_price("0.012349"_d, price_rounding::up), "0.012355"_d);
    order_intent in{order_type::limit, side::buy, "1000"_d, "0.012345"_d, {}, "0.0123"_d, false, false};
    EXPECT_EQ(r.validate(in), std::nullopt);
    in.price = "0.012340"_d;
    EXPECT_EQ(r.validate(in), rule_violation::price_off_tick);
}

TEST(instrument_rules, a_zero_tick_or_step_means_no_grid) {
    instrument_rules r;
    EXPECT_EQ(r.round_price("1.2345"_d, price_rounding::up), "1.2345"_d);
    EXPECT_EQ(r.floor_quantity("3.21"_d, order_type::market), "3.21"_d);
}

TEST(instrument_rules, notional_sizing) {
    const auto r = btc();
    EXPECT_EQ(r.quantity_for_notional("100"_d, "60000"_d, order_type::market).to_string(), "0.001");
    EXPECT_EQ(r.quantity_for_notional("1000"_d, "60000"_d, order_type::market).to_string(), "0.016");
    EXPECT_EQ(r.quantity_for_notional("0"_d, "60000"_d, order_type::market), "0"_d);
    EXPECT_TRUE(r.meets_min_notional("0.001"_d, "5000"_d));
    EXPECT_FALSE(r.meets_min_notional("0.001"_d, "4999.9"_d));
    // min_qty 0.001 at 1000 is 1 USDT: 0.005 reaches the 5 USDT notional.
    EXPECT_EQ(r.min_order_quantity("1000"_d), "0.005"_d);
    EXPECT_EQ(r.min_order_quantity("1001"_d), "0.005"_d);
    EXPECT_EQ(r.min_order_quantity("999"_d), "0.006"_d);
    EXPECT_EQ(r.min_order_quantity("60000"_d), "0.001"_d);
    EXPECT_EQ(instrument_rules::notional("0.003"_d, "60000.10"_d), "180.0003"_d);
}

struct validate_case {
    const char* name;
    order_intent intent;
    std::optional<rule_violation> expected;
};

TEST(instrument_rules, validate_reports_the_first_failing_filter_in_venue_order) {
    auto r = btc();
    const auto mark = std::optional{"60000"_d};
    const validate_case cases[] = {
        {"good limit buy", {order_type::limit, side::buy, "0.010"_d, "60000.10"_d, {}, mark, false, false}, std::nullopt},
        {"good market", {order_type::market, side::buy, "0.010"_d, {}, {}, mark, false, false}, std::nullopt},
        {"limit without price", {order_type::limit, side::buy, "0.010"_d, {}, {}, mark, false, false},
         rule_violation::price_missing},
        {"stop without trigger", {order_type::stop_market, side::sell, {}, {}, {}, mark, false, true},
         rule_violation::price_missing},
        {"zero price", {order_type::limit, side::buy, "0.010"_d, "0"_d, {}, mark, false, false},
         rule_violation::price_not_positive},
        {"too many price decimals", {order_type::limit, side::buy, "0.010"_d, "60000.123"_d, {}, mark, false, false},
         rule_violation::price_precision},
        {"below min price", {order_type::limit, side::buy, "0.010"_d, "0.05"_d, {}, mark, false, false},
         rule_violation::price_below_min},
        {"above max price", {order_type::limit, side::sell, "0.010"_d, "2000000"_d, {}, mark, false, false},
         rule_violation::price_above_max},
        {"off tick", {order_type::limit, side::buy, "0.010"_d, "60000.15"_d, {}, mark, false, false},
         rule_violation::price_off_tick},
        {"zero qty", {order_type::market, side::buy, "0"_d, {}, {}, mark, false, false},
         rule_violation::quantity_not_positive},
        {"qty decimals", {order_type::market, side::buy, "0.0101"_d, {}, {}, mark, false, false},
         rule_violation::quantity_precision},
        {"below min qty", {order_type::market, side::buy, "0.0005"_d, {}, {}, mark, false, false},
         rule_violation::quantity_precision},
        {"above market max", {order_type::market, side::buy, "600"_d, {}, {}, mark, false, false},
         rule_violation::quantity_above_max},
        {"limit may exceed market max", {order_type::limit, side::buy, "600"_d, "60000"_d, {}, mark, false, false},
         std::nullopt},
        {"above limit max", {order_type::limit, side::buy, "1200"_d, "60000"_d, {}, mark, false, false},
         rule_violation::quantity_above_max},
        {"buy above band", {order_type::limit, side::buy, "0.010"_d, "69000.10"_d, {}, mark, false, false},
         rule_violation::price_above_band},
        {"buy at band edge", {order_type::limit, side::buy, "0.010"_d, "69000.00"_d, {}, mark, false, false},
         std::nullopt},
        {"sell below band", {order_type::limit, side::sell, "0.010"_d, "50999.90"_d, {}, mark, false, false},
         rule_violation::price_below_band},
        {"band needs the mark", {order_type::limit, side::sell, "0.010"_d, "60000"_d, {}, {}, false, false},
         rule_violation::reference_price_missing},
        {"notional too small", {order_type::limit, side::buy, "0.001"_d, "4000"_d, {}, "4000"_d, false, false},
         rule_violation::notional_below_min},
        {"reduce-only is exempt from notional",
         {order_type::limit, side::sell, "0.001"_d, "4000"_d, {}, "4000"_d, true, false}, std::nullopt},
        {"market notional at the mark", {order_type::market, side::buy, "0.001"_d, {}, {}, "4000"_d, false, false},
         rule_violation::notional_below_min},
        {"market notional needs the mark", {order_type::market, side::buy, "0.001"_d, {}, {}, {}, false, false},
         rule_violation::reference_price_missing},
        {"long stop below mark", {order_type::stop_market, side::sell, {}, {}, "58800.10"_d, mark, false, true},
         std::nullopt},
        {"long stop already crossed", {order_type::stop_market, side::sell, {}, {}, "60000.00"_d, mark, false, true},
         rule_violation::trigger_would_fire},
        {"short stop already crossed", {order_type::stop_market, side::buy, {}, {}, "59990.00"_d, mark, false, true},
         rule_violation::trigger_would_fire},
        {"short stop above mark", {order_type::stop_market, side::buy, {}, {}, "61200.10"_d, mark, false, true},
         std::nullopt},
        {"stop trigger off tick", {order_type::stop_market, side::sell, {}, {}, "58800.15"_d, mark, false, true},
         rule_violation::price_off_tick},
        {"take profit crossed", {order_type::take_profit_market, side::sell, {}, {}, "59000"_d, mark, false, true},
         rule_violation::trigger_would_fire},
    };
    for (const auto& c : cases) {
        const auto got = r.validate(c.intent);
        EXPECT_EQ(got, c.expected) << c.name << ": got " << (got ? to_string(*got) : "none");
    }
    r.trading = false;
    EXPECT_EQ(r.validate(cases[0].intent), rule_violation::not_trading);
}

TEST(instrument_rules, min_qty_is_checked_when_precision_allows) {
    auto r = btc();
    r.min_qty = "0.005"_d;
    order_intent in{order_type::market, side::buy, "0.004"_d, {}, {}, "60000"_d, false, false};
    EXPECT_EQ(r.validate(in), rule_violation::quantity_below_min);
    r.min_qty = "0.001"_d;
    r.quantity_precision = -1;  // unknown precision (Bybit): the step check catches it
    in.quantity = "0.0015"_d;
    EXPECT_EQ(r.validate(in), rule_violation::quantity_off_step);
}

}  // namespace
}  // namespace tradebot::exchange
