// Reference data, prices, regular orders, account state and settings of the paper client.
#include "fixture.hpp"

namespace tradebot::exchange::paper::testing {
namespace {

TEST_F(paper_test, load_instruments_registers_each_trading_instrument_in_the_engine) {
    make();
    auto loaded = run(paper->load_instruments());
    ASSERT_TRUE(loaded.has_value());
    EXPECT_EQ(loaded->size(), 3U);  // the caller still sees everything the venue listed
    const auto* spec = paper->engine().find_instrument(btc);
    ASSERT_NE(spec, nullptr);
    EXPECT_EQ(spec->tick_size, "0.10"_d);
    EXPECT_EQ(spec->step_size, "0.001"_d);
    EXPECT_EQ(spec->market_max_qty, "120"_d);
    EXPECT_EQ(spec->min_notional, "5"_d);
    EXPECT_EQ(spec->max_leverage, 125);
    EXPECT_EQ(spec->base_asset, "BTC");
    EXPECT_NE(paper->engine().find_instrument(eth), nullptr);
    EXPECT_EQ(paper->engine().find_instrument(dead), nullptr);  // not trading
}

TEST_F(paper_test, load_failure_is_passed_through_and_registers_nothing) {
    error e;
    e.kind = error_kind::retryable;
    market.load_error = e;
    make();
    auto loaded = run(paper->load_instruments());
    ASSERT_TRUE(loaded.has_error());
    EXPECT_EQ(loaded.error().kind, error_kind::retryable);
    EXPECT_EQ(paper->engine().find_instrument(btc), nullptr);
}

TEST_F(paper_test, reports_the_market_data_venue_and_emulates_it_unless_told) {
    market.id = core::exchange_id::bybit;
    make();
    EXPECT_EQ(paper->venue(), core::exchange_id::bybit);
    EXPECT_EQ(paper->emulated_venue(), core::exchange_id::bybit);
    paper_options o;
    o.emulate = core::exchange_id::binance;
    client other{clock, market, o};
    EXPECT_EQ(other.venue(), core::exchange_id::bybit);
    EXPECT_EQ(other.emulated_venue(), core::exchange_id::binance);
    auto t = run(paper->server_time());
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(*t, 1'767'225'600'123);
}

TEST_F(paper_test, market_order_before_any_price_is_a_retryable_error_and_places_nothing) {
    make();
    ASSERT_TRUE(run(paper->load_instruments()).has_value());
    auto ack = buy("0.010"_d, cid(1, core::order_purpose::entry));
    ASSERT_TRUE(ack.has_error());
    EXPECT_EQ(ack.error().kind, error_kind::retryable);
    EXPECT_NE(ack.error().message.find("no mark price for BTCUSDT"), std::string::npos);
    auto q = run(paper->query_order(btc, cid(1, core::order_purpose::entry)));
    ASSERT_TRUE(q.has_error());
    EXPECT_EQ(q.error().kind, error_kind::unknown_order);
    EXPECT_TRUE(open_positions().empty());
    deliver();
    EXPECT_TRUE(orders.empty());
}

TEST_F(paper_test, order_for_an_unknown_or_halted_symbol_is_invalid_request) {
    start();
    auto ack = run(paper->place_market_order(
        market_order_request{dead, core::side::buy, "10"_d, false, cid(1, core::order_purpose::entry)},
        request_priority::normal));
    ASSERT_TRUE(ack.has_error());
    EXPECT_EQ(ack.error().kind, error_kind::invalid_request);
}

TEST_F(paper_test, market_entry_fills_at_ask_plus_slippage_with_the_step_rounded_quantity) {
    start(slippage("10"_d));
    const auto* rules = &market.rules[0];
    const core::decimal qty = rules->floor_quantity("0.0123456"_d, core::order_type::market);
    ASSERT_EQ(qty, "0.012"_d);
    auto ack = buy(qty, cid(7, core::order_purpose::entry));
    ASSERT_TRUE(ack.has_value()) << ack.error().describe();
    EXPECT_EQ(ack->client_id, cid(7, core::order_purpose::entry));
    ASSERT_TRUE(ack->state.has_value());
    EXPECT_EQ(ack->state->status, order_status::filled);
    EXPECT_EQ(ack->state->filled_quantity, "0.012"_d);
    // ask 60000.10 (mark + one tick) + 10 bps = 60060.1001, rounded up to the tick.
    EXPECT_EQ(ack->state->average_price, "60060.2"_d);
    EXPECT_EQ(ack->venue_order_id, ack->state->venue_order_id);
}

TEST_F(paper_test, market_sell_fills_at_bid_minus_slippage) {
    start(slippage("10"_d));
    auto ack = sell("0.012"_d, cid(8, core::order_purpose::entry));
    ASSERT_TRUE(ack.has_value());
    ASSERT_TRUE(ack->state.has_value());
    EXPECT_EQ(ack->state->average_price, "59939.9"_d);  // 59999.90 - 59.9999, rounded down to the tick
    const auto p = open_positions();
    ASSERT_EQ(p.size(), 1U);
    EXPECT_EQ(p[0].side, core::position_side::short_);
    EXPECT_EQ(p[0].quantity, "0.012"_d);
}

TEST_F(paper_test, quantity_off_the_step_is_invalid_request) {
    start();
    auto ack = buy("0.0125"_d, cid(1, core::order_purpose::entry));
    ASSERT_TRUE(ack.has_error());
    EXPECT_EQ(ack.error().kind, error_kind::invalid_request);
    EXPECT_EQ(ack.error().venue_code, -4023);
    EXPECT_EQ(ack.error().venue, core::exchange_id::binance);
}

TEST_F(paper_test, query_order_finds_the_order_by_client_id) {
    start();
    ASSERT_TRUE(buy("0.010"_d, cid(3, core::order_purpose::entry, 2)).has_value());
    auto q = run(paper->query_order(btc, cid(3, core::order_purpose::entry, 2)));
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->status, order_status::filled);
    EXPECT_EQ(q->filled_quantity, "0.010"_d);
    EXPECT_EQ(q->average_price, "60000.1"_d);
    EXPECT_EQ(q->raw_client_id, cid(3, core::order_purpose::entry, 2).str());
    ASSERT_TRUE(q->client_id.has_value());
    EXPECT_EQ(*q->client_id, cid(3, core::order_purpose::entry, 2));
    auto other = run(paper->query_order(btc, cid(3, core::order_purpose::entry, 3)));
    ASSERT_TRUE(other.has_error());
    EXPECT_EQ(other.error().kind, error_kind::unknown_order);
}

TEST_F(paper_test, positions_balances_and_events_after_a_fill) {
    start();
    ASSERT_TRUE(buy("0.010"_d, cid(4, core::order_purpose::entry)).has_value());
    const auto p = open_positions();
    ASSERT_EQ(p.size(), 1U);
    EXPECT_EQ(p[0].symbol, btc);
    EXPECT_EQ(p[0].side, core::position_side::long_);
    EXPECT_EQ(p[0].quantity, "0.010"_d);
    EXPECT_EQ(p[0].entry_price, "60000.10"_d);
    EXPECT_EQ(p[0].mark_price, "60000.00"_d);
    EXPECT_EQ(p[0].unrealized_pnl, "-0.001"_d);
    EXPECT_EQ(p[0].leverage, "20"_d);
    auto b = run(paper->balances());
    ASSERT_TRUE(b.has_value());
    ASSERT_EQ(b->size(), 1U);
    EXPECT_EQ((*b)[0].asset, "USDT");
    EXPECT_EQ((*b)[0].wallet_balance, "9999.6999995"_d);  // 10000 - 0.0005 x 600.001 taker fee
    EXPECT_EQ((*b)[0].unrealized_pnl, "-0.001"_d);
    EXPECT_EQ((*b)[0].available, "9969.6989995"_d);  // - 30 initial margin at 20x, - 0.001 upnl

    deliver();
    ASSERT_EQ(orders.size(), 2U);  // NEW, then the fill
    EXPECT_EQ(orders[0].status, events::order_status::new_);
    EXPECT_EQ(orders[1].status, events::order_status::filled);
    EXPECT_EQ(orders[1].client_order_id, cid(4, core::order_purpose::entry).str());
    EXPECT_EQ(orders[1].last_fill_quantity, "0.010"_d);
    EXPECT_EQ(orders[1].last_fill_price, "60000.10"_d);
    EXPECT_EQ(orders[1].fee, "0.3000005"_d);
    EXPECT_EQ(orders[1].exchange, core::exchange_id::binance);
    ASSERT_EQ(positions.size(), 1U);
    EXPECT_EQ(positions[0].quantity, "0.010"_d);
    EXPECT_EQ(positions[0].leverage, 20U);
    ASSERT_EQ(balances.size(), 1U);
    EXPECT_EQ(balances[0].wallet_balance, "9999.6999995"_d);
}

TEST_F(paper_test, reduce_only_close_shrinks_to_the_position_and_is_refused_when_flat) {
    start();
    ASSERT_TRUE(buy("0.010"_d, cid(5, core::order_purpose::entry)).has_value());
    auto close = sell("0.050"_d, cid(5, core::order_purpose::exit), true);
    ASSERT_TRUE(close.has_value());
    ASSERT_TRUE(close->state.has_value());
    EXPECT_EQ(close->state->filled_quantity, "0.010"_d);
    EXPECT_TRUE(close->state->reduce_only);
    EXPECT_TRUE(open_positions().empty());
    auto again = sell("0.010"_d, cid(5, core::order_purpose::exit, 2), true);
    ASSERT_TRUE(again.has_error());
    EXPECT_EQ(again.error().kind, error_kind::reduce_only_rejected);
}

TEST_F(paper_test, duplicate_client_id_of_an_open_order_is_rejected_binance) {
    start();
    const limit_order_request r{btc, core::side::buy, "0.010"_d, "59000.0"_d, time_in_force::gtc, false,
                                cid(6, core::order_purpose::entry)};
    ASSERT_TRUE(run(paper->place_limit_order(r, request_priority::normal)).has_value());
    auto dup = run(paper->place_limit_order(r, request_priority::normal));
    ASSERT_TRUE(dup.has_error());
    EXPECT_EQ(dup.error().kind, error_kind::duplicate_client_id);
    EXPECT_EQ(dup.error().venue_code, -4116);
}

TEST_F(paper_test, duplicate_client_id_is_rejected_even_after_a_fill_bybit) {
    market.id = core::exchange_id::bybit;
    start();
    ASSERT_TRUE(buy("0.010"_d, cid(6, core::order_purpose::entry)).has_value());
    auto dup = buy("0.010"_d, cid(6, core::order_purpose::entry));
    ASSERT_TRUE(dup.has_error());
    EXPECT_EQ(dup.error().kind, error_kind::duplicate_client_id);
    EXPECT_EQ(dup.error().venue_code, 110072);
    EXPECT_EQ(open_positions().at(0).quantity, "0.010"_d);
}

TEST_F(paper_test, insufficient_margin_is_reported_as_such) {
    start();
    auto ack = buy("100"_d, cid(9, core::order_purpose::entry));
    ASSERT_TRUE(ack.has_error());
    EXPECT_EQ(ack.error().kind, error_kind::insufficient_margin);
}

TEST_F(paper_test, limit_order_rests_then_fills_as_maker_when_the_price_comes) {
    start();
    const limit_order_request r{btc, core::side::buy, "0.010"_d, "59000.0"_d, time_in_force::gtc, false,
                                cid(10, core::order_purpose::entry)};
    auto ack = run(paper->place_limit_order(r, request_priority::normal));
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->state->status, order_status::new_);
    auto open = run(paper->open_orders(btc));
    ASSERT_TRUE(open.has_value());
    ASSERT_EQ(open->size(), 1U);
    EXPECT_EQ(open->at(0).price, std::optional{"59000.0"_d});
    mark(btc, "58950.00"_d);  // ask 58950.10 <= 59000
    auto q = run(paper->query_order(btc, cid(10, core::order_purpose::entry)));
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->status, order_status::filled);
    EXPECT_EQ(q->average_price, "59000"_d);
    EXPECT_TRUE(run(paper->open_orders(std::nullopt))->empty());
}

