// The whole position lifecycle without PostgreSQL, sockets or sleeps: the trading core as the
// daemon builds it (position_manager and its components) against the paper venue in process and
// the in-memory stores, on one io_context, with the manual clock driving every pause (core::timer).
// The PostgreSQL integration tests (tests/integration/trading) keep the SQL honest; these keep
// the core's behaviour cheap to check: the suite runs in milliseconds.

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tradebot/trading/account_metrics.hpp"
#include "tradebot/trading/position_metrics.hpp"
#include "unit/trading/core_fixture.hpp"

namespace tradebot::trading {
namespace {

namespace asio = boost::asio;
namespace ex = tradebot::exchange;
using namespace core::literals;
using namespace std::chrono_literals;
using test::btc;

class lifecycle_test : public core_fixture {
protected:
    void SetUp() override {
        start_venue();
        published_sub_ = router_.topic<events::position_event>(events::topic_name::position_event)
                             .subscribe(io_.get_executor(), [this](const events::position_event& e) {
                                 published_ += std::string{events::to_string(e.kind)} + " ";
                             });
        start_manager(positions_, journal_);
    }

    // A metric's value by name and labels; -1 when there is no such series.
    double metric(const std::string& name, const std::map<std::string, std::string>& labels) {
        for (const auto& family : registry_.Collect()) {
            if (family.name != name) {
                continue;
            }
            for (const auto& m : family.metric) {
                std::map<std::string, std::string> have;
                for (const auto& l : m.label) {
                    have[l.name] = l.value;
                }
                if (have == labels) {
                    return family.type == prometheus::MetricType::Gauge ? m.gauge.value : m.counter.value;
                }
            }
        }
        return -1;
    }

