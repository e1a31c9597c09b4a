// Protective stops (trading-stop) and the simulator's faults.
#include "bybit_fixture.hpp"

namespace tradebot::exchange::bybit::testing {
namespace {

using namespace tradebot::core::literals;

class bybit_position_test : public bybit_sim_test {
protected:
    void open_long(std::int64_t position, const char* qty = "0.010") {
        load();
        market_order_request req;
        req.symbol = sym("BTCUSDT");
        req.side = core::side::buy;
        req.quantity = core::decimal::from_string(qty);
        req.client_id = id(position);
        auto ack = run(venue_->place_market_order(req, request_priority::normal));
        ASSERT_TRUE(ack.has_value()) << ack.error().describe();
    }
    stop_request fixed(core::decimal trigger) {
        stop_request s;
        s.symbol = sym("BTCUSDT");
        s.position = core::position_side::long_;
        s.kind = stop_kind::fixed;
        s.trigger_price = trigger;
        s.client_id = id(1, core::order_purpose::stop);
        return s;
    }
};

TEST_F(bybit_position_test, StopPlacedAmendedAndFiredByMarkPrice) {
    open_long(301);
    auto& stream = start_private();
    collector<events::stream_state> states{router_.topic<events::stream_state>(events::topic_name::stream_state),
                                           io_.get_executor()};
    collector<events::position_update> positions{
        router_.topic<events::position_update>(events::topic_name::position_update), io_.get_executor()};
    collector<events::order_update> orders{router_.topic<events::order_update>(events::topic_name::order_update),
                                           io_.get_executor()};
    ASSERT_TRUE(states.wait_for([](const auto& s) { return s.status == events::stream_status::connected; }, 5s));
    EXPECT_TRUE(stream.authenticated());

    auto placed = run(venue_->place_stop(fixed("58000.0"_d)));
    ASSERT_TRUE(placed.has_value()) << placed.error().describe();
    auto stops = run(venue_->open_stops(std::nullopt));
    ASSERT_TRUE(stops.has_value()) << stops.error().describe();
    ASSERT_EQ(stops->size(), 1U);
    EXPECT_EQ(stops->front().kind, stop_kind::fixed);
    EXPECT_EQ(*stops->front().trigger_price, "58000"_d);

    // Same value again: 34040 "not modified" is success.
    auto same = run(venue_->place_stop(fixed("58000.0"_d)));
    EXPECT_TRUE(same.has_value()) << same.error().describe();

    auto moved = run(venue_->amend_stop(*placed, fixed("59000.0"_d)));
    ASSERT_TRUE(moved.has_value()) << moved.error().describe();
    stops = run(venue_->open_stops(sym("BTCUSDT")));
    ASSERT_TRUE(stops.has_value());
    ASSERT_EQ(stops->size(), 1U);
    EXPECT_EQ(*stops->front().trigger_price, "59000"_d);

    // A stop above the mark for a long would fire at once: the venue refuses it.
    auto crossed = run(venue_->place_stop(fixed("61000.0"_d)));
    ASSERT_FALSE(crossed.has_value());
    EXPECT_TRUE(crossed.error().kind == error_kind::would_trigger_immediately ||
                crossed.error().kind == error_kind::invalid_request)
        << crossed.error().describe();

    price("BTCUSDT", "58900");
    ASSERT_TRUE(wait_until(
        [&] {
            auto p = run(venue_->positions(request_priority::normal));
            return p.has_value() && p->empty();
        },
        5s));
    EXPECT_TRUE(positions.wait_for(
        [](const auto& p) { return p.symbol.str() == "BTCUSDT" && p.quantity.is_zero(); }, 5s));
    EXPECT_TRUE(orders.wait_for(
        [](const auto& o) { return o.status == events::order_status::filled && o.side == core::side::sell; }, 5s));
    auto gone = run(venue_->open_stops(std::nullopt));
    ASSERT_TRUE(gone.has_value());
    EXPECT_TRUE(gone->empty());
}

TEST_F(bybit_position_test, TrailingStopIsADistanceAndCancels) {
    open_long(302);
    stop_request t;
    t.symbol = sym("BTCUSDT");
    t.position = core::position_side::long_;
    t.kind = stop_kind::trailing;
    t.callback_pct = "1"_d;
    t.activation_price = "61000.0"_d;
    auto placed = run(venue_->place_stop(t));
    ASSERT_TRUE(placed.has_value()) << placed.error().describe();
    auto stops = run(venue_->open_stops(std::nullopt));
    ASSERT_TRUE(stops.has_value()) << stops.error().describe();
    ASSERT_EQ(stops->size(), 1U);
    EXPECT_EQ(stops->front().kind, stop_kind::trailing);

    auto cancel = run(venue_->cancel_stop(stops->front()));
    ASSERT_TRUE(cancel.has_value()) << cancel.error().describe();
    stops = run(venue_->open_stops(std::nullopt));
    ASSERT_TRUE(stops.has_value());
    EXPECT_TRUE(stops->empty());
}

TEST_F(bybit_position_test, CancelStopTwiceIsUnknownOrder) {
    open_long(303);
    auto placed = run(venue_->place_stop(fixed("58000.0"_d)));
    ASSERT_TRUE(placed.has_value()) << placed.error().describe();
    auto first = run(venue_->cancel_stop(*placed));
    ASSERT_TRUE(first.has_value()) << first.error().describe();
    auto second = run(venue_->cancel_stop(*placed));
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().kind, error_kind::unknown_order) << second.error().describe();
}

TEST_F(bybit_position_test, NewPositionInvisibleForAWhile) {
    load();
    fault(R"({"kind":"position_delay","ms":1500})");
    open_long(304);
    auto early = run(venue_->positions(request_priority::normal));
    ASSERT_TRUE(early.has_value()) << early.error().describe();
    EXPECT_TRUE(early->empty());  // not visible yet: a success, which the caller must not read as flat
    ASSERT_TRUE(wait_until(
        [&] {
            auto p = run(venue_->positions(request_priority::normal));
            return p.has_value() && p->size() == 1U;
        },
        5s));
}

TEST_F(bybit_position_test, EmptyPositionsOnceNeedsASecondRead) {
    open_long(305);
    fault(R"({"kind":"empty_positions_once"})");
    auto first = run(venue_->positions(request_priority::normal));
    ASSERT_TRUE(first.has_value()) << first.error().describe();
    EXPECT_TRUE(first->empty());
    auto second = run(venue_->positions(request_priority::normal));
    ASSERT_TRUE(second.has_value()) << second.error().describe();
    EXPECT_EQ(second->size(), 1U);
}

TEST_F(bybit_sim_test, ThrottleBacksOff) {
    load();
    fault(R"({"kind":"throttle","on":true})");
    auto r = run(venue_->balances());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind, error_kind::rate_limited) << r.error().describe();
    EXPECT_EQ(r.error().http_status, 403U);
    EXPECT_TRUE(limiter_.banned());
    EXPECT_GE(limiter_.stats().rate_limited_responses, 1U);
}

