// The Bybit venue_client against tradebot-sim over TLS: reference data, orders, stops, faults.
#include "bybit_fixture.hpp"

namespace tradebot::exchange::bybit::testing {
namespace {

using namespace tradebot::core::literals;

TEST_F(bybit_sim_test, LoadsInstrumentsAndServerTime) {
    auto rules = run(venue_->load_instruments());
    ASSERT_TRUE(rules.has_value()) << rules.error().describe();
    EXPECT_GE(rules->size(), 5U);
    const auto* btc = venue_->rules(sym("BTCUSDT"));
    ASSERT_NE(btc, nullptr);
    EXPECT_EQ(btc->tick_size, "0.10"_d);
    EXPECT_EQ(btc->step_size, "0.001"_d);
    EXPECT_EQ(btc->min_qty, "0.001"_d);
    EXPECT_EQ(btc->market_max_qty, "120"_d);
    EXPECT_EQ(btc->min_notional, "100"_d);
    ASSERT_TRUE(symbols_.to_venue(sym("ETHUSDT")).has_value());

    auto t = run(venue_->server_time());
    ASSERT_TRUE(t.has_value()) << t.error().describe();
    EXPECT_LT(std::abs(*t - clock_.now_ms()), 5'000);
    EXPECT_TRUE(sync_.synced());

    auto mark = run(venue_->mark_price(sym("BTCUSDT"), request_priority::normal));
    ASSERT_TRUE(mark.has_value()) << mark.error().describe();
    EXPECT_EQ(mark->mark_price, "60000"_d);

    auto bal = run(venue_->balances());
    ASSERT_TRUE(bal.has_value()) << bal.error().describe();
    ASSERT_FALSE(bal->empty());
    EXPECT_EQ(bal->front().asset, "USDT");
    EXPECT_EQ(bal->front().wallet_balance, "10000"_d);
    EXPECT_EQ(bal->front().available, "10000"_d);
}

TEST_F(bybit_sim_test, UnknownSymbolIsAnErrorNotAGuess) {
    auto r = run(venue_->mark_price(sym("BTCUSDT"), request_priority::normal));  // map not loaded
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind, error_kind::invalid_request);
}

TEST_F(bybit_sim_test, SettingsAreIdempotent) {
    load();
    auto mode = run(venue_->set_one_way_mode());
    EXPECT_TRUE(mode.has_value()) << mode.error().describe();
    auto lev = run(venue_->set_leverage(sym("BTCUSDT"), 7, exchange::request_priority::normal));
    EXPECT_TRUE(lev.has_value()) << lev.error().describe();
    auto again = run(venue_->set_leverage(sym("BTCUSDT"), 7, exchange::request_priority::normal));  // 110043 -> success
    EXPECT_TRUE(again.has_value()) << again.error().describe();
    auto isolated = run(
        venue_->set_margin_mode(sym("BTCUSDT"), exchange::margin_mode::isolated, exchange::request_priority::normal));
    EXPECT_TRUE(isolated.has_value()) << isolated.error().describe();
    auto cross =
        run(venue_->set_margin_mode(sym("BTCUSDT"), exchange::margin_mode::cross, exchange::request_priority::normal));
    EXPECT_TRUE(cross.has_value()) << cross.error().describe();
}

TEST_F(bybit_sim_test, AccountSetupReadsTheKeysPermissionAndTheModeOfAPosition) {
    load();
    auto flat = run(venue_->account_setup());
    ASSERT_TRUE(flat.has_value()) << flat.error().describe();
    EXPECT_TRUE(flat->can_trade);                   // query-api readOnly 0
    EXPECT_FALSE(flat->hedge_mode.has_value());     // no position: Bybit cannot tell
    EXPECT_EQ(flat->account_margin, std::optional<margin_mode>{margin_mode::cross});  // account/info REGULAR_MARGIN
    EXPECT_FALSE(flat->portfolio_margin);
    EXPECT_FALSE(flat->multi_assets.has_value());  // a Binance notion
    ASSERT_TRUE(run(venue_->set_margin_mode(sym("ETHUSDT"), margin_mode::isolated, request_priority::normal)).has_value());
    auto isolated = run(venue_->account_setup());
    ASSERT_TRUE(isolated.has_value()) << isolated.error().describe();
    EXPECT_EQ(isolated->account_margin, std::optional<margin_mode>{margin_mode::isolated});  // account-wide
    ASSERT_TRUE(run(venue_->set_margin_mode(sym("ETHUSDT"), margin_mode::cross, request_priority::normal)).has_value());
    market_order_request req;
    req.symbol = sym("BTCUSDT");
    req.side = core::side::buy;
    req.quantity = "0.010"_d;
    req.client_id = id(230);
    ASSERT_TRUE(run(venue_->place_market_order(req, request_priority::normal)).has_value());
    auto open = run(venue_->account_setup());
    ASSERT_TRUE(open.has_value()) << open.error().describe();
    EXPECT_EQ(open->hedge_mode, std::optional<bool>{false});  // positionIdx 0: one-way
}

// The request-duration histogram is labelled by path: its count is the number of calls sent.
std::uint64_t sent_to(prometheus::Registry& registry, std::string_view path) {
    for (const auto& family : registry.Collect()) {
        if (family.name != "tradebot_exchange_request_duration_seconds") continue;
        for (const auto& m : family.metric) {
            for (const auto& l : m.label) {
                if (l.name == "endpoint" && l.value == path) return m.histogram.sample_count;
            }
        }
    }
    return 0;
}

TEST_F(bybit_sim_test, LeverageAboveMaxLeverageIsRefusedBeforeSending) {
    load();  // instruments-info: ETHUSDT leverageFilter.maxLeverage 100.00 in the default scenario
    auto refused = run(venue_->set_leverage(sym("ETHUSDT"), 101, exchange::request_priority::normal));
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().kind, error_kind::invalid_request);
    EXPECT_EQ(refused.error().http_status, 0u);
    EXPECT_EQ(refused.error().message, "leverage 101 above the venue's maximum 100 for ETHUSDT (not sent)");
    EXPECT_EQ(sent_to(registry_, "/v5/position/set-leverage"), 0u);
    auto top = run(venue_->set_leverage(sym("ETHUSDT"), 100, exchange::request_priority::normal));
    EXPECT_TRUE(top.has_value()) << top.error().describe();
    EXPECT_EQ(sent_to(registry_, "/v5/position/set-leverage"), 1u);
}

TEST_F(bybit_sim_test, PlaceQueryCancelLimitOrder) {
    load();
    limit_order_request req;
    req.symbol = sym("BTCUSDT");
    req.side = core::side::buy;
    req.quantity = "0.010"_d;
    req.price = "55000.0"_d;
    req.client_id = id(101);
    auto ack = run(venue_->place_limit_order(req, request_priority::normal));
    ASSERT_TRUE(ack.has_value()) << ack.error().describe();
    EXPECT_FALSE(ack->venue_order_id.empty());

    auto q = run(venue_->query_order(sym("BTCUSDT"), id(101)));
    ASSERT_TRUE(q.has_value()) << q.error().describe();
    EXPECT_EQ(q->status, order_status::new_);
    EXPECT_EQ(q->venue_order_id, ack->venue_order_id);
    ASSERT_TRUE(q->client_id.has_value());
    EXPECT_EQ(*q->client_id, id(101));
    EXPECT_EQ(q->quantity, "0.01"_d);
    ASSERT_TRUE(q->price.has_value());
    EXPECT_EQ(*q->price, "55000"_d);

    auto open = run(venue_->open_orders(std::nullopt));
    ASSERT_TRUE(open.has_value()) << open.error().describe();
    ASSERT_EQ(open->size(), 1U);
    EXPECT_EQ(open->front().raw_client_id, id(101).str());

    auto cancel = run(venue_->cancel_order(sym("BTCUSDT"), id(101), request_priority::normal));
    ASSERT_TRUE(cancel.has_value()) << cancel.error().describe();
    auto again = run(venue_->cancel_order(sym("BTCUSDT"), id(101), request_priority::normal));
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().kind, error_kind::unknown_order) << again.error().describe();