TEST_F(paper_test, cancel_order_by_client_id_then_unknown) {
    start();
    const limit_order_request r{btc, core::side::buy, "0.010"_d, "59000.0"_d, time_in_force::gtc, false,
                                cid(11, core::order_purpose::entry)};
    ASSERT_TRUE(run(paper->place_limit_order(r, request_priority::normal)).has_value());
    EXPECT_TRUE(run(paper->cancel_order(btc, cid(11, core::order_purpose::entry), request_priority::normal)));
    auto again = run(paper->cancel_order(btc, cid(11, core::order_purpose::entry), request_priority::normal));
    ASSERT_TRUE(again.has_error());
    EXPECT_EQ(again.error().kind, error_kind::unknown_order);
    deliver();
    ASSERT_FALSE(orders.empty());
    EXPECT_EQ(orders.back().status, events::order_status::canceled);
}

TEST_F(paper_test, book_ticker_gives_bid_and_ask_while_fresh) {
    start();
    paper->on_book_ticker(btc, "59990.0"_d, "60010.0"_d, clock.now());
    auto ack = buy("0.010"_d, cid(12, core::order_purpose::entry));
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->state->average_price, "60010"_d);
    clock.advance(std::chrono::seconds{10});
    mark(btc, "60000.00"_d);  // the book is 11 s older than this mark: mark + one tick again
    auto second = buy("0.010"_d, cid(13, core::order_purpose::entry));
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->state->average_price, "60000.1"_d);
}