    position_metrics position_metrics_{io_.get_executor(), router_, metrics_};
    account_metrics account_metrics_{io_.get_executor(), router_, metrics_};
    std::string published_;  // the position events, in order
    events::subscription published_sub_;
};

TEST_F(lifecycle_test, open_protect_trail_and_the_venue_stop_closes_it_with_its_fill) {
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    ASSERT_EQ(venue_stops().size(), 1U);
    EXPECT_EQ(positions_.row(r.position_id).state, db::position_state::protected_);
    EXPECT_EQ(journal_.of(r.position_id, core::order_purpose::entry).size(), 1U);

    mark("61000.00"_d);  // +1.5 % activates: the stop goes to the peak x 0.995
    EXPECT_EQ(venue_stops().front().trigger_price, "60695.00"_d);
    EXPECT_EQ(positions_.row(r.position_id).stop_price, "60695.00"_d);
    EXPECT_TRUE(positions_.row(r.position_id).trailing_activated);

    mark("60600.00"_d);  // through the trailed stop: the venue sells, the stream says flat
    ASSERT_TRUE(venue_flat());
    // The flat report is confirmed by a second read one second (of the clock) later.
    EXPECT_NE(positions_.row(r.position_id).state, db::position_state::closed);
    advance(1s);
    const auto& row = positions_.row(r.position_id);
    EXPECT_EQ(row.state, db::position_state::closed);
    EXPECT_EQ(row.close_reason, "closed_on_venue");
    EXPECT_EQ(row.exit_price, "60599.90"_d);  // the stop's market sell at the bid, from the stream
    EXPECT_EQ(audit_.trail(r.position_id), "position_opened stop_moved position_closed ");
    EXPECT_TRUE(manager_->live().empty());
    // The entry and the stop's market sell are trades rows of the position.
    ASSERT_EQ(trades_.of(r.position_id).size(), 2U);
    EXPECT_EQ(trades_.of(r.position_id)[1].price, "60599.90"_d);
    EXPECT_EQ(trades_.of(r.position_id)[1].realized_pnl, row.realized_pnl);
    // Each step published once on the router; the metrics are its subscriber.
    EXPECT_EQ(published_, "position_opened stop_moved position_closed ");
    EXPECT_EQ(metric("tradebot_exits_total", {{"exchange", "binance"}, {"reason", "closed_on_venue"}}), 1);
    EXPECT_DOUBLE_EQ(metric("tradebot_realized_pnl_usdt", {{"exchange", "binance"}}),
                     std::stod(row.realized_pnl.value_or(core::decimal{}).to_string()));
}

TEST_F(lifecycle_test, the_venues_balance_reports_reach_the_balance_gauges) {
    const auto r = open_long();  // the entry's fee moves the wallet: the venue reports it
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    const auto balances = run(paper_->balances()).value();
    ASSERT_EQ(balances.size(), 1U);
    const std::map<std::string, std::string> usdt{{"exchange", "binance"}, {"asset", "USDT"}};
    EXPECT_DOUBLE_EQ(metric("tradebot_wallet_balance", usdt), std::stod(balances.front().wallet_balance.to_string()));
    EXPECT_DOUBLE_EQ(metric("tradebot_available_balance", usdt), std::stod(balances.front().available.to_string()));
    EXPECT_LT(metric("tradebot_wallet_balance", usdt), 10000.0);  // below the starting wallet: the fee
}

TEST_F(lifecycle_test, an_aged_position_in_profit_is_closed_at_market_and_leaves_no_stop) {
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_);
    clock_.advance(3h);
    mark("60050.00"_d);  // in profit, below the breakeven target, far from activation
    const auto& row = positions_.row(r.position_id);
    EXPECT_EQ(row.state, db::position_state::closed);
    EXPECT_EQ(row.close_reason, "aged_profit");
    EXPECT_TRUE(venue_flat());
    EXPECT_TRUE(venue_stops().empty());
    EXPECT_EQ(journal_.of(r.position_id, core::order_purpose::aged_exit).size(), 1U);
    // Both fills are trades rows of the position: the entry, and the bot's own close with its PnL.
    const auto fills = trades_.of(r.position_id);
    ASSERT_EQ(fills.size(), 2U);
    EXPECT_EQ(fills[0].side, core::side::buy);
    EXPECT_EQ(fills[0].price, *row.entry_price);
    EXPECT_TRUE(fills[0].fee.is_positive());
    EXPECT_EQ(fills[1].side, core::side::sell);
    EXPECT_EQ(fills[1].price, *row.exit_price);
    EXPECT_EQ(fills[1].realized_pnl, (*row.exit_price - *row.entry_price) * row.quantity);
    EXPECT_EQ(fills[1].client_order_id,
              (core::client_order_id{r.position_id, core::order_purpose::aged_exit, 0, true}.str()));
}

TEST_F(lifecycle_test, the_periodic_pass_restores_a_stop_lost_on_the_venue_when_its_interval_passes) {
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_);
    ASSERT_TRUE(run(paper_->cancel_stop(venue_stops().front())));  // cancelled behind our back
    advance(59s);
    EXPECT_TRUE(venue_stops().empty());  // the pass is not due yet
    advance(1s);
    ASSERT_EQ(venue_stops().size(), 1U);
    EXPECT_EQ(positions_.row(r.position_id).state, db::position_state::protected_);
    EXPECT_EQ(audit_.trail(r.position_id), "position_opened stop_restored ");
    EXPECT_EQ(metric("tradebot_stops_restored_total", {{"exchange", "binance"}}), 1);
}

TEST_F(lifecycle_test, a_stream_back_from_a_gap_refills_at_once_without_the_periodic_pass) {
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_);
    ASSERT_TRUE(run(paper_->cancel_stop(venue_stops().front())));
    auto& states = router_.topic<events::stream_state>(events::topic_name::stream_state);
    events::stream_state s;
    s.exchange = core::exchange_id::binance;
    s.stream = "private";
    s.status = events::stream_status::disconnected;
    states.publish(s);
    settle();
    EXPECT_TRUE(venue_stops().empty());
    s.status = events::stream_status::connected;
    states.publish(s);
    settle();  // no time passes: the refill is not a timer
    EXPECT_EQ(venue_stops().size(), 1U);
}

