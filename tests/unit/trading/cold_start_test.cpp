// A cold start that finds many positions the database does not know (issue 22: /ready within a
// second with 200 of them): each is adopted and gets exactly one stop, the stops are in flight
// together (bounded), and one stop the venue refuses closes its own position without holding up
// or failing the others. The paper venue behind a gate that holds every stop request until the
// test opens it, on the manual clock: no sockets, no sleeps.

#include <algorithm>
#include <future>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "trading/for_each_concurrently.hpp"
#include "unit/trading/core_fixture.hpp"

namespace tradebot::trading {
namespace {

namespace asio = boost::asio;
namespace ex = tradebot::exchange;
using namespace core::literals;

// The paper venue, except that stop requests wait at a gate until open() and one symbol's stop is
// refused by the venue.
class gated_venue final : public ex::venue_client {
public:
    gated_venue(asio::io_context& io, ex::venue_client& inner) : inner_{inner}, gate_{io} {
        gate_.expires_at(asio::steady_timer::time_point::max());
    }

    void open() {
        opened_ = true;
        gate_.cancel();
    }

    core::symbol refuse;  // its stop gets a venue refusal
    int in_flight = 0;
    int max_in_flight = 0;
    int stops_sent = 0;
    int queries = 0;

    [[nodiscard]] core::exchange_id venue() const noexcept override { return inner_.venue(); }
    task<std::vector<ex::instrument_rules>> load_instruments() override { return inner_.load_instruments(); }
    task<std::int64_t> server_time() override { return inner_.server_time(); }
    task<ex::mark_price_state> mark_price(core::symbol s, ex::request_priority p) override {
        return inner_.mark_price(std::move(s), p);
    }
    task<std::vector<ex::mark_price_state>> mark_prices(ex::request_priority p) override {
        return inner_.mark_prices(p);
    }
    task<ex::market_stats_state> market_stats(ex::market_stats_request r, ex::request_priority p) override {
        return inner_.market_stats(std::move(r), p);
    }
    task<std::vector<ex::balance_state>> balances() override { return inner_.balances(); }
    task<std::vector<ex::position_state>> positions(ex::request_priority p) override { return inner_.positions(p); }
    task<std::vector<ex::order_state>> open_orders(std::optional<core::symbol> s) override {
        return inner_.open_orders(std::move(s));
    }
    task<std::vector<ex::stop_state>> open_stops(std::optional<core::symbol> s) override {
        return inner_.open_stops(std::move(s));
    }
    task<void> set_leverage(core::symbol s, int l, ex::request_priority p) override {
        return inner_.set_leverage(std::move(s), l, p);
    }
    task<void> set_margin_mode(core::symbol s, ex::margin_mode m, ex::request_priority p) override {
        return inner_.set_margin_mode(std::move(s), m, p);
    }
    task<void> set_one_way_mode() override { return inner_.set_one_way_mode(); }
    task<ex::order_ack> place_market_order(ex::market_order_request r, ex::request_priority p) override {
        return inner_.place_market_order(std::move(r), p);
    }
    task<ex::order_ack> place_limit_order(ex::limit_order_request r, ex::request_priority p) override {
        return inner_.place_limit_order(std::move(r), p);
    }
    task<ex::order_state> query_order(core::symbol s, core::client_order_id id) override {
        ++queries;
        return inner_.query_order(std::move(s), id);
    }
    task<void> cancel_order(core::symbol s, core::client_order_id id, ex::request_priority p) override {
        return inner_.cancel_order(std::move(s), id, p);
    }
    task<ex::stop_state> place_stop(ex::stop_request r) override {
        ++stops_sent;
        ++in_flight;
        max_in_flight = std::max(max_in_flight, in_flight);
        if (!opened_) {
            boost::system::error_code ec;
            co_await gate_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        --in_flight;
        if (r.symbol == refuse) {
            ex::error e;
            e.kind = ex::error_kind::invalid_request;
            e.venue = venue();
            e.message = "refused (test)";
            co_return e;
        }
        co_return co_await inner_.place_stop(std::move(r));
    }
    task<ex::stop_state> amend_stop(ex::stop_state c, ex::stop_request r) override {
        return inner_.amend_stop(std::move(c), std::move(r));
    }
    task<void> cancel_stop(ex::stop_state s) override { return inner_.cancel_stop(std::move(s)); }

private:
    ex::venue_client& inner_;
    asio::steady_timer gate_;
    bool opened_ = false;
};

class cold_start_test : public core_fixture {
protected:
    static constexpr int positions = 40;  // more than the reconciler puts in flight at once