    auto after = run(venue_->query_order(sym("BTCUSDT"), id(101)));
    ASSERT_TRUE(after.has_value()) << after.error().describe();
    EXPECT_EQ(after->status, order_status::canceled);

    auto none = run(venue_->query_order(sym("BTCUSDT"), id(999)));
    ASSERT_FALSE(none.has_value());
    EXPECT_EQ(none.error().kind, error_kind::unknown_order);
}

TEST_F(bybit_sim_test, MarketStatsFollowThePricePathAndTheFills) {
    load();
    // A signal candle T a few minutes ahead, not on the hour, so that the 5 minutes before it lie
    // in T's hour; the simulator's clock is moved into those 5 minutes.
    constexpr std::int64_t five = 300'000;
    const auto now = run(venue_->server_time());
    ASSERT_TRUE(now.has_value()) << now.error().describe();
    std::int64_t t = (*now / five + 2) * five;
    if (t % 3'600'000 == 0) {
        t += five;
    }
    ASSERT_EQ(control("/sim/advance", R"({"ms":)" + std::to_string(t - five + 1'000 - *now) + "}").first, 200);
    sync_.on_clock_skew();  // re-sync to the moved clock: the order below is signed
    ASSERT_TRUE(run(venue_->server_time()).has_value());
    price("BTCUSDT", "60000");
    market_order_request req;
    req.symbol = sym("BTCUSDT");
    req.side = core::side::buy;
    req.quantity = "0.010"_d;
    req.client_id = id(210);
    auto ack = run(venue_->place_market_order(req, request_priority::normal));
    ASSERT_TRUE(ack.has_value()) << ack.error().describe();
    ASSERT_TRUE(ack->state.has_value());
    price("BTCUSDT", "58800");
    const auto later = run(venue_->server_time());
    ASSERT_TRUE(later.has_value());
    ASSERT_EQ(control("/sim/advance", R"({"ms":)" + std::to_string(t + 1'000 - *later) + "}").first, 200);
    price("BTCUSDT", "62000");  // the next candle: must not leak into the 5 minutes before T

    market_stats_request q;
    q.symbol = sym("BTCUSDT");
    q.signal_ms = t;
    const auto s = run(venue_->market_stats(q, request_priority::normal));
    ASSERT_TRUE(s.has_value()) << s.error().describe();
    const auto mark = run(venue_->mark_price(sym("BTCUSDT"), request_priority::normal));
    ASSERT_TRUE(mark.has_value());
    EXPECT_EQ(s->open_interest_usdt, std::optional{"0.01"_d * mark->mark_price});  // the one long, at the mark
    EXPECT_EQ(s->volume_1h_usdt, std::optional{"0.01"_d * ack->state->average_price});
    EXPECT_EQ(s->price_change_5min_percent, std::optional{"-2"_d});  // 60000 -> 58800

    q.signal_ms = t - 3 * 3'600'000;
    q.open_interest = false;
    const auto old = run(venue_->market_stats(q, request_priority::normal));
    ASSERT_TRUE(old.has_value()) << old.error().describe();
    EXPECT_FALSE(old->open_interest_usdt.has_value());
    EXPECT_FALSE(old->volume_1h_usdt.has_value());
    EXPECT_FALSE(old->price_change_5min_percent.has_value());
}

// §11 #49: the risk-limit tiers give the notional cap at a leverage (read once per symbol), and the
// simulator refuses an entry past it with 110090 while one within it fills.
TEST_F(bybit_sim_test, NotionalCapFollowsTheRiskLimitAndTheVenueAnswers110090AboveIt) {
    load();  // default scenario ETHUSDT: 100x up to 300 000, then 1 000 000 at 50x, 5 000 000 at 20x
    const auto at100 = run(venue_->max_notional(sym("ETHUSDT"), 100));
    ASSERT_TRUE(at100.has_value()) << at100.error().describe();
    EXPECT_EQ(*at100, "300000"_d);
    EXPECT_EQ(run(venue_->max_notional(sym("ETHUSDT"), 50)).value(), "1000000"_d);
    EXPECT_EQ(run(venue_->max_notional(sym("ETHUSDT"), 10)).value(), "5000000"_d);
    EXPECT_EQ(sent_to(registry_, "/v5/market/risk-limit"), 1u);

    ASSERT_TRUE(run(venue_->set_leverage(sym("ETHUSDT"), 100, exchange::request_priority::normal)).has_value());
    price("ETHUSDT", "3000");
    market_order_request big;
    big.symbol = sym("ETHUSDT");
    big.side = core::side::buy;
    big.quantity = "101"_d;  // about 303 000 USDT at 100x
    big.client_id = id(301);
    const auto refused = run(venue_->place_market_order(big, request_priority::normal));
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().venue_code, 110090);
    EXPECT_EQ(refused.error().kind, error_kind::invalid_request);
    market_order_request small = big;
    small.quantity = "10"_d;
    small.client_id = id(302);
    const auto filled = run(venue_->place_market_order(small, request_priority::normal));
    ASSERT_TRUE(filled.has_value()) << filled.error().describe();
}

TEST_F(bybit_sim_test, MarketOrderReturnsItsFillAndOpensAPosition) {
    load();
    market_order_request req;
    req.symbol = sym("BTCUSDT");
    req.side = core::side::buy;
    req.quantity = "0.010"_d;
    req.client_id = id(201);
    auto ack = run(venue_->place_market_order(req, request_priority::normal));
    ASSERT_TRUE(ack.has_value()) << ack.error().describe();
    ASSERT_TRUE(ack->state.has_value());
    EXPECT_EQ(ack->state->status, order_status::filled);
    EXPECT_EQ(ack->state->filled_quantity, "0.01"_d);
    EXPECT_TRUE(ack->state->average_price.is_positive());

    auto pos = run(venue_->positions(request_priority::normal));
    ASSERT_TRUE(pos.has_value()) << pos.error().describe();
    ASSERT_EQ(pos->size(), 1U);
    EXPECT_EQ(pos->front().symbol.str(), "BTCUSDT");
    EXPECT_EQ(pos->front().side, core::position_side::long_);
    EXPECT_EQ(pos->front().quantity, "0.01"_d);

    // A duplicate orderLinkId is refused by the venue, never sent as a second order.
    auto dup = run(venue_->place_market_order(req, request_priority::normal));
    ASSERT_FALSE(dup.has_value());
    EXPECT_EQ(dup.error().kind, error_kind::duplicate_client_id) << dup.error().describe();

    market_order_request close = req;
    close.side = core::side::sell;
    close.reduce_only = true;
    close.client_id = id(201, core::order_purpose::exit);
    auto closed = run(venue_->place_market_order(close, request_priority::critical));
    ASSERT_TRUE(closed.has_value()) << closed.error().describe();
    auto flat = run(venue_->positions(request_priority::normal));
    ASSERT_TRUE(flat.has_value());
    EXPECT_TRUE(flat->empty());

    // Reduce-only with no position: the venue refuses it (110017), nothing opens.
    close.client_id = id(201, core::order_purpose::exit, 1);
    auto reduce = run(venue_->place_market_order(close, request_priority::critical));
    ASSERT_FALSE(reduce.has_value());
    EXPECT_EQ(reduce.error().kind, error_kind::reduce_only_rejected) << reduce.error().describe();
}

}  // namespace
}  // namespace tradebot::exchange::bybit::testing
