#include "tradebot/sim/engine/position.hpp"

#include "fixture.hpp"

namespace tradebot::sim::engine::test {
namespace {

TEST(position, entry_is_the_weighted_average_on_increase) {
    position p{btc};
    p.apply_fill(core::side::buy, "1"_d, "100"_d);
    p.apply_fill(core::side::buy, "3"_d, "200"_d);
    EXPECT_EQ(p.size(), "4"_d);
    EXPECT_EQ(p.entry_price(), "175"_d);
}

TEST(position, average_entry_keeps_eight_decimals) {
    position p{btc};
    p.apply_fill(core::side::buy, "1"_d, "100"_d);
    p.apply_fill(core::side::buy, "2"_d, "101"_d);
    EXPECT_EQ(p.entry_price(), "100.66666667"_d);
}

TEST(position, reduce_realizes_pnl_and_keeps_the_entry) {
    position p{btc};
    p.apply_fill(core::side::buy, "4"_d, "175"_d);
    const auto effect = p.apply_fill(core::side::sell, "1"_d, "200"_d);
    EXPECT_EQ(effect.realized_pnl, "25"_d);
    EXPECT_EQ(effect.closed_qty, "1"_d);
    EXPECT_EQ(p.size(), "3"_d);
    EXPECT_EQ(p.entry_price(), "175"_d);
    EXPECT_EQ(p.cumulative_realized_pnl(), "25"_d);
}

TEST(position, short_profits_when_price_falls) {
    position p{btc};
    p.apply_fill(core::side::sell, "2"_d, "100"_d);
    EXPECT_EQ(p.apply_fill(core::side::buy, "1"_d, "90"_d).realized_pnl, "10"_d);
    EXPECT_EQ(p.size(), "-1"_d);
}

TEST(position, flip_closes_everything_and_opens_the_rest_at_the_fill_price) {
    position p{btc};
    p.apply_fill(core::side::buy, "1"_d, "100"_d);
    const auto effect = p.apply_fill(core::side::sell, "3"_d, "90"_d);
    EXPECT_EQ(effect.realized_pnl, "-10"_d);
    EXPECT_EQ(effect.closed_qty, "1"_d);
    EXPECT_EQ(effect.opened_qty, "2"_d);
    EXPECT_EQ(p.size(), "-2"_d);
    EXPECT_EQ(p.entry_price(), "90"_d);
    EXPECT_EQ(p.direction(), core::position_side::short_);
}

TEST(position, closing_exactly_leaves_it_flat) {
    position p{btc};
    p.apply_fill(core::side::sell, "1"_d, "100"_d);
    p.apply_fill(core::side::buy, "1"_d, "100"_d);
    EXPECT_TRUE(p.is_flat());
    EXPECT_EQ(p.entry_price(), "0"_d);
    EXPECT_FALSE(p.direction());
}

TEST(position, unrealized_pnl_at_mark) {
    position l{btc};
    l.apply_fill(core::side::buy, "2"_d, "100"_d);
    EXPECT_EQ(l.unrealized_pnl("110"_d), "20"_d);
    position s{btc};
    s.apply_fill(core::side::sell, "2"_d, "100"_d);
    EXPECT_EQ(s.unrealized_pnl("110"_d), "-20"_d);
    EXPECT_EQ(s.notional("110"_d), "220"_d);
    EXPECT_EQ(s.initial_margin("110"_d, 10), "22"_d);
    EXPECT_EQ(s.maintenance_margin("110"_d, "0.004"_d), "0.88"_d);
}

class exchange_positions : public engine_test {};

TEST_F(exchange_positions, realized_pnl_reaches_the_wallet_and_the_fill) {
    open(core::side::buy, "0.1"_d);  // 50000.1, fee 2.500005
    ex_.on_price(btc, at("51000"_d));
    EXPECT_EQ(ex_.position(key, btc)->unrealized_pnl, "99.99"_d);  // (51000 - 50000.1) * 0.1
    ex_.drain_events();
    auto r = ex_.place_order(key, market(core::side::sell, "0.1"_d));  // at 50999.9
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->realized_pnl, "99.98"_d);
    const auto fills = events_of<fill_event>();
    ASSERT_EQ(fills.size(), 1U);
    EXPECT_EQ(fills[0].realized_pnl, "99.98"_d);
    // 10000 - 2.500005 + 99.98 - 0.1 * 50999.9 * 0.0005
    EXPECT_EQ(wallet(), "10094.93"_d);
    EXPECT_EQ(size(), "0"_d);
}

TEST_F(exchange_positions, account_view_sums_margin) {
    open(core::side::buy, "1"_d);  // 50000.1, fee 25.00005
    ex_.on_price(btc, at("49000"_d));
    const auto v = *ex_.account_state(key);
    EXPECT_EQ(v.wallet_balance, "9974.99995"_d);
    EXPECT_EQ(v.unrealized_pnl, "-1000.1"_d);
    EXPECT_EQ(v.margin_balance, "8974.89995"_d);
    EXPECT_EQ(v.position_initial_margin, "4900"_d);
    EXPECT_EQ(v.maintenance_margin, "196"_d);
    EXPECT_EQ(v.available_balance, "4074.89995"_d);
    ASSERT_EQ(v.positions.size(), 1U);
    EXPECT_EQ(v.positions[0].notional, "49000"_d);
}

// The backtest's per-minute reads (margin_balance, held_symbols) give the account view's figures.
TEST_F(exchange_positions, margin_balance_and_held_symbols_match_the_account_view) {
    std::vector<core::symbol> held;
    open(core::side::sell, "0.3"_d);
    ex_.on_price(btc, at("50123.4"_d));
    EXPECT_EQ(ex_.margin_balance(key), ex_.account_state(key)->margin_balance);
    EXPECT_NE(ex_.margin_balance(key), ex_.account_state(key)->wallet_balance);
    ex_.held_symbols(key, held);
    EXPECT_EQ(held, std::vector<core::symbol>{btc});
    ASSERT_TRUE(ex_.place_order(key, market(core::side::buy, "0.3"_d)).ok());
    EXPECT_EQ(ex_.margin_balance(key), ex_.account_state(key)->wallet_balance);
    ex_.held_symbols(key, held);
    EXPECT_TRUE(held.empty());
    EXPECT_FALSE(ex_.margin_balance("nobody").has_value());
}

}  // namespace
}  // namespace tradebot::sim::engine::test
