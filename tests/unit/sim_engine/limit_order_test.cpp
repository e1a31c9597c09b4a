#include "fixture.hpp"

namespace tradebot::sim::engine::test {
namespace {

class limit_orders : public engine_test {};

TEST_F(limit_orders, rest_until_the_ask_reaches_the_price_then_fill_as_maker) {
    auto r = ex_.place_order(key, limit(core::side::buy, "0.1"_d, "49900"_d));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, order_status::new_);
    EXPECT_EQ(ex_.open_orders(key).size(), 1U);
    ex_.on_price(btc, at("49900.1"_d));  // ask 49900.2
    EXPECT_EQ(size(), "0"_d);
    ex_.drain_events();
    ex_.on_price(btc, at("49899.9"_d));  // ask 49900.0
    EXPECT_EQ(size(), "0.1"_d);
    const auto fills = events_of<fill_event>();
    ASSERT_EQ(fills.size(), 1U);
    EXPECT_EQ(fills[0].price, "49900"_d);
    EXPECT_EQ(fills[0].role, liquidity::maker);
    EXPECT_EQ(fills[0].fee, "0.998"_d);  // 0.1 * 49900 * 0.0002
    EXPECT_TRUE(ex_.open_orders(key).empty());
}

TEST_F(limit_orders, crossing_limit_takes_at_the_best_price) {
    auto r = ex_.place_order(key, limit(core::side::buy, "0.1"_d, "50100"_d));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, order_status::filled);
    EXPECT_EQ(r->avg_price, "50000.1"_d);
    EXPECT_EQ(r->fee_total, "2.500005"_d);
}

TEST_F(limit_orders, post_only_that_would_take_is_rejected) {
    EXPECT_EQ(ex_.place_order(key, limit(core::side::buy, "0.1"_d, "50000.1"_d, time_in_force::gtx)).reason(),
              reject_reason::post_only_would_take);
    EXPECT_EQ(ex_.place_order(key, limit(core::side::buy, "0.1"_d, "50000"_d, time_in_force::gtx))->status,
              order_status::new_);
}

TEST_F(limit_orders, ioc_that_does_not_cross_expires) {
    auto r = ex_.place_order(key, limit(core::side::sell, "0.1"_d, "50000"_d, time_in_force::ioc));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, order_status::expired);
    EXPECT_EQ(size(), "0"_d);
}

TEST_F(limit_orders, ioc_that_crosses_a_book_armed_thin_fills_that_share_and_expires_the_rest) {
    ex_.fill_next_market_partially("0.6"_d);
    auto r = ex_.place_order(key, limit(core::side::buy, "0.5"_d, "50100"_d, time_in_force::ioc));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, order_status::expired);
    EXPECT_EQ(r->filled_qty, "0.3"_d);
    EXPECT_EQ(r->avg_price, "50000.1"_d);
    EXPECT_EQ(size(), "0.3"_d);
    EXPECT_TRUE(ex_.open_orders(key).empty());
    // Used up: the next IOC fills whole.
    EXPECT_EQ(ex_.place_order(key, limit(core::side::buy, "0.5"_d, "50100"_d, time_in_force::ioc))->status,
              order_status::filled);
}

TEST_F(limit_orders, fok_that_cannot_fill_is_rejected) {
    EXPECT_EQ(ex_.place_order(key, limit(core::side::sell, "0.1"_d, "50000"_d, time_in_force::fok)).reason(),
              reject_reason::fok_not_filled);
    EXPECT_EQ(ex_.place_order(key, limit(core::side::sell, "0.1"_d, "49999.9"_d, time_in_force::fok))->status,
              order_status::filled);
}

TEST_F(limit_orders, cancel_by_client_id_then_unknown) {
    auto r = limit(core::side::buy, "0.1"_d, "49000"_d);
    r.client_id = "entry-1";
    ASSERT_TRUE(ex_.place_order(key, r).ok());
    auto c = ex_.cancel_order(key, btc, order_ref{std::nullopt, "entry-1"});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->status, order_status::canceled);
    EXPECT_EQ(ex_.cancel_order(key, btc, order_ref{std::nullopt, "entry-1"}).reason(), reject_reason::unknown_order);
    EXPECT_EQ(ex_.cancel_order(key, btc, order_ref{123, ""}).reason(), reject_reason::unknown_order);
}

TEST_F(limit_orders, client_id_is_unique_among_open_orders_on_binance) {
    auto r = limit(core::side::buy, "0.1"_d, "49000"_d);
    r.client_id = "dup";
    ASSERT_TRUE(ex_.place_order(key, r).ok());
    EXPECT_EQ(ex_.place_order(key, r).reason(), reject_reason::duplicate_client_id);
    ex_.cancel_all_orders(key, btc);
    EXPECT_TRUE(ex_.place_order(key, r).ok());
}

TEST_F(limit_orders, client_id_length_and_charset) {
    auto r = limit(core::side::buy, "0.1"_d, "49000"_d);
    r.client_id = std::string(37, 'a');
    const auto e = ex_.place_order(key, r);
    EXPECT_EQ(e.reason(), reject_reason::invalid_client_id);
    EXPECT_EQ(e.error().limit, "36"_d);
    r.client_id = "bad id";
    EXPECT_EQ(ex_.place_order(key, r).reason(), reject_reason::invalid_client_id);
    r.client_id = "a.b:c/d";
    EXPECT_TRUE(ex_.place_order(key, r).ok());
}

