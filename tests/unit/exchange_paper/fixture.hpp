#pragma once

// A paper client over a fake market-data venue, a manual clock and a real router whose
// order/position/balance topics are collected for the assertions.
#include <chrono>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "tradebot/core/clock.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/exchange/paper/client.hpp"
#include "tradebot_test/instrument_rules.hpp"

namespace tradebot::exchange::paper::testing {

namespace asio = boost::asio;
using namespace core::literals;

inline const core::symbol btc = core::symbol::from_string("BTCUSDT");
inline const core::symbol eth = core::symbol::from_string("ETHUSDT");
inline const core::symbol dead = core::symbol::from_string("DEADUSDT");

using tradebot::test::rules_for;

// The real venue as far as paper trading uses it: instruments, time, REST mark price.
class fake_market final : public venue_client {
public:
    core::exchange_id id = core::exchange_id::binance;
    std::vector<instrument_rules> rules{rules_for(btc, "0.10"_d, "0.001"_d), rules_for(eth, "0.01"_d, "0.01"_d),
                                        rules_for(dead, "0.01"_d, "1"_d, false)};
    std::optional<error> load_error;
    mark_price_state rest_mark{btc, "60000.00"_d, 0};
    int load_calls = 0;
    int mark_calls = 0;

    [[nodiscard]] core::exchange_id venue() const noexcept override { return id; }
    task<std::vector<instrument_rules>> load_instruments() override {
        ++load_calls;
        if (load_error) {
            co_return *load_error;
        }
        co_return rules;
    }
    task<std::int64_t> server_time() override { co_return std::int64_t{1'767'225'600'123}; }
    task<mark_price_state> mark_price(core::symbol, request_priority) override {
        ++mark_calls;
        co_return rest_mark;
    }
    task<std::vector<mark_price_state>> mark_prices(request_priority) override {
        ++mark_calls;
        co_return std::vector<mark_price_state>{rest_mark};
    }
    market_stats_state stats{btc, "12000000"_d, "250000.5"_d, "-1.25"_d};
    std::optional<market_stats_request> stats_asked;
    task<market_stats_state> market_stats(market_stats_request r, request_priority) override {
        stats_asked = r;
        co_return stats;
    }
    // Paper trading never asks the real venue about the account: any such call is a bug.
    task<std::vector<balance_state>> balances() override { co_return unused(); }
    task<std::vector<position_state>> positions(request_priority) override { co_return unused(); }
    task<std::vector<order_state>> open_orders(std::optional<core::symbol>) override { co_return unused(); }
    task<std::vector<stop_state>> open_stops(std::optional<core::symbol>) override { co_return unused(); }
    task<void> set_leverage(core::symbol, int, request_priority) override { co_return unused(); }
    task<void> set_margin_mode(core::symbol, margin_mode, request_priority) override { co_return unused(); }
    task<void> set_one_way_mode() override { co_return unused(); }
    task<order_ack> place_market_order(market_order_request, request_priority) override { co_return unused(); }
    task<order_ack> place_limit_order(limit_order_request, request_priority) override { co_return unused(); }
    task<order_state> query_order(core::symbol, core::client_order_id) override { co_return unused(); }
    task<void> cancel_order(core::symbol, core::client_order_id, request_priority) override { co_return unused(); }
    task<stop_state> place_stop(stop_request) override { co_return unused(); }
    task<stop_state> amend_stop(stop_state, stop_request) override { co_return unused(); }
    task<void> cancel_stop(stop_state) override { co_return unused(); }

private:
    [[nodiscard]] error unused() const {
        ADD_FAILURE() << "paper client called the market-data venue for account data";
        error e;
        e.kind = error_kind::auth;
        return e;
    }
};

inline core::client_order_id cid(std::int64_t position, core::order_purpose purpose, std::uint16_t attempt = 1) {
    return core::client_order_id{position, purpose, attempt, true};
}

class paper_test : public ::testing::Test {
protected:
    void make(paper_options options = {}) {
        paper = std::make_unique<client>(clock, market, std::move(options), &router);
        subs.push_back(router.topic<events::order_update>(events::topic_name::order_update)
                           .subscribe(io.get_executor(), [this](const events::order_update& u) { orders.push_back(u); }));
        subs.push_back(router.topic<events::position_update>(events::topic_name::position_update)
                           .subscribe(io.get_executor(),
                                      [this](const events::position_update& u) { positions.push_back(u); }));
        subs.push_back(router.topic<events::balance_update>(events::topic_name::balance_update)
                           .subscribe(io.get_executor(),
                                      [this](const events::balance_update& u) { balances.push_back(u); }));
    }

