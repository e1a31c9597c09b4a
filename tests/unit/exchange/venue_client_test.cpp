// Checks that venue_client can be implemented with coroutines and used the way the core will.
#include "tradebot/exchange/venue_client.hpp"

#include "tradebot/net/client_errc.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace tradebot::exchange {
namespace {

namespace asio = boost::asio;
using namespace core::literals;

// Every call fails the same way except a few; enough to exercise the signatures.
class stub_venue final : public venue_client {
public:
    [[nodiscard]] core::exchange_id venue() const noexcept override { return core::exchange_id::paper; }
    task<std::vector<instrument_rules>> load_instruments() override { co_return std::vector<instrument_rules>{}; }
    task<std::int64_t> server_time() override { co_return 1'767'225'600'000; }
    task<mark_price_state> mark_price(core::symbol symbol, request_priority) override {
        co_return mark_price_state{symbol, "60000.10"_d, 1};
    }
    task<std::vector<mark_price_state>> mark_prices(request_priority) override { co_return fail(); }
    task<market_stats_state> market_stats(market_stats_request, request_priority) override { co_return fail(); }
    task<std::vector<balance_state>> balances() override { co_return fail(); }
    task<std::vector<position_state>> positions(request_priority) override { co_return fail(); }
    task<std::vector<order_state>> open_orders(std::optional<core::symbol>) override { co_return fail(); }
    task<std::vector<stop_state>> open_stops(std::optional<core::symbol>) override { co_return fail(); }
    task<void> set_leverage(core::symbol, int, request_priority) override { co_return result<void>{}; }
    task<void> set_margin_mode(core::symbol, margin_mode, request_priority) override { co_return fail(); }
    task<void> set_one_way_mode() override { co_return fail(); }
    task<order_ack> place_market_order(market_order_request r, request_priority) override {
        co_return order_ack{"1", r.client_id, std::nullopt};
    }
    task<order_ack> place_limit_order(limit_order_request, request_priority) override { co_return fail(); }
    task<order_state> query_order(core::symbol, core::client_order_id) override { co_return fail(); }
    task<void> cancel_order(core::symbol, core::client_order_id, request_priority) override { co_return fail(); }
    task<stop_state> place_stop(stop_request) override {
        co_return bybit_error(200, 10001, "StopLoss:324000000 set for Buy position should lower than base_price:161600000??LastPrice");
    }
    task<stop_state> amend_stop(stop_state, stop_request) override { co_return fail(); }
    task<void> cancel_stop(stop_state) override { co_return fail(); }

private:
    static error fail() { return transport_error(core::exchange_id::paper, net::client_errc::timeout_after_send); }
};

TEST(venue_client, results_carry_values_or_classified_errors) {
    asio::io_context io;
    stub_venue venue;
    venue_client& v = venue;
    bool ran = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            market_order_request order{core::symbol::from_string("BTCUSDT"), core::side::buy, "0.010"_d, false,
                                       core::client_order_id{42, core::order_purpose::entry, 1, false}};
            auto ack = co_await v.place_market_order(order, request_priority::normal);
            EXPECT_TRUE(ack.has_value());
            EXPECT_EQ(ack->client_id.position_id, 42);

            auto positions = co_await v.positions(request_priority::background);
            EXPECT_TRUE(positions.has_error());  // a failure is never an empty list
            EXPECT_EQ(positions.error().kind, error_kind::unknown_outcome);

            auto leverage = co_await v.set_leverage(core::symbol::from_string("BTCUSDT"), 5, request_priority::normal);
            EXPECT_TRUE(leverage.has_value());

            stop_request stop{core::symbol::from_string("BTCUSDT"), core::position_side::long_, stop_kind::fixed,
                              "58800.10"_d, {}, std::nullopt,
                              core::client_order_id{42, core::order_purpose::stop, 1, false}};
            auto placed = co_await v.place_stop(stop);
            EXPECT_TRUE(placed.has_error());
            EXPECT_EQ(placed.error().kind, error_kind::would_trigger_immediately);
            ran = true;
        },
        asio::detached);
    io.run();
    EXPECT_TRUE(ran);
    EXPECT_TRUE(is_final(order_status::filled));
    EXPECT_FALSE(is_final(order_status::partially_filled));
}

}  // namespace
}  // namespace tradebot::exchange