// §11 #39: one symbol's marks stop while its stream lives. Once trading.mark_stale_seconds (30 s by
// default, checked every 10 s) passed without a mark the symbol is handed to the stream to subscribe
// again, counted and not asked for again within the next period; the trailing goes on with the
// marks that come back.
TEST_F(lifecycle_test, a_live_symbol_whose_marks_stop_is_resubscribed_and_trailing_continues) {
    std::vector<std::set<core::symbol>> asked;
    manager_->on_stale_marks([&asked](std::set<core::symbol> s) { asked.push_back(std::move(s)); });
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    const auto step_seconds = [this](int n) {
        for (int i = 0; i < n; ++i) {
            advance(1s);  // one second at a time: each check re-arms from the moment it ran
        }
    };
    for (int i = 0; i < 45; ++i) {
        mark("60000.00"_d);  // a mark every second: never stale
    }
    EXPECT_TRUE(asked.empty());
    step_seconds(29);
    EXPECT_TRUE(asked.empty()) << "29 s without a mark is not 30";
    for (int i = 0; i < 10 && asked.empty(); ++i) {
        step_seconds(1);  // the first check at or past 30 s, at most one period later
    }
    ASSERT_EQ(asked.size(), 1U);
    EXPECT_EQ(asked.front(), std::set<core::symbol>{btc});
    EXPECT_EQ(metric("tradebot_mark_resubscribes_total", {{"exchange", "binance"}}), 1);
    step_seconds(29);
    EXPECT_EQ(asked.size(), 1U) << "asked again before a full period";
    step_seconds(1);
    EXPECT_EQ(asked.size(), 2U);
    mark("61000.00"_d);  // the feed is back: +1.5 % activates the trailing as without the gap
    EXPECT_EQ(venue_stops().front().trigger_price, "60695.00"_d);
    EXPECT_TRUE(positions_.row(r.position_id).trailing_activated);
    for (int i = 0; i < 35; ++i) {
        mark("61000.00"_d);
    }
    EXPECT_EQ(asked.size(), 2U);
    EXPECT_EQ(metric("tradebot_mark_resubscribes_total", {{"exchange", "binance"}}), 2);
}

// With trading.mark_stale_seconds 0 nothing is checked.
class lifecycle_no_mark_watch_test : public lifecycle_test {
protected:
    void SetUp() override {
        settings_.trading.mark_stale_seconds = 0s;
        lifecycle_test::SetUp();
    }
};

TEST_F(lifecycle_no_mark_watch_test, no_check_runs_when_the_period_is_zero) {
    std::vector<std::set<core::symbol>> asked;
    manager_->on_stale_marks([&asked](std::set<core::symbol> s) { asked.push_back(std::move(s)); });
    ASSERT_EQ(open_long().kind, open_result_kind::protected_);
    for (int i = 0; i < 120; ++i) {
        advance(1s);
    }
    EXPECT_TRUE(asked.empty());
    EXPECT_EQ(metric("tradebot_mark_resubscribes_total", {{"exchange", "binance"}}), -1);
}

TEST_F(lifecycle_test, a_restart_finds_the_position_and_its_trailing_state_in_the_store) {
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_);
    mark("61000.00"_d);
    manager_->stop();
    settle();
    ASSERT_TRUE(manager_->idle());
    manager_ = std::make_unique<position_manager>(io_.get_executor(), *paper_, positions_, journal_, audit_, trades_,
                                                  router_, metrics_, settings_, clock_);
    ASSERT_TRUE(run(manager_->start()));
    ASSERT_EQ(manager_->live().size(), 1U);
    const auto& pos = manager_->live().at(btc);
    EXPECT_EQ(pos.id, r.position_id);
    ASSERT_TRUE(pos.trailing.has_value());
    EXPECT_NE(pos.trailing->phase(), protection::trailing_phase::inactive);
    ASSERT_EQ(venue_stops().size(), 1U);  // the trailed stop, not a second one
    EXPECT_EQ(venue_stops().front().trigger_price, "60695.00"_d);
}