TEST_F(paper_test, a_book_the_mark_has_left_is_not_used_even_while_young) {
    // The book was read at 60000 (59990 / 60010); a second later the mark is 61000: filling at
    // 60010 would be a price the market left (the backtest parity test saw a stop fill so).
    start();
    paper->on_book_ticker(btc, "59990.0"_d, "60010.0"_d, clock.now());
    clock.advance(std::chrono::seconds{1});
    mark(btc, "61000.00"_d);
    auto ack = buy("0.010"_d, cid(15, core::order_purpose::entry));
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->state->average_price, "61000.1"_d);  // mark + one tick
    // Within one spread of the mark the young book still stands.
    paper->on_book_ticker(btc, "60990.0"_d, "61010.0"_d, clock.now());
    mark(btc, "61015.00"_d);
    auto second = buy("0.010"_d, cid(16, core::order_purpose::entry));
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->state->average_price, "61010"_d);
}

TEST_F(paper_test, rest_mark_price_delegates_and_feeds_the_engine) {
    make();
    ASSERT_TRUE(run(paper->load_instruments()).has_value());
    market.rest_mark = mark_price_state{btc, "61000.00"_d, clock.now_ms()};
    auto m = run(paper->mark_price(btc, request_priority::normal));
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->mark_price, "61000.00"_d);
    EXPECT_EQ(market.mark_calls, 1);
    auto ack = buy("0.010"_d, cid(14, core::order_purpose::entry));
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->state->average_price, "61000.1"_d);
}

