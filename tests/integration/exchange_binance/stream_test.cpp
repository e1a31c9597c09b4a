// The Binance streams against the real tradebot-sim: private user data with the listenKey
// lifecycle, the market stream's subscriptions across reconnects, stall detection.

#include "fixture.hpp"

namespace tradebot::exchange::binance::test {
namespace {

using namespace core::literals;

TEST_F(binance_sim_test, user_stream_publishes_order_and_account_updates) {
    start_user_stream();
    EXPECT_FALSE(user_->listen_key().empty());
    market_order_request r;
    r.symbol = btc();
    r.side = core::side::buy;
    r.quantity = "0.004"_d;
    r.client_id = cid(600, core::order_purpose::entry);
    ASSERT_TRUE(run(client_->place_market_order(r, request_priority::normal)));
    const auto id = r.client_id.str();
    ASSERT_TRUE(pump_until([&] {
        bool filled = false;
        for (const auto& u : order_events_) filled = filled || (u.client_order_id == id && u.status == events::order_status::filled);
        return filled && !position_events_.empty();
    })) << "order events " << order_events_.size();
    EXPECT_EQ(position_events_.back().symbol, btc());
    EXPECT_EQ(position_events_.back().quantity, "0.004"_d);
    EXPECT_EQ(position_events_.back().side, core::position_side::long_);
}

TEST_F(binance_sim_test, listen_key_expiry_makes_a_new_key_and_reconnects) {
    start_user_stream();
    const auto first = user_->listen_key();
    ASSERT_EQ(user_->keys_created(), 1U);
    control("POST", "/sim/fault", R"({"kind":"expire_listen_key"})");
    control("POST", "/sim/step");
    ASSERT_TRUE(pump_until([&] { return user_->keys_created() >= 2 && connected_count("private") >= 2; }, 15s))
        << "keys " << user_->keys_created() << " connects " << connected_count("private") << "\n"
        << sim_state();
    EXPECT_NE(user_->listen_key(), first);
    // The new key carries events.
    order_events_.clear();
    market_order_request r;
    r.symbol = btc();
    r.side = core::side::buy;
    r.quantity = "0.002"_d;
    r.client_id = cid(601, core::order_purpose::entry);
    ASSERT_TRUE(run(client_->place_market_order(r, request_priority::normal)));
    EXPECT_TRUE(pump_until([&] { return !order_events_.empty(); }));
}

TEST_F(binance_sim_test, keepalive_extends_the_key) {
    start_user_stream(300ms);
    ASSERT_TRUE(pump_until([&] { return user_->keepalives_sent() >= 2; }, 5s));
    EXPECT_EQ(user_->keys_created(), 1U);
}

TEST_F(binance_sim_test, market_stream_subscribes_diffs_and_resubscribes_after_drop) {
    start_market_stream();
    market_->set_symbols({btc(), core::symbol::from_string("ETHUSDT")});
    ASSERT_TRUE(pump_until([&] {
        bool b = false;
        bool e = false;
        for (const auto& m : mark_events_) {
            b = b || m.symbol == btc();
            e = e || m.symbol.str() == "ETHUSDT";
        }
        return b && e;
    })) << sim_state();
    EXPECT_EQ(market_->subscriptions(), (std::set<std::string>{"btcusdt@markPrice@1s", "ethusdt@markPrice@1s"}));

    market_->set_symbols({btc()});
    ASSERT_TRUE(pump_until([&] { return market_->subscriptions().size() == 1; }));
    pump_until([] { return false; }, 1500ms);  // let the UNSUBSCRIBE land
    mark_events_.clear();
    pump_until([] { return false; }, 2500ms);
    for (const auto& m : mark_events_) EXPECT_EQ(m.symbol, btc());
    EXPECT_FALSE(mark_events_.empty());

    const auto before = market_->connects();
    control("POST", "/sim/fault", R"({"kind":"drop_streams"})");
    ASSERT_TRUE(pump_until([&] { return market_->connects() > before; }, 10s));
    EXPECT_GE(status_count("mark_price", events::stream_status::disconnected), 1);
    mark_events_.clear();
    EXPECT_TRUE(pump_until([&] { return !mark_events_.empty(); }, 5s)) << "no mark price after the reconnect";
    EXPECT_EQ(market_->subscriptions(), (std::set<std::string>{"btcusdt@markPrice@1s"}));
}

TEST_F(binance_sim_test, market_stream_stall_is_detected_and_reported) {
    start_market_stream(1500ms);
    market_->set_symbols({btc()});
    ASSERT_TRUE(pump_until([&] { return !mark_events_.empty(); })) << sim_state();
    control("POST", "/sim/fault", R"({"kind":"stall_streams","on":true})");
    EXPECT_TRUE(pump_until([&] { return status_count("mark_price", events::stream_status::stalled) >= 1; }, 10s));
    control("POST", "/sim/fault", R"({"kind":"stall_streams","on":false})");
    mark_events_.clear();
    EXPECT_TRUE(pump_until([&] { return !mark_events_.empty(); }, 10s)) << "no recovery after the stall";
}

}  // namespace
}  // namespace tradebot::exchange::binance::test