TEST_F(bybit_sim_test, ReadsGoThroughResetsAnd503s) {
    load();
    ASSERT_TRUE(run(venue_->server_time()).has_value());  // synced: no time read takes a fault
    fault(R"({"kind":"reset","count":2})");
    fault(R"({"kind":"http_5xx","count":1})");
    auto b = run(venue_->balances());
    ASSERT_TRUE(b.has_value()) << b.error().describe();
    fault(R"({"kind":"http_5xx","count":4})");
    auto gone = run(venue_->balances());
    ASSERT_FALSE(gone.has_value());
    EXPECT_EQ(gone.error().http_status, 503U) << gone.error().describe();
}

TEST_F(bybit_sim_test, ClockSkewResyncsAndRetriesReads) {
    load();
    ASSERT_TRUE(run(venue_->server_time()).has_value());
    fault(R"({"kind":"clock_skew","ms":-4000})");
    auto r = run(venue_->balances());
    ASSERT_TRUE(r.has_value()) << r.error().describe();
    EXPECT_EQ(sync_.skew_events(), 1U);
    // A new order is not retried after 10002: re-synced, so the next attempt goes through.
    fault(R"({"kind":"clock_skew","ms":0})");
}

TEST_F(bybit_sim_test, HangAfterAcceptIsResolvedByClientId) {
    load();
    fault(R"({"kind":"hang_after_accept"})");
    limit_order_request req;
    req.symbol = sym("BTCUSDT");
    req.side = core::side::buy;
    req.quantity = "0.010"_d;
    req.price = "55000.0"_d;
    req.client_id = id(401);
    auto ack = run(venue_->place_limit_order(req, request_priority::normal));
    ASSERT_FALSE(ack.has_value());
    EXPECT_EQ(ack.error().kind, error_kind::unknown_outcome) << ack.error().describe();

    auto found = run(venue_->query_order(sym("BTCUSDT"), id(401)));
    ASSERT_TRUE(found.has_value()) << found.error().describe();
    EXPECT_EQ(found->status, order_status::new_);
    auto open = run(venue_->open_orders(sym("BTCUSDT")));
    ASSERT_TRUE(open.has_value());
    EXPECT_EQ(open->size(), 1U);
    // Re-sending the same id cannot make a second order.
    auto again = run(venue_->place_limit_order(req, request_priority::normal));
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().kind, error_kind::duplicate_client_id);
    open = run(venue_->open_orders(sym("BTCUSDT")));
    ASSERT_TRUE(open.has_value());
    EXPECT_EQ(open->size(), 1U);
}

}  // namespace
}  // namespace tradebot::exchange::bybit::testing