// Issue 19, C7 (chaos crash steps entry_row_created and entry_journaled): a daemon killed after its
// entry's rows were written and before the order left. The restart found no position and ended
// the row `failed` after its second read, so its signal ended failed although nothing was traded.
// "Missing" is final only after the venue's receive window (an order signed before the kill may
// still arrive) and a lookup by the entry's client id; then the row is `not_opened`, quantity 0.
TEST_F(lifecycle_test, an_entry_row_whose_order_never_left_ends_not_opened_after_the_receive_window) {
    manager_->stop();
    settle();
    db::new_position p;
    p.symbol = btc;
    p.signal_id = 7;
    p.leverage = core::decimal::from_int(10);
    db::order_record entry;
    entry.symbol = btc;
    entry.quantity = "0.010"_d;
    const auto created = run(positions_.create_pending_with_entry(p, entry));
    ASSERT_TRUE(created);
    const auto id = created->position_id;

    manager_ = std::make_unique<position_manager>(io_.get_executor(), *paper_, positions_, journal_, audit_, trades_,
                                                  router_, metrics_, settings_, clock_);
    auto started = asio::co_spawn(io_, manager_->start(), asio::use_future);
    settle();
    advance(1s);  // the start-up's second read
    ASSERT_EQ(started.wait_for(0s), std::future_status::ready);
    ASSERT_TRUE(started.get());
    // Twice absent, but an entry signed before the restart could still reach the venue.
    EXPECT_EQ(positions_.row(id).state, db::position_state::pending_entry);
    EXPECT_EQ(manager_->live().size(), 1U);
    advance(10s);
    EXPECT_EQ(positions_.row(id).state, db::position_state::pending_entry);

    advance(6s);  // past the 10 s receive window and its margin: looked up, not there
    const auto& row = positions_.row(id);
    EXPECT_EQ(row.state, db::position_state::failed);
    ASSERT_TRUE(row.close_reason.has_value());
    EXPECT_TRUE(row.close_reason->starts_with("not_opened: the entry never reached the venue (no order tbt-"))
        << *row.close_reason;
    EXPECT_TRUE(row.quantity.is_zero());
    EXPECT_TRUE(manager_->live().empty());
    EXPECT_TRUE(venue_flat());
}

// protection.stop_loss.trigger reaches the venue: the paper venue's stop watches the price it names.
TEST_F(lifecycle_test, the_stop_watches_the_mark_by_default) {
    ASSERT_EQ(open_long().kind, open_result_kind::protected_);
    const auto stops = paper_->engine().open_conditionals("paper", btc);
    ASSERT_EQ(stops.size(), 1U);
    EXPECT_EQ(stops.front().request.working, sim::engine::working_type::mark);
}

class lifecycle_last_trigger_test : public lifecycle_test {
protected:
    void SetUp() override {
        settings_.protection.stop_loss.trigger = config::trigger_price::last;
        lifecycle_test::SetUp();
    }
};

TEST_F(lifecycle_last_trigger_test, the_stop_watches_the_last_price_when_configured) {
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    auto stops = paper_->engine().open_conditionals("paper", btc);
    ASSERT_EQ(stops.size(), 1U);
    EXPECT_EQ(stops.front().request.working, sim::engine::working_type::last);
    mark("61000.00"_d);  // a trailing move places the new stop the same way
    stops = paper_->engine().open_conditionals("paper", btc);
    ASSERT_EQ(stops.size(), 1U);
    EXPECT_EQ(stops.front().request.trigger_price, "60695.00"_d);
    EXPECT_EQ(stops.front().request.working, sim::engine::working_type::last);
}

// exchanges.*.margin_mode is set on the symbol before its first entry.
TEST_F(lifecycle_test, a_position_opens_in_cross_margin_by_default) {
    ASSERT_EQ(open_long().kind, open_result_kind::protected_);
    const auto held = run(paper_->positions(ex::request_priority::normal)).value();
    ASSERT_EQ(held.size(), 1U);
    EXPECT_EQ(held.front().margin, ex::margin_mode::cross);
}

class lifecycle_isolated_test : public lifecycle_test {
protected:
    void SetUp() override {
        settings_.exchanges.binance.margin_mode = config::margin_type::isolated;
        lifecycle_test::SetUp();
    }
};

TEST_F(lifecycle_isolated_test, a_position_opens_in_the_configured_isolated_margin) {
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    const auto held = run(paper_->positions(ex::request_priority::normal)).value();
    ASSERT_EQ(held.size(), 1U);
    EXPECT_EQ(held.front().margin, ex::margin_mode::isolated);
}

}  // namespace
}  // namespace tradebot::trading
