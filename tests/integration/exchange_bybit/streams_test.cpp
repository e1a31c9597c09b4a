// The Bybit WebSocket streams against tradebot-sim: events, reconnect, resubscribe, stall.
#include "bybit_fixture.hpp"

namespace tradebot::exchange::bybit::testing {
namespace {

using namespace tradebot::core::literals;

TEST_F(bybit_sim_test, PublicStreamPublishesMarkPricesOfTheDesiredSet) {
    load();
    collector<events::mark_price> marks{
        router_.topic<events::mark_price>(events::topic_name::mark_price,
                                          events::policy::coalesce_by_key{events::by_venue_symbol{}}),
        io_.get_executor()};
    auto& stream = start_public();
    stream.set_symbols({sym("BTCUSDT"), sym("ETHUSDT")});
    ASSERT_TRUE(marks.wait_for([](const auto& m) { return m.symbol.str() == "BTCUSDT" && m.price == "60000"_d; }, 5s));
    ASSERT_TRUE(marks.wait_for([](const auto& m) { return m.symbol.str() == "ETHUSDT"; }, 5s));
    price("BTCUSDT", "59000");
    ASSERT_TRUE(marks.wait_for([](const auto& m) { return m.symbol.str() == "BTCUSDT" && m.price == "59000"_d; }, 5s));
    EXPECT_EQ(marks.values().front().exchange, core::exchange_id::bybit);

    stream.set_symbols({sym("ETHUSDT")});
    std::this_thread::sleep_for(300ms);
    marks.clear();
    price("BTCUSDT", "58000");
    price("ETHUSDT", "2900");
    ASSERT_TRUE(marks.wait_for([](const auto& m) { return m.symbol.str() == "ETHUSDT" && m.price == "2900"_d; }, 5s));
    EXPECT_FALSE(marks.wait_for([](const auto& m) { return m.symbol.str() == "BTCUSDT"; }, 500ms));
}

TEST_F(bybit_sim_test, PrivateStreamPublishesOrderPositionAndBalance) {
    load();
    collector<events::order_update> orders{router_.topic<events::order_update>(events::topic_name::order_update),
                                           io_.get_executor()};
    collector<events::position_update> positions{
        router_.topic<events::position_update>(events::topic_name::position_update), io_.get_executor()};
    collector<events::balance_update> balances{
        router_.topic<events::balance_update>(events::topic_name::balance_update), io_.get_executor()};
    collector<events::stream_state> states{router_.topic<events::stream_state>(events::topic_name::stream_state),
                                           io_.get_executor()};
    std::atomic<int> fills{0};
    auto& stream = start_private();
    stream.on_execution([&](const execution& x) {
        if (x.client_order_id == id(501).str()) ++fills;
    });
    ASSERT_TRUE(states.wait_for([](const auto& s) { return s.stream == "private" && s.status == events::stream_status::connected; }, 5s));

    market_order_request req;
    req.symbol = sym("BTCUSDT");
    req.side = core::side::buy;
    req.quantity = "0.010"_d;
    req.client_id = id(501);
    ASSERT_TRUE(run(venue_->place_market_order(req, request_priority::normal)).has_value());
    const std::string link = id(501).str();
    EXPECT_TRUE(orders.wait_for(
        [&](const auto& o) { return o.client_order_id == link && o.status == events::order_status::filled; }, 5s));
    EXPECT_TRUE(positions.wait_for(
        [](const auto& p) { return p.symbol.str() == "BTCUSDT" && p.quantity == "0.01"_d; }, 5s));
    EXPECT_TRUE(balances.wait_for([](const auto& b) { return b.asset == "USDT"; }, 5s));
    EXPECT_TRUE(wait_until([&] { return fills.load() >= 1; }, 5s));
}

TEST_F(bybit_sim_test, DroppedStreamsReconnectReauthAndResubscribe) {
    load();
    collector<events::mark_price> marks{
        router_.topic<events::mark_price>(events::topic_name::mark_price,
                                          events::policy::coalesce_by_key{events::by_venue_symbol{}}),
        io_.get_executor()};
    collector<events::stream_state> states{router_.topic<events::stream_state>(events::topic_name::stream_state),
                                           io_.get_executor()};
    auto& priv = start_private();
    auto& pub = start_public();
    pub.set_symbols({sym("BTCUSDT")});
    ASSERT_TRUE(wait_until([&] { return priv.subscribe_count() == 1U; }, 5s));
    ASSERT_TRUE(marks.wait_for([](const auto& m) { return m.symbol.str() == "BTCUSDT"; }, 5s));

    fault(R"({"kind":"drop_streams"})");
    EXPECT_TRUE(states.wait_for([](const auto& s) { return s.stream == "private" && s.status == events::stream_status::disconnected; }, 5s));
    EXPECT_TRUE(states.wait_for([](const auto& s) { return s.stream == "public" && s.status == events::stream_status::disconnected; }, 5s));
    ASSERT_TRUE(wait_until([&] { return priv.auth_count() >= 2U && priv.subscribe_count() >= 2U; }, 5s));
    EXPECT_TRUE(priv.authenticated());
    EXPECT_TRUE(wait_until([&] { return pub.subscribe_requests() >= 2U; }, 5s)) << pub.subscribe_requests();

    marks.clear();
    price("BTCUSDT", "60500");
    EXPECT_TRUE(marks.wait_for([](const auto& m) { return m.symbol.str() == "BTCUSDT" && m.price == "60500"_d; }, 5s));
}

TEST_F(bybit_sim_test, StalledStreamIsReported) {
    load();
    collector<events::stream_state> states{router_.topic<events::stream_state>(events::topic_name::stream_state),
                                           io_.get_executor()};
    auto& pub = start_public(1500ms);
    pub.set_symbols({sym("BTCUSDT")});
    ASSERT_TRUE(states.wait_for([](const auto& s) { return s.stream == "public" && s.status == events::stream_status::connected; }, 5s));
    // The paused simulator sends tickers deltas only when a price changes: keep it ticking.
    const auto is_stalled = [](const auto& s) { return s.stream == "public" && s.status == events::stream_status::stalled; };
    int p = 60000;
    for (int i = 0; i < 6; ++i) {
        price("BTCUSDT", std::to_string(p += 10));
        std::this_thread::sleep_for(400ms);
    }
    EXPECT_FALSE(states.wait_for(is_stalled, 10ms)) << "a ticking feed must not count as stalled";
    fault(R"({"kind":"stall_streams","on":true})");
    bool stalled = false;
    for (int i = 0; i < 20 && !stalled; ++i) {
        price("BTCUSDT", std::to_string(p += 10));
        stalled = states.wait_for(is_stalled, 400ms);
    }
    EXPECT_TRUE(stalled);
    fault(R"({"kind":"clear"})");
}

}  // namespace
}  // namespace tradebot::exchange::bybit::testing
