// The trading core as the daemon builds it (position_manager and its components) against the paper
// venue in process and the in-memory stores, on one io_context, with the manual clock driving every
// pause (core::timer): no PostgreSQL, sockets or sleeps. Shared by the unit suites of the core.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/exchange/paper/client.hpp"
#include "tradebot/trading/position_manager.hpp"
#include "tradebot/trading/trading_metrics.hpp"
#include "tradebot_test/market_venue.hpp"
#include "tradebot_test/memory_stores.hpp"

namespace tradebot::trading {

class core_fixture : public ::testing::Test {
protected:
    // The paper venue with its instruments and a first mark of 60000.
    void start_venue() {
        market_.clock = &clock_;
        settings_.app.mode = core::mode::test;
        settings_.trading.reconcile_interval_seconds = std::chrono::seconds{60};
        paper_ = std::make_unique<exchange::paper::client>(clock_, market_, exchange::paper::paper_options{}, &router_);
        ASSERT_TRUE(run(paper_->load_instruments()));
        mark(*core::decimal::parse("60000.00"));
    }

    // The manager over these stores (the in-memory ones, or a suite's wrappers around them).
    void start_manager(db::position_store& positions, db::order_store& journal, db::trade_store* trades = nullptr) {
        manager_ = std::make_unique<position_manager>(io_.get_executor(), *paper_, positions, journal, audit_,
                                                      trades != nullptr ? *trades : trades_, router_, metrics_,
                                                      settings_, clock_);
        ASSERT_TRUE(run(manager_->start()));
    }

    void TearDown() override {
        manager_->stop();
        settle();
        EXPECT_TRUE(manager_->idle());
        EXPECT_FALSE(clock_.next_deadline().has_value()) << "a pause outlived stop()";
    }

    // Runs `aw` to its end; every step it waits for is already queued on the io_context.
    template <class T>
    T run(boost::asio::awaitable<T> aw) {
        auto done = boost::asio::co_spawn(io_, std::move(aw), boost::asio::use_future);
        settle();
        EXPECT_EQ(done.wait_for(std::chrono::seconds{0}), std::future_status::ready)
            << "waits for something that never comes";
        return done.get();
    }

    // Runs every handler that is ready, and those they make ready, until none is left.
    void settle() {
        io_.restart();
        io_.poll();
    }

    // Moves the clock (the timers it passes fire) and runs what that set off.
    void advance(std::chrono::seconds d) {
        clock_.advance(d);
        settle();
    }

    // A new mark on the venue (REST and the paper engine) and on the router, one second later.
    void mark(core::decimal price) {
        clock_.advance(std::chrono::seconds{1});
        market_.marks[test::btc] = price;
        events::mark_price m;
        m.exchange = core::exchange_id::binance;
        m.symbol = test::btc;
        m.price = price;
        m.exchange_ts = m.receive_ts = clock_.now();
        paper_->on_mark_price(m);
        router_.topic<events::mark_price>(events::topic_name::mark_price,
                                          events::policy::coalesce_by_key{events::by_venue_symbol{}})
            .publish(m);
        settle();
    }

    open_result open_long() {
        entry_intent i;
        i.exchange = core::exchange_id::binance;
        i.symbol = test::btc;
        i.side = core::position_side::long_;
        i.quantity = *core::decimal::parse("0.010");
        i.reference_price = market_.marks[test::btc];
        i.leverage = 10;
        return run(manager_->open(i));
    }

    std::vector<exchange::stop_state> venue_stops() { return run(paper_->open_stops(test::btc)).value(); }
    bool venue_flat() { return run(paper_->positions(exchange::request_priority::normal)).value().empty(); }

    boost::asio::io_context io_;
    core::manual_clock clock_;
    prometheus::Registry registry_;
    events::router router_{registry_};
    trading_metrics metrics_{registry_};
    config::settings settings_;
    test::market_venue market_;
    std::unique_ptr<exchange::paper::client> paper_;
    test::memory_journal journal_;
    test::memory_positions positions_{journal_};
    test::memory_audit audit_;
    test::memory_trades trades_;
    std::unique_ptr<position_manager> manager_;
};

}  // namespace tradebot::trading
