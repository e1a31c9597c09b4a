// The protective stop of the paper client, with Binance (algo order) and Bybit (trading-stop)
// emulation.
#include <algorithm>

#include "fixture.hpp"

namespace tradebot::exchange::paper::testing {
namespace {

const events::order_update* find_update(const std::vector<events::order_update>& all, const std::string& client_id,
                                        events::order_status status) {
    const auto it = std::find_if(all.begin(), all.end(), [&](const events::order_update& u) {
        return u.client_order_id == client_id && u.status == status;
    });
    return it == all.end() ? nullptr : &*it;
}

class stop_test : public paper_test {
protected:
    // A 0.010 BTC long at 60000.10.
    void open_long(paper_options options = {}) {
        start(std::move(options));
        ASSERT_TRUE(buy("0.010"_d, cid(20, core::order_purpose::entry)).has_value());
        deliver();
        orders.clear();
        positions.clear();
        balances.clear();
    }
};

TEST_F(stop_test, binance_fixed_stop_closes_the_position_when_the_mark_crosses) {
    open_long();
    auto placed = run(paper->place_stop(fixed_stop("59000.0"_d, cid(20, core::order_purpose::stop))));
    ASSERT_TRUE(placed.has_value()) << placed.error().describe();
    EXPECT_FALSE(placed->venue_id.empty());
    EXPECT_EQ(placed->trigger_price, std::optional{"59000.0"_d});
    ASSERT_TRUE(placed->client_id.has_value());
    EXPECT_EQ(*placed->client_id, cid(20, core::order_purpose::stop));
    const auto open = stops();
    ASSERT_EQ(open.size(), 1U);
    EXPECT_EQ(open[0].venue_id, placed->venue_id);
    EXPECT_EQ(open[0].position, core::position_side::long_);
    deliver();
    ASSERT_NE(find_update(orders, cid(20, core::order_purpose::stop, 1).str(), events::order_status::untriggered), nullptr);

    mark(btc, "59100.00"_d);
    EXPECT_EQ(open_positions().size(), 1U);
    mark(btc, "58990.00"_d);
    EXPECT_TRUE(open_positions().empty());
    EXPECT_TRUE(stops().empty());
    // The algo order's own lifecycle under our client id, as Binance's ALGO_UPDATE decodes ...
    EXPECT_NE(find_update(orders, cid(20, core::order_purpose::stop, 1).str(), events::order_status::triggered), nullptr);
    const auto* finished = find_update(orders, cid(20, core::order_purpose::stop, 1).str(), events::order_status::filled);
    ASSERT_NE(finished, nullptr);
    EXPECT_EQ(finished->filled_quantity, "0.010"_d);
    EXPECT_EQ(finished->average_price, "58989.9"_d);  // the bid: mark - one tick
    // ... and the triggered child market order under the engine's id.
    const auto child = std::find_if(orders.begin(), orders.end(), [](const events::order_update& u) {
        return u.type == core::order_type::market && u.status == events::order_status::filled;
    });
    ASSERT_NE(child, orders.end());
    EXPECT_TRUE(child->reduce_only);
    EXPECT_EQ(child->side, core::side::sell);
    EXPECT_EQ(child->last_fill_quantity, "0.010"_d);
    ASSERT_FALSE(positions.empty());
    EXPECT_EQ(positions.back().quantity, "0"_d);
    EXPECT_EQ(positions.back().symbol, btc);
}

TEST_F(stop_test, a_stop_before_any_mark_reads_the_mark_first_as_a_venue_would_know_it) {
    make();
    ASSERT_TRUE(run(paper->load_instruments()).has_value());
    paper->restore_position(btc, core::position_side::long_, "0.010"_d, "60000.10"_d);  // a restart
    const int reads = market.mark_calls;
    auto placed = run(paper->place_stop(fixed_stop("59000.0"_d, cid(20, core::order_purpose::stop))));
    ASSERT_TRUE(placed.has_value()) << placed.error().describe();
    EXPECT_EQ(market.mark_calls, reads + 1);
    EXPECT_EQ(run(paper->open_stops(btc))->size(), 1U);
}

TEST_F(stop_test, stop_already_crossed_would_trigger_immediately) {
    open_long();
    auto placed = run(paper->place_stop(fixed_stop("60500.0"_d, cid(20, core::order_purpose::stop))));
    ASSERT_TRUE(placed.has_error());
    EXPECT_EQ(placed.error().kind, error_kind::would_trigger_immediately);
    EXPECT_EQ(placed.error().venue_code, -2021);
    EXPECT_TRUE(stops().empty());
}

TEST_F(stop_test, binance_trailing_stop_follows_the_mark_and_fires_on_the_callback) {
    open_long();
    auto placed = run(paper->place_stop(trailing_stop("1"_d, cid(20, core::order_purpose::trailing))));
    ASSERT_TRUE(placed.has_value()) << placed.error().describe();
    EXPECT_EQ(placed->kind, stop_kind::trailing);
    EXPECT_EQ(placed->callback_pct, std::optional{"1"_d});
    mark(btc, "62000.00"_d);
    mark(btc, "61400.00"_d);  // fires at 62000 x 0.99 = 61380
    EXPECT_EQ(open_positions().size(), 1U);
    mark(btc, "61380.00"_d);
    EXPECT_TRUE(open_positions().empty());
    EXPECT_NE(find_update(orders, cid(20, core::order_purpose::trailing, 1).str(), events::order_status::filled), nullptr);
}

TEST_F(stop_test, binance_trailing_stop_needs_the_position) {
    start();
    auto placed = run(paper->place_stop(trailing_stop("1"_d, cid(20, core::order_purpose::trailing))));
    ASSERT_TRUE(placed.has_error());
    EXPECT_EQ(placed.error().kind, error_kind::reduce_only_rejected);
}

TEST_F(stop_test, binance_amend_places_the_new_stop_before_cancelling_the_old) {
    open_long();
    auto first = run(paper->place_stop(fixed_stop("59000.0"_d, cid(20, core::order_purpose::stop, 1))));
    ASSERT_TRUE(first.has_value());
    auto moved = run(paper->amend_stop(*first, fixed_stop("59500.0"_d, cid(20, core::order_purpose::stop, 2))));
    ASSERT_TRUE(moved.has_value()) << moved.error().describe();
    EXPECT_NE(moved->venue_id, first->venue_id);
    const auto open = stops();
    ASSERT_EQ(open.size(), 1U);
    EXPECT_EQ(open[0].trigger_price, std::optional{"59500.0"_d});
    EXPECT_EQ(open[0].client_id, std::optional{cid(20, core::order_purpose::stop, 2)});
    deliver();
    const auto* added = find_update(orders, cid(20, core::order_purpose::stop, 2).str(), events::order_status::untriggered);
    const auto* removed = find_update(orders, cid(20, core::order_purpose::stop, 1).str(), events::order_status::canceled);
    ASSERT_NE(added, nullptr);
    ASSERT_NE(removed, nullptr);
    EXPECT_LT(added, removed);  // never a moment without a stop
    mark(btc, "59450.00"_d);
    EXPECT_TRUE(open_positions().empty());
}

TEST_F(stop_test, binance_cancel_stop_then_unknown_order) {
    open_long();
    auto placed = run(paper->place_stop(fixed_stop("59000.0"_d, cid(20, core::order_purpose::stop))));
    ASSERT_TRUE(placed.has_value());
    EXPECT_TRUE(run(paper->cancel_stop(*placed)).has_value());
    EXPECT_TRUE(stops().empty());
    auto again = run(paper->cancel_stop(*placed));
    ASSERT_TRUE(again.has_error());
    EXPECT_EQ(again.error().kind, error_kind::unknown_order);
    mark(btc, "58000.00"_d);
    EXPECT_EQ(open_positions().size(), 1U);  // no stop, no close
}

TEST_F(stop_test, bybit_position_stop_closes_the_position_when_the_mark_crosses) {
    open_long(bybit_options());
    auto placed = run(paper->place_stop(fixed_stop("59000.0"_d, cid(20, core::order_purpose::stop))));
    ASSERT_TRUE(placed.has_value()) << placed.error().describe();
    EXPECT_TRUE(placed->venue_id.empty());
    const auto open = stops();
    ASSERT_EQ(open.size(), 1U);
    EXPECT_EQ(open[0].kind, stop_kind::fixed);
    EXPECT_EQ(open[0].trigger_price, std::optional{"59000.0"_d});
    EXPECT_TRUE(open[0].venue_id.empty());
    mark(btc, "58990.00"_d);
    EXPECT_TRUE(open_positions().empty());
    EXPECT_TRUE(stops().empty());
    const auto* filled = find_update(orders, "", events::order_status::filled);  // Bybit: no orderLinkId
    ASSERT_NE(filled, nullptr);
    EXPECT_EQ(filled->filled_quantity, "0.010"_d);
    EXPECT_TRUE(filled->reduce_only);
    ASSERT_FALSE(positions.empty());
    EXPECT_EQ(positions.back().quantity, "0"_d);
}

TEST_F(stop_test, bybit_amend_moves_the_trigger_in_place) {
    open_long(bybit_options());
    auto first = run(paper->place_stop(fixed_stop("59000.0"_d, cid(20, core::order_purpose::stop, 1))));
    ASSERT_TRUE(first.has_value());
    auto moved = run(paper->amend_stop(*first, fixed_stop("59500.0"_d, cid(20, core::order_purpose::stop, 2))));
    ASSERT_TRUE(moved.has_value());
    const auto open = stops();
    ASSERT_EQ(open.size(), 1U);
    EXPECT_EQ(open[0].trigger_price, std::optional{"59500.0"_d});
    // The same stop again is not an error (Bybit 34040 "not modified").
    EXPECT_TRUE(run(paper->amend_stop(*moved, fixed_stop("59500.0"_d, cid(20, core::order_purpose::stop, 3)))));
    mark(btc, "59450.00"_d);
    EXPECT_TRUE(open_positions().empty());
}

TEST_F(stop_test, bybit_trailing_stop_is_a_distance_and_reads_back_as_percent) {
    open_long(bybit_options());
    auto placed = run(paper->place_stop(trailing_stop("1"_d, cid(20, core::order_purpose::trailing))));
    ASSERT_TRUE(placed.has_value()) << placed.error().describe();
    const auto open = stops();
    ASSERT_EQ(open.size(), 1U);
    EXPECT_EQ(open[0].kind, stop_kind::trailing);
    EXPECT_EQ(open[0].callback_pct, std::optional{"1"_d});
    ASSERT_TRUE(open_positions().at(0).quantity.is_positive());
    EXPECT_EQ(paper->engine().position("paper", btc)->stop->trailing_stop, "600.0"_d);  // 1 % of 60000
    mark(btc, "62000.00"_d);
    mark(btc, "61450.00"_d);  // the stop now sits at 62000 - 600 = 61400
    EXPECT_EQ(open_positions().size(), 1U);
    mark(btc, "61400.00"_d);
    EXPECT_TRUE(open_positions().empty());
}

TEST_F(stop_test, bybit_trailing_stop_keeps_the_stop_loss_and_both_read_back_as_one_entry) {
    open_long(bybit_options());
    ASSERT_TRUE(run(paper->place_stop(fixed_stop("59000.0"_d, cid(20, core::order_purpose::stop)))).has_value());
    ASSERT_TRUE(run(paper->place_stop(trailing_stop("1"_d, cid(20, core::order_purpose::trailing)))).has_value());
    const auto open = stops();
    ASSERT_EQ(open.size(), 1U);  // as Bybit's position/list: stopLoss and trailingStop on one row
    EXPECT_EQ(open[0].kind, stop_kind::trailing);
    EXPECT_EQ(open[0].trigger_price, std::optional{"59000.0"_d});
    EXPECT_EQ(open[0].callback_pct, std::optional{"1"_d});
}

TEST_F(stop_test, bybit_cancel_stop_then_unknown_order) {
    open_long(bybit_options());
    auto placed = run(paper->place_stop(fixed_stop("59000.0"_d, cid(20, core::order_purpose::stop))));
    ASSERT_TRUE(placed.has_value());
    EXPECT_TRUE(run(paper->cancel_stop(*placed)).has_value());
    EXPECT_TRUE(stops().empty());
    auto again = run(paper->cancel_stop(*placed));
    ASSERT_TRUE(again.has_error());
    EXPECT_EQ(again.error().kind, error_kind::unknown_order);
}

TEST_F(stop_test, bybit_stop_without_a_position_is_reduce_only_rejected) {
    start(bybit_options());
    auto placed = run(paper->place_stop(fixed_stop("59000.0"_d, cid(20, core::order_purpose::stop))));
    ASSERT_TRUE(placed.has_error());
    EXPECT_EQ(placed.error().kind, error_kind::reduce_only_rejected);
}

}  // namespace
}  // namespace tradebot::exchange::paper::testing