    void SetUp() override {
        for (int i = 0; i < positions; ++i) {
            const auto s = core::symbol::from_string("C" + std::to_string(i) + "USDT");
            symbols_.push_back(s);
            market_.marks[s] = "10.000"_d;
        }
        start_venue();
        for (const auto& s : symbols_) {
            events::mark_price m;
            m.exchange = core::exchange_id::binance;
            m.symbol = s;
            m.price = "10.000"_d;
            m.exchange_ts = m.receive_ts = clock_.now();
            paper_->on_mark_price(m);
            paper_->restore_position(s, core::position_side::long_, "2.0"_d, "10.000"_d);
        }
        gated_ = std::make_unique<gated_venue>(io_, *paper_);
        gated_->refuse = symbols_.front();
        manager_ = std::make_unique<position_manager>(io_.get_executor(), *gated_, positions_, journal_, audit_,
                                                      trades_, router_, metrics_, settings_, clock_);
    }

    std::vector<core::symbol> symbols_;
    std::unique_ptr<gated_venue> gated_;
};

TEST_F(cold_start_test, the_start_up_stops_are_in_flight_together_and_one_refusal_stops_no_other) {
    auto started = asio::co_spawn(io_, manager_->start(), asio::use_future);
    settle();
    ASSERT_NE(started.wait_for(std::chrono::seconds{0}), std::future_status::ready) << "the gate holds the stops";
    EXPECT_EQ(gated_->in_flight, reconcile_concurrency) << "as many stops in flight as the bound allows, at once";

    gated_->open();
    settle();
    ASSERT_EQ(started.wait_for(std::chrono::seconds{0}), std::future_status::ready);
    EXPECT_TRUE(started.get()) << "ready";
    EXPECT_EQ(gated_->max_in_flight, reconcile_concurrency) << "never more than the bound";
    EXPECT_EQ(gated_->stops_sent, positions) << "one stop request per position: the refusal is not retried";
    EXPECT_EQ(gated_->queries, 0) << "an adopted position's fresh id has no order on the venue to look up";

    // Every position adopted and journaled; every one but the refused one protected by exactly one stop.
    ASSERT_EQ(positions_.rows.size(), static_cast<std::size_t>(positions));
    int protected_rows = 0;
    for (const auto& [id, row] : positions_.rows) {
        if (row.symbol == gated_->refuse) {
            EXPECT_EQ(row.state, db::position_state::closed) << "rule 3: it could not be protected, so it is closed";
            continue;
        }
        EXPECT_EQ(row.state, db::position_state::protected_) << row.symbol.str();
        EXPECT_TRUE(row.stop_price.has_value());
        ++protected_rows;
        EXPECT_EQ(journal_.of(id, core::order_purpose::stop).size(), 1u) << row.symbol.str();
    }
    EXPECT_EQ(protected_rows, positions - 1);
    for (const auto& s : symbols_) {
        const auto stops = run(paper_->open_stops(s)).value();
        EXPECT_EQ(stops.size(), s == gated_->refuse ? 0u : 1u) << s.str();
    }
    const auto live = run(paper_->positions(ex::request_priority::normal)).value();
    EXPECT_EQ(live.size(), static_cast<std::size_t>(positions - 1)) << "only the unprotectable one was closed";
    EXPECT_EQ(manager_->live().size(), static_cast<std::size_t>(positions - 1));
}

}  // namespace
}  // namespace tradebot::trading