TEST_F(paper_test, market_stats_come_from_the_market_data_venue_unchanged) {
    make();
    market_stats_request r;
    r.symbol = btc;
    r.signal_ms = 1'767'225'600'000;
    r.volume_1h = false;
    auto s = run(paper->market_stats(r, request_priority::normal));
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->open_interest_usdt, std::optional{"12000000"_d});
    EXPECT_EQ(s->volume_1h_usdt, std::optional{"250000.5"_d});
    EXPECT_EQ(s->price_change_5min_percent, std::optional{"-1.25"_d});
    ASSERT_TRUE(market.stats_asked.has_value());
    EXPECT_EQ(market.stats_asked->signal_ms, r.signal_ms);
    EXPECT_FALSE(market.stats_asked->volume_1h);
}

TEST_F(paper_test, marks_of_another_venue_or_older_than_the_last_are_ignored) {
    start();
    events::mark_price m;
    m.exchange = core::exchange_id::bybit;
    m.symbol = btc;
    m.price = "50000"_d;
    m.exchange_ts = clock.now() + std::chrono::seconds{1};
    paper->on_mark_price(m);
    m.exchange = core::exchange_id::binance;
    m.exchange_ts = clock.now() - std::chrono::seconds{1};
    paper->on_mark_price(m);
    ASSERT_NE(paper->engine().prices(btc), nullptr);
    EXPECT_EQ(paper->engine().prices(btc)->mark, "60000.00"_d);
}

TEST_F(paper_test, settings_succeed_and_repeats_are_success) {
    market.id = core::exchange_id::bybit;  // Bybit refuses an unchanged leverage: still success
    start();
    EXPECT_TRUE(run(paper->set_leverage(btc, 10, request_priority::normal)).has_value());
    EXPECT_TRUE(run(paper->set_leverage(btc, 10, request_priority::normal)).has_value());
    EXPECT_TRUE(run(paper->set_margin_mode(btc, margin_mode::isolated, request_priority::normal)).has_value());
    EXPECT_TRUE(run(paper->set_margin_mode(btc, margin_mode::isolated, request_priority::normal)).has_value());
    EXPECT_TRUE(run(paper->set_one_way_mode()).has_value());
    auto bad = run(paper->set_leverage(btc, 200, request_priority::normal));
    ASSERT_TRUE(bad.has_error());
    EXPECT_EQ(bad.error().kind, error_kind::invalid_request);
    ASSERT_TRUE(buy("0.010"_d, cid(15, core::order_purpose::entry)).has_value());
    const auto p = open_positions();
    ASSERT_EQ(p.size(), 1U);
    EXPECT_EQ(p[0].leverage, "10"_d);
    EXPECT_EQ(p[0].margin, margin_mode::isolated);
    auto blocked = run(paper->set_margin_mode(btc, margin_mode::cross, request_priority::normal));  // a position exists
    ASSERT_TRUE(blocked.has_error());
    EXPECT_EQ(blocked.error().kind, error_kind::invalid_request);
}

}  // namespace
}  // namespace tradebot::exchange::paper::testing
