// Bybit's suffix multiplier name (SHIB1000USDT) never leaves the adapter: internally 1000SHIBUSDT.
#include "bybit_fixture.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::exchange::bybit::testing {
namespace {

using namespace tradebot::core::literals;

class bybit_shib_test : public bybit_sim_test {
protected:
    bybit_shib_test() : bybit_sim_test{tradebot::test::source_dir().string() + "/tests/integration/exchange_bybit/shib.yaml"} {}
};

TEST_F(bybit_shib_test, MultiplierSymbolRoundTrips) {
    load();
    ASSERT_TRUE(symbols_.to_venue(sym("1000SHIBUSDT")).has_value());
    EXPECT_EQ(*symbols_.to_venue(sym("1000SHIBUSDT")), "SHIB1000USDT");
    const auto* rules = venue_->rules(sym("1000SHIBUSDT"));
    ASSERT_NE(rules, nullptr);
    EXPECT_EQ(rules->contract_multiplier, 1000);
    EXPECT_EQ(rules->tick_size, "0.000001"_d);

    collector<events::mark_price> marks{
        router_.topic<events::mark_price>(events::topic_name::mark_price,
                                          events::policy::coalesce_by_key{events::by_venue_symbol{}}),
        io_.get_executor()};
    auto& pub = start_public();
    pub.set_symbols({sym("1000SHIBUSDT")});

    market_order_request req;
    req.symbol = sym("1000SHIBUSDT");
    req.side = core::side::sell;
    req.quantity = "1000"_d;
    req.client_id = id(601);
    auto ack = run(venue_->place_market_order(req, request_priority::normal));
    ASSERT_TRUE(ack.has_value()) << ack.error().describe();
    auto pos = run(venue_->positions(request_priority::normal));
    ASSERT_TRUE(pos.has_value()) << pos.error().describe();
    ASSERT_EQ(pos->size(), 1U);
    EXPECT_EQ(pos->front().symbol.str(), "1000SHIBUSDT");
    EXPECT_EQ(pos->front().side, core::position_side::short_);

    stop_request t;
    t.symbol = sym("1000SHIBUSDT");
    t.position = core::position_side::short_;
    t.kind = stop_kind::trailing;
    t.callback_pct = "1"_d;  // of the mark 0.012 -> 0.00012 distance
    auto placed = run(venue_->place_stop(t));
    ASSERT_TRUE(placed.has_value()) << placed.error().describe();
    auto stops = run(venue_->open_stops(std::nullopt));
    ASSERT_TRUE(stops.has_value());
    ASSERT_EQ(stops->size(), 1U);
    EXPECT_EQ(stops->front().symbol.str(), "1000SHIBUSDT");
    EXPECT_EQ(stops->front().kind, stop_kind::trailing);

    EXPECT_TRUE(marks.wait_for([](const auto& m) { return m.symbol.str() == "1000SHIBUSDT"; }, 5s));
}

}  // namespace
}  // namespace tradebot::exchange::bybit::testing