class bybit_limit_orders : public engine_test {
protected:
    bybit_limit_orders() : engine_test(venue::bybit) {}
};

TEST_F(bybit_limit_orders, order_link_id_is_never_reused) {
    auto r = limit(core::side::buy, "0.1"_d, "49000"_d);
    r.client_id = "link-1";
    ASSERT_TRUE(ex_.place_order(key, r).ok());
    ex_.cancel_all_orders(key, btc);
    EXPECT_EQ(ex_.place_order(key, r).reason(), reject_reason::duplicate_client_id);
    r.client_id = "a.b";
    EXPECT_EQ(ex_.place_order(key, r).reason(), reject_reason::invalid_client_id);
}

TEST_F(bybit_limit_orders, no_client_id_is_invented) {
    EXPECT_EQ(ex_.place_order(key, market(core::side::buy, "0.1"_d))->client_id, "");
}

class reduce_only : public engine_test {};

TEST_F(reduce_only, rejected_when_flat) {
    auto r = market(core::side::sell, "0.1"_d);
    r.reduce_only = true;
    EXPECT_EQ(ex_.place_order(key, r).reason(), reject_reason::reduce_only_no_position);
}

TEST_F(reduce_only, rejected_when_it_would_increase) {
    open(core::side::buy, "0.1"_d);
    auto r = market(core::side::buy, "0.1"_d);
    r.reduce_only = true;
    EXPECT_EQ(ex_.place_order(key, r).reason(), reject_reason::reduce_only_rejected);
    EXPECT_EQ(size(), "0.1"_d);
}

TEST_F(reduce_only, truncated_to_the_position_size) {
    open(core::side::buy, "0.1"_d);
    auto r = market(core::side::sell, "0.5"_d);
    r.reduce_only = true;
    auto placed = ex_.place_order(key, r);
    ASSERT_TRUE(placed.ok());
    EXPECT_EQ(placed->qty, "0.1"_d);
    EXPECT_EQ(placed->filled_qty, "0.1"_d);
    EXPECT_EQ(size(), "0"_d);
}

TEST_F(reduce_only, resting_reduce_only_expires_when_the_position_closes) {
    open(core::side::buy, "0.1"_d);
    auto tp = limit(core::side::sell, "0.1"_d, "51000"_d);
    tp.reduce_only = true;
    auto placed = ex_.place_order(key, tp);
    ASSERT_TRUE(placed.ok());
    ASSERT_TRUE(ex_.place_order(key, market(core::side::sell, "0.1"_d)).ok());
    const auto* o = ex_.find_order(key, btc, order_ref{placed->id, ""});
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->status, order_status::expired);
}

}  // namespace
}  // namespace tradebot::sim::engine::test

namespace tradebot::sim::engine::test {
namespace {

class partial_fills : public engine_test {
protected:
    static market_prices with_ask(decimal ask, decimal ask_qty) {
        auto p = prices(ask, ask, ask - "0.1"_d, ask);
        p.ask_qty = ask_qty;
        return p;
    }
};

TEST_F(partial_fills, resting_order_takes_only_the_size_shown) {
    auto r = ex_.place_order(key, limit(core::side::buy, "0.5"_d, "49900"_d));
    ASSERT_TRUE(r.ok());
    ex_.on_price(btc, with_ask("49900"_d, "0.2"_d));
    auto o = *ex_.find_order(key, btc, order_ref{r->id, ""});
    EXPECT_EQ(o.status, order_status::partially_filled);
    EXPECT_EQ(o.filled_qty, "0.2"_d);
    EXPECT_EQ(size(), "0.2"_d);
    ex_.on_price(btc, with_ask("49899"_d, "5"_d));
    o = *ex_.find_order(key, btc, order_ref{r->id, ""});
    EXPECT_EQ(o.status, order_status::filled);
    EXPECT_EQ(o.avg_price, "49900"_d);
    EXPECT_EQ(events_of<fill_event>().size(), 2U);
}

TEST_F(partial_fills, older_orders_are_served_first) {
    auto first = ex_.place_order(key, limit(core::side::buy, "0.3"_d, "49900"_d));
    auto second = ex_.place_order(key, limit(core::side::buy, "0.3"_d, "49950"_d));
    ASSERT_TRUE(first.ok() && second.ok());
    ex_.on_price(btc, with_ask("49900"_d, "0.4"_d));
    EXPECT_EQ(ex_.find_order(key, btc, order_ref{first->id, ""})->filled_qty, "0.3"_d);
    EXPECT_EQ(ex_.find_order(key, btc, order_ref{second->id, ""})->filled_qty, "0.1"_d);
}

TEST_F(partial_fills, a_cancel_after_a_partial_fill_keeps_the_fill) {
    auto r = ex_.place_order(key, limit(core::side::buy, "0.5"_d, "49900"_d));
    ASSERT_TRUE(r.ok());
    ex_.on_price(btc, with_ask("49900"_d, "0.2"_d));
    auto c = ex_.cancel_order(key, btc, order_ref{r->id, ""});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->status, order_status::canceled);
    EXPECT_EQ(c->filled_qty, "0.2"_d);
    EXPECT_EQ(size(), "0.2"_d);
}

}  // namespace
}  // namespace tradebot::sim::engine::test