    // make() + load_instruments() + a first BTC mark.
    void start(paper_options options = {}, core::decimal btc_mark = "60000.00"_d) {
        make(std::move(options));
        ASSERT_TRUE(run(paper->load_instruments()).has_value());
        mark(btc, btc_mark);
    }

    template <class T>
    T run(asio::awaitable<T> a) {
        std::optional<T> out;
        asio::co_spawn(
            io,
            [&out, aw = std::move(a)]() mutable -> asio::awaitable<void> {
                auto v = co_await std::move(aw);
                out.emplace(std::move(v));
            },
            asio::detached);
        io.restart();
        io.run();
        EXPECT_TRUE(out.has_value());
        return std::move(*out);
    }

    void deliver() {
        io.restart();
        io.poll();
    }

    void mark(core::symbol s, core::decimal price) {
        clock.advance(std::chrono::seconds{1});
        events::mark_price m;
        m.exchange = market.id;
        m.symbol = s;
        m.price = price;
        m.exchange_ts = clock.now();
        m.receive_ts = clock.now();
        paper->on_mark_price(m);
        deliver();
    }

    result<order_ack> buy(core::decimal qty, core::client_order_id id, bool reduce_only = false) {
        return run(paper->place_market_order(market_order_request{btc, core::side::buy, qty, reduce_only, id},
                                             request_priority::normal));
    }
    result<order_ack> sell(core::decimal qty, core::client_order_id id, bool reduce_only = false) {
        return run(paper->place_market_order(market_order_request{btc, core::side::sell, qty, reduce_only, id},
                                             request_priority::normal));
    }

    static stop_request fixed_stop(core::decimal trigger, core::client_order_id id,
                                   core::position_side side = core::position_side::long_) {
        return stop_request{btc, side, stop_kind::fixed, trigger, {}, std::nullopt, id};
    }
    static stop_request trailing_stop(core::decimal pct, core::client_order_id id,
                                      std::optional<core::decimal> activation = std::nullopt) {
        return stop_request{btc, core::position_side::long_, stop_kind::trailing, {}, pct, activation, id};
    }

    std::vector<position_state> open_positions() {
        auto p = run(paper->positions(request_priority::normal));
        EXPECT_TRUE(p.has_value());
        return p ? *p : std::vector<position_state>{};
    }

    std::vector<stop_state> stops() {
        auto s = run(paper->open_stops(std::nullopt));
        EXPECT_TRUE(s.has_value());
        return s ? *s : std::vector<stop_state>{};
    }

    core::manual_clock clock;
    prometheus::Registry registry;
    events::router router{registry};
    asio::io_context io;
    fake_market market;
    std::unique_ptr<client> paper;
    std::vector<events::order_update> orders;
    std::vector<events::position_update> positions;
    std::vector<events::balance_update> balances;
    std::vector<events::subscription> subs;
};

inline paper_options bybit_options() {
    paper_options o;
    o.emulate = core::exchange_id::bybit;
    return o;
}

inline paper_options slippage(core::decimal bps) {
    paper_options o;
    o.slippage_bps = bps;
    return o;
}

}  // namespace tradebot::exchange::paper::testing
